/// An error raised in script code: a runtime error of the interpreter, a value thrown with `throw`,
/// a cancellation or an interrupt. Script `catch` clauses catch all of them but `.stopped`.
///
/// The error records its traceback as it propagates: each function it leaves adds a frame (see
/// `recordFrame`), so building the trace costs nothing until an error is raised, and then one step
/// per frame it passes (docs/internals.md, "Tracebacks").
///
/// Mutated only on the interpreter's executor, while it propagates through script code; a host that
/// receives it reads a finished error. Hence `@unchecked Sendable`.
public final class ScriptError: Error, @unchecked Sendable {
    public enum Kind: Sendable {
        /// An error the interpreter raised: a wrong operand, an undefined variable, …
        case runtime
        /// A value thrown by `throw`.
        case thrown
        /// The task was cancelled.
        case cancelled
        /// The host (Ctrl-C in the REPL) interrupted the running code.
        case interrupted
        /// The host stopped the interpreter (`Interpreter.stop()`); no `catch` clause catches it.
        case stopped
        /// The script called `exit(status)` (see `exitStatus`): no `catch` clause catches it, and
        /// `finally` blocks run on the way out, as with Python's `SystemExit`.
        case exited
    }

    /// The built-in error class a runtime error is caught as (a subclass of `Error`).
    public enum ErrorClass: String, Sendable, CaseIterable {
        case error = "Error"
        case typeError = "TypeError"
        case nameError = "NameError"
        case indexError = "IndexError"
        case keyError = "KeyError"
        case valueError = "ValueError"
        case ioError = "IOError"
        case importError = "ImportError"
        case keyboardInterrupt = "KeyboardInterrupt"
        case cancelledError = "CancelledError"
        case stackOverflowError = "StackOverflowError"
        case timeoutError = "TimeoutError"
    }

    /// One frame of a traceback: where in a function the error passed.
    public struct Frame: Sendable, Equatable {
        /// The function's name, `script` for the top level of a file, `<input>` for a REPL input.
        public let function: String
        /// The file, nil for code that came from no file (`scr -c`, a REPL input).
        public let file: String?
        public let line: Int
    }

    public let kind: Kind
    /// The built-in class the error is caught as; for a thrown value, its class is the value's.
    public let errorClass: ErrorClass
    /// The line where the error was raised: what jlox prints as `[line N]`.
    public let line: Int
    /// The error's message: what an uncaught error prints first.
    public let message: String
    /// The status `exit(status)` asked for, for an error of kind `.exited`.
    public internal(set) var exitStatus: Int32 = 0
    /// The Swift error a host function threw, when it was not a `HostError`: the host can catch its
    /// own type again (`error.underlying as? MyError`).
    public internal(set) var underlying: (any Error)?
    let thrown: ThrownValue?
    /// The frames left so far, innermost first.
    private(set) var frames: [TraceFrame] = []
    /// The line being executed in the function the error is leaving next.
    private var pendingLine: Int
    /// Where the task that raised it was spawned, for the report of an error nobody awaited.
    var spawnSite: TraceFrame?
    /// The file of the program the error reached the top of: frames there need not name it.
    var mainFile: String?
    /// The frames it left, with their values, while a REPL may want them for `.pm`.
    var postMortem: PostMortem?

    init(_ message: String, line: Int, kind: Kind = .runtime, class errorClass: ErrorClass = .error) {
        self.kind = kind
        self.errorClass = kind == .cancelled ? .cancelledError : kind == .interrupted ? .keyboardInterrupt : errorClass
        self.line = line
        self.message = message
        self.thrown = nil
        pendingLine = line
    }

    /// A thrown value. An error value caught before carries its traceback on (`throw e;` rethrows
    /// with the original one).
    convenience init(thrown value: Value, line: Int, executor: ScriptExecutor) {
        self.init(thrown: ThrownValue(value, executor: executor), line: line)
    }

    private init(thrown: ThrownValue, line: Int) {
        kind = .thrown
        errorClass = .error
        let value = thrown.value
        message = ScriptError.message(of: value)
        self.thrown = thrown
        if case .instance(let instance) = value, let raised = (instance as? ErrorInstance)?.raised {
            self.line = raised.line
            frames = raised.frames
            pendingLine = raised.pendingLine
            spawnSite = raised.spawnSite
        } else {
            self.line = line
            pendingLine = line
        }
    }

    /// A copy with the frames recorded so far: one error rethrown to several awaiters of a task goes
    /// on to gather a trace of its own in each.
    func copy() -> ScriptError {
        let copy: ScriptError
        if let thrown {
            copy = ScriptError(thrown: thrown, line: line)
        } else {
            copy = ScriptError(message, line: line, kind: kind, class: errorClass)
        }
        copy.frames = frames
        copy.pendingLine = pendingLine
        copy.spawnSite = spawnSite
        copy.exitStatus = exitStatus
        copy.underlying = underlying
        copy.postMortem = postMortem
        return copy
    }

    static func exit(_ status: Int32, line: Int) -> ScriptError {
        let error = ScriptError("exit(\(status))", line: line, kind: .exited)
        error.exitStatus = status
        return error
    }

    /// Reading or assigning a global that no declaration has defined.
    static func undefinedVariable(_ name: Token) -> ScriptError {
        undefinedVariable(name.lexeme, line: name.line)
    }

    static func undefinedVariable(_ name: String, line: Int) -> ScriptError {
        ScriptError("Undefined variable '\(name)'.", line: line, class: .nameError)
    }

