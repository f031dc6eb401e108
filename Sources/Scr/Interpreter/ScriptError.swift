/// An error raised in script code: a runtime error of the interpreter, a value thrown with `throw`,
/// a cancellation or an interrupt. Script `catch` clauses catch all of them.
public final class ScriptError: Error {
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
    }

    public let kind: Kind
    /// The line where the error was raised.
    public let line: Int
    /// The error's message: what an uncaught error prints before `[line N]`.
    public let message: String
    let thrown: Confined<Value>?

    init(_ message: String, line: Int, kind: Kind = .runtime) {
        self.kind = kind
        self.line = line
        self.message = message
        self.thrown = nil
    }

    init(thrown value: Value, line: Int) {
        self.kind = .thrown
        self.line = line
        self.message = ScriptError.message(of: value)
        self.thrown = Confined(value)
    }

    static func stopped(line: Int) -> ScriptError {
        ScriptError("Interpreter stopped.", line: line, kind: .stopped)
    }

    /// The text shown for an uncaught error: the `message` field of an error instance, or the value.
    private static func message(of value: Value) -> String {
        if case .instance(let instance) = value, case .string(let text)? = instance.field(Symbols.messageSymbol) {
            return text.value
        }
        return value.description
    }

    /// What jlox prints for an uncaught runtime error: the message, then the line.
    public var report: String { "\(message)\n[line \(line)]" }
}

extension ScriptError: CustomStringConvertible {
    public var description: String { message }
}
