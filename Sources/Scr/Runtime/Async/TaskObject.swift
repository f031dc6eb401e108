/// A script task: the top-level input or a spawned coroutine, each running as its own Swift task on
/// the interpreter's executor.
///
/// A running task is alive: the runtime's table of tasks holds it. A finished one is an object like
/// any other, and its result can close a cycle (`h.task = spawn(keep(h))`), so the collector sees it.
package final class TaskObject: CollectedObject {
    enum State {
        case running
        case finished(Value)
        case failed(ScriptError)
    }

    let name: String
    let id: Int
    let isBackground: Bool
    // Unchecked exclusivity (also below): task fields change only on the executor, at suspensions.
    @exclusivity(unchecked) private(set) var state: State = .running
    /// The line of the `await` the task is suspended at, for `.tasks`.
    var waitingLine: Int?
    /// How deeply coroutines are awaited inside one another in this task.
    @exclusivity(unchecked) var asyncDepth = 0
    /// A cancellation or interrupt to raise at the task's next suspension point.
    @exclusivity(unchecked) private var pendingSignal: ScriptError.Kind?
    /// What the task is suspended on, so that a cancellation can wake it.
    @exclusivity(unchecked) private var suspension: OneShot?

    /// Whether the task waits at an await (its suspension set by `suspend(on:)`).
    var isSuspended: Bool { suspension != nil }
    @exclusivity(unchecked) private var onFinish: [() -> Void] = []
    /// True once something awaits the task's result: its error is then reported there, not as uncaught.
    var isObserved = false
    /// Where the task was spawned, for the report of an error nobody awaited.
    var spawnSite: TraceFrame?
    /// Whose the task is: 0 for the program, else the id of the REPL session whose input started it
    /// (directly or through tasks it spawned). Its output and errors go to that session.
    var origin = 0

    init(name: String, id: Int, isBackground: Bool) {
        self.name = name
        self.id = id
        self.isBackground = isBackground
    }

    var isDone: Bool {
        if case .running = state { return false }
        return true
    }

    /// Asks the task to stop: it gets a catchable error at its next suspension point (at once if it is
    /// suspended now).
    func signal(_ kind: ScriptError.Kind) {
        guard !isDone, pendingSignal != .stopped else { return }
        pendingSignal = kind
        suspension?.fire()
    }

    /// Suspends the task until `waiter` fires or the task is signalled; returns whether it waited
    /// (see `OneShot.wait`).
    @discardableResult
    func suspend(on waiter: OneShot, line: Int) async throws -> Bool {
        try raisePendingSignal(line: line)
        suspension = waiter
        waitingLine = line
        let waited = await waiter.wait()
        suspension = nil
        waitingLine = nil
        try raisePendingSignal(line: line)
        return waited
    }

    /// Throws the pending signal's error. A stop stays pending: the task stops at every later
    /// suspension point too, even if something (a `finally`) keeps it going for a while.
    func raisePendingSignal(line: Int) throws {
        guard let kind = pendingSignal else { return }
        switch kind {
        case .stopped:
            throw ScriptError.stopped(line: line)
        case .interrupted:
            pendingSignal = nil
            throw ScriptError("KeyboardInterrupt", line: line, kind: kind)
        default:
            pendingSignal = nil
            throw ScriptError("Task cancelled.", line: line, kind: kind)
        }
    }

    func finish(_ state: State) {
        self.state = state
        let callbacks = onFinish
        onFinish = []
        for callback in callbacks { callback() }
    }

    /// Only a result is reported: an error may be shared with a host that caught it, and what a
    /// shared holder refers to cannot be subtracted (see `Collector`).
    override func forEachReference(_ visit: inout Traversal) {
        if case .finished(let value) = state { visit.visit(value) }
    }

    override func clearReferences() {
        if case .finished = state { state = .finished(.nil) }
    }

    /// Calls `callback` on the executor when the task finishes (at once if it has).
    func whenDone(_ callback: @escaping () -> Void) {
        if isDone { callback() } else { onFinish.append(callback) }
    }

    /// The task's result, or its error rethrown; only for a finished task.
    func result() throws -> Value {
        switch state {
        case .finished(let value): return value
        case .failed(let error): throw error
        case .running: preconditionFailure("result of a running task")
        }
    }
}
