/// What `.tasks` shows of a running task: its state and its await stack.
public struct TaskSummary: Sendable {
    public let id: Int
    public let name: String
    /// False for a session's input, true for a spawned task.
    public let isBackground: Bool
    /// The line of the await the task is suspended at, or nil while it runs or is ready to run.
    public let waitingLine: Int?
    /// `ready`, `waiting at line 12 on sleep (2.4 s left)`, `held (…)` while a REPL has entered it.
    public let state: String
    /// Whether a REPL session has entered one of its frames (`.enter`): it resumes once they leave.
    public let isHeld: Bool
    /// Where it was spawned (`app.scr:4 in main()`), if known.
    public let spawnedAt: String?
    /// The task's await stack, innermost first: the async functions it is inside, each at the line
    /// of its await, down to the coroutine or input it started with.
    public let frames: [Frame]

    /// One activation on the await stack.
    public struct Frame: Sendable {
        /// The function's name, `script` for a file's top level, `<input>` for a REPL input.
        public let function: String
        public let file: String?
        public let line: Int
        /// The variables in scope at that line: locals, parameters and captured variables, with
        /// their values abbreviated as the REPL echoes them.
        public let variables: [Variable]

        /// `app.scr:12 in fetch()`.
        public var place: String { Frame.place(function: function, file: file, line: line) }

        static func place(function: String, file: String?, line: Int) -> String {
            "\(position(file: file, line: line)) in \(Traceback.name(function: function))"
        }

        /// `app.scr:12`; `<input>` for code from no file.
        static func position(file: String?, line: Int) -> String {
            "\(file.map { Traceback.display($0, mainFile: nil) } ?? "<input>"):\(line)"
        }
    }

    public struct Variable: Sendable, Equatable {
        public let name: String
        public let value: String
    }
}