    static func stopped(line: Int) -> ScriptError {
        ScriptError("Interpreter stopped.", line: line, kind: .stopped)
    }

    /// The error leaves the function at `location`, whose code it passed at the line noted last.
    func leave(_ location: CodeLocation) {
        frames.append(TraceFrame(location: location, line: pendingLine))
    }

    /// How many frames the error has left.
    var frameCount: Int { frames.count }

    /// The line of the frame recorded last.
    var lastFrameLine: Int { frames.last?.line ?? line }

    /// The error arrives in the caller, at `line` (of the call or the await).
    func arrive(at line: Int) {
        pendingLine = line
    }

    /// The frame of the function the error has reached, not yet recorded: where a `catch` caught it.
    func currentFrame(_ location: CodeLocation) -> TraceFrame {
        TraceFrame(location: location, line: pendingLine)
    }

    /// The traceback so far, for an error value to carry on if it is thrown again.
    var raisedTrace: RaisedTrace {
        RaisedTrace(line: line, frames: frames, pendingLine: pendingLine, spawnSite: spawnSite)
    }

    /// The text shown for an uncaught error: the `message` field of an error instance, or the value.
    private static func message(of value: Value) -> String {
        if case .instance(let instance) = value, case .string(let text)? = instance.field(Symbols.messageSymbol) {
            return text.value
        }
        return value.description
    }
}

extension ScriptError: CustomStringConvertible {
    /// The traceback (see `Traceback`): the message, then a line per frame.
    public var description: String { report }

    /// What an uncaught error prints: the traceback, naming files other than the main script's.
    public var report: String { Traceback(self).text(mainFile: mainFile) }

    /// The frames the error passed through, innermost first; the last is where the task that raised
    /// it was spawned, for an error of a task nobody awaited.
    public var stack: [Frame] { frames.map(\.frame) + (spawnSite.map { [$0.frame] } ?? []) }

    /// The file of the code that raised the error (nil for code from no file).
    public var file: String? { frames.first?.location.file }

    /// The value a `throw` threw, as the host sees it (copied when the error left the executor); nil
    /// for an error the interpreter raised.
    public var thrownValue: ScrValue? { thrown?.forHost(message: message) }

    /// The traceback for a terminal: the message in red, and under each frame the line of source it
    /// points at, dimmed. `source` gives the text of a file (nil: the program that came from no file).
    public func terminalReport(source: (String?) -> String?) -> String {
        var lines = ["\u{1B}[1;31m\(message)\u{1B}[0m"]
        var sources: [String?: [Substring]] = [:]
        for entry in Traceback(self).entries(mainFile: mainFile) {
            lines.append(entry.text)
            guard let frame = entry.frame else { continue }
            if sources[frame.file] == nil {
                sources[frame.file] = source(frame.file)?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
            }
            let text = sources[frame.file]!
            guard frame.line >= 1 && frame.line <= text.count else { continue }
            let code = text[frame.line - 1].drop { $0 == " " || $0 == "\t" }
            if !code.isEmpty { lines.append("    \u{1B}[2m\(code)\u{1B}[0m") }
        }
        return lines.joined(separator: "\n")
    }
}

/// A traceback frame as the interpreter records it: the function's static location and a line.
struct TraceFrame {
    let location: CodeLocation
    let line: Int

    var frame: ScriptError.Frame {
        ScriptError.Frame(function: location.function, file: location.file, line: line)
    }
}

/// Where code comes from: the function it is in and its file. Analysis makes one per function (and
/// per top-level input); tracebacks and the nodes that report a place (a `catch`, a `spawn`) share it.
final class CodeLocation {
    /// The function's name: `script` at the top level of a file, `<input>` for a REPL input.
    let function: String
    let file: String?

    init(function: String, file: String?) {
        self.function = function
        self.file = file
    }
}

/// A value a script threw, inside a `ScriptError` that may leave for the host and be dropped there.
/// Script objects may only be released on their executor (their `deinit`s touch the collector's
/// lists), so the last release of one dropped elsewhere is sent there (`ScriptExecutor.release`), and
/// the host's copy of the value is made on the executor as the error leaves it (`handedOver`).
final class ThrownValue: @unchecked Sendable {  // `value` is read on `executor` only; see `hostCopy`.
    /// Always set: emptied only by `deinit`, which moves the value out to release it on the executor.
    private var stored: Value?
    var value: Value { stored.unsafelyUnwrapped }
    private let executor: ScriptExecutor
    /// Written once, on the executor, before the error leaves it; read by the host after.
    private var hostCopy: ScrValue?

    init(_ value: Value, executor: ScriptExecutor) {
        stored = value
        self.executor = executor
    }

    /// Makes the host's copy; on the executor.
    func copyForHost(runtime: Runtime) {
        if hostCopy == nil { hostCopy = ScrValue(value, runtime: runtime) }
    }

    /// The host's copy, or, on the executor before one was made, a copy made now. Every way out of the
    /// executor makes the copy (`handedOver`); were one missed, the host gets the error's message
    /// rather than a race with the executor.
    func forHost(message: String) -> ScrValue {
        if let hostCopy { return hostCopy }
        guard executor.isCurrent else { return .object(type: value.typeName, description: message) }
        return ScrValue(value)
    }

    deinit {
        if !executor.isCurrent { executor.release(Confined(stored.take().unsafelyUnwrapped)) }
    }
}

extension Runtime {
    /// `error` as it leaves the executor for the host: a thrown value gets the host's copy.
    func handedOver(_ error: any Error) -> any Error {
        (error as? ScriptError)?.thrown?.copyForHost(runtime: self)
        return error
    }
}
