import Scr

/// What a REPL runs its inputs on: a session of a local interpreter, or a remote server.
public protocol REPLBackend: Sendable {
    /// Runs one complete input; returns the text to show for its outcome (a value, an error report,
    /// `KeyboardInterrupt`), ending in a newline, or nil for nothing.
    func run(_ source: String) async -> String?

    /// Interrupts the running input. Callable from any thread.
    func interrupt()

    /// Completions of a word, for tab completion; may block a little, never long.
    func completions(for word: String) -> [String]

    /// What `.tasks` shows.
    func describeTasks() async -> String
}

/// The backend of a local REPL: a session of an interpreter in this process.
public struct LocalBackend: REPLBackend {
    public let session: Session

    public init(session: Session) {
        self.session = session
    }

    public func run(_ source: String) async -> String? {
        do {
            return try await session.evaluate(source).map { $0 + "\n" }
        } catch let error as CompileError {
            return error.description + "\n"
        } catch let error as ScriptError {
            return error.kind == .interrupted ? "KeyboardInterrupt\n" : error.report + "\n"
        } catch {
            return "\(error)\n"
        }
    }

    public func interrupt() {
        session.interrupt()
    }

    public func completions(for word: String) -> [String] {
        BlockingCompletion.blocking(session.interpreter, word)
    }

    public func describeTasks() async -> String {
        let tasks = await session.interpreter.tasks()
        guard !tasks.isEmpty else { return "No tasks are running.\n" }
        return tasks.map { task in
            "  #\(task.id) \(task.isBackground ? "" : "(input) ")\(task.name): \(task.state)\n"
        }.joined()
    }
}
