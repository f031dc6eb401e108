import Scr

/// What a REPL runs its inputs on: a session of a local interpreter, or a remote server.
public protocol REPLBackend: Sendable {
    /// Runs one complete input; returns the text to show for its outcome (a value, an error report,
    /// `KeyboardInterrupt`), ending in a newline, or nil for nothing.
    func run(_ source: String) async -> String?

    /// Interrupts the running input. Callable from any thread.
    func interrupt()

    /// Interrupts the task `id` of the backend's program, whichever it is (`.interrupt ID`); with
    /// none, whatever holds the executor (`.interrupt`: a task that never awaits, found by waiting).
    func interruptTask(_ id: Int?)

    /// Completions of a word, for tab completion; may block a little, never long.
    func completions(for word: String) -> [String]

    /// What `.tasks` shows.
    func describeTasks() async -> String

    /// Runs a command that looks inside the program (`.tasks ID`, `.enter`, `.up`, `.down`,
    /// `.leave`, `.pm`, `.inspect`; see `MetaCommand.Inspection`), as typed; returns what to show.
    func inspect(_ command: String) async -> String

    /// The prompt of a new input: `>>> `, or one naming the frame the session has entered.
    var prompt: String { get }

    /// Sends the output of the backend's program (prints, errors of its tasks) to `write` until
    /// `detachOutput()`: the REPL shows it above its prompt.
    func attachOutput(_ write: @escaping @Sendable (String) -> Void)
    func detachOutput()
}

/// The backend of a local REPL: a session of an interpreter in this process. Its `run` is the one
/// place that turns an input's outcome into the text a REPL shows, for the terminal and for every
/// remote client alike.
public struct LocalBackend: REPLBackend {
    public let session: ScrSession
    /// Whether `exit(status)` at the prompt ends the process (the terminal REPL of `scr`), or only
    /// says how to leave (a remote client's session, which must not end the server).
    let exitEndsProcess: Bool

    public init(session: ScrSession, exitEndsProcess: Bool = false) {
        self.session = session
        self.exitEndsProcess = exitEndsProcess
    }

    public func run(_ source: String) async -> String? {
        do {
            return try await session.evaluate(source).map { $0 + "\n" }
        } catch let error as CompileError {
            return error.description + "\n"
        } catch let error as ScriptError where error.kind == .exited {
            guard exitEndsProcess else { return "exit() ends scripts, not this session: use .exit or Ctrl-D to detach.\n" }
            StandardOutput.output.flush()
            System.exit(error.exitStatus)
        } catch let error as ScriptError {
            return LocalBackend.report(error)
        } catch {
            return "\(error)\n"
        }
    }

    /// What the REPL shows for an error that ended an input or a command.
    private static func report(_ error: ScriptError) -> String {
        error.kind == .interrupted ? "KeyboardInterrupt\n" : error.report + "\n"
    }

    public func interrupt() {
        session.interrupt()
    }

    public func interruptTask(_ id: Int?) {
        if let id { session.interpreter.interrupt(task: id) } else { session.interpreter.interruptWhateverRuns() }
    }

    public func completions(for word: String) -> [String] {
        let session = self.session
        return BlockingCompletion.blocking { await session.completions(for: word) }
    }

    public var prompt: String { session.prompt }

    public func inspect(_ command: String) async -> String {
        guard case .inspection(let inspection)? = MetaCommand(command) else {
            return "Unknown inspection command '\(command)'.\n"
        }
        do {
            switch inspection {
            case .task(let id): return await session.describe(task: id)
            case .enter(let task, let frame): return try await session.enter(task: task, frame: frame)
            case .enterFunction(let expression): return try await session.enter(function: expression)
            case .move(let steps): return try await session.move(outward: steps)
            case .leave: return await session.leave() ?? "No frame entered.\n"
            case .postMortem: return try await session.enterPostMortem()
            case .function(let expression): return try await session.describe(function: expression)
            case .fullValue: return await session.fullValue()
            case .help(let name): return await session.help(name)
            }
        } catch let error as ScriptError {
            return LocalBackend.report(error)
        } catch {
            return "\(error)\n"
        }
    }

    public func attachOutput(_ write: @escaping @Sendable (String) -> Void) {
        session.interpreter.output.push(write)
        session.interpreter.errors.push(write)
    }

    public func detachOutput() {
        session.interpreter.output.pop()
        session.interpreter.errors.pop()
    }

    public func describeTasks() async -> String {
        let interpreter = session.interpreter
        guard let tasks = await interpreter.tasks(patience: 1) else {
            let inputs = interpreter.runningInputs.map { "#\($0)" }.joined(separator: ", ")
            return "The executor has been busy for over a second: code that runs without awaiting holds every "
                + "task, and they can't be listed until it lets go.\n"
                + (inputs.isEmpty ? "No input is running: a spawned task holds it.\n" : "Inputs running: \(inputs).\n")
                + ".interrupt ID stops one task; .interrupt alone stops whatever holds the executor.\n"
        }
        guard !tasks.isEmpty else { return "No tasks are running.\n" }
        return tasks.map { task in
            "  #\(task.id) \(task.isBackground ? "" : "(input) ")\(task.name): \(task.state)\n"
                + task.frames.map { "      \($0.place)\n" }.joined()
                + (task.spawnedAt.map { "      spawned at \($0)\n" } ?? "")
        }.joined()
    }
}
