/// What `.tasks` shows of a running task.
public struct TaskSummary: Sendable {
    public let id: Int
    public let name: String
    /// False for a session's input, true for a spawned task.
    public let isBackground: Bool
    /// The line of the await the task is suspended at, or nil while it runs or is ready to run.
    public let waitingLine: Int?

    public var state: String { waitingLine.map { "waiting at line \($0)" } ?? "ready" }
}

extension TaskObject {
    func summary(background: Bool) -> TaskSummary {
        TaskSummary(id: id, name: name, isBackground: background, waitingLine: waitingLine)
    }
}
