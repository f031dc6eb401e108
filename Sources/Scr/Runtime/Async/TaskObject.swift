/// A frame on a task's await stack (`TaskObject.activeFrames`). Its references are unowned: the
/// `runAsync` or `runTopLevel` that pushed it holds the code and the frame until it pops it, so
/// retaining them again would be two retains and two releases per async call for nothing.
struct ActiveFrame {
    unowned(unsafe) let code: FunctionCode
    unowned(unsafe) let heap: HeapFrame
    /// The line of the await the frame is at (of its start, before its first await).
    var line: Int
}

/// What a suspended task waits for, as `.tasks` shows it.
enum WaitReason {
    /// A timer, due at this `DispatchTime` uptime (nanoseconds).
    case sleep(until: UInt64)
    case tasks([Int])
    /// A waiting line of a `Lock`, an `Event`, a `Queue`, …
    case primitive(String)
    case io
    case host
}

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
    /// What the task is suspended on, for `.tasks`.
    var waitingOn: WaitReason?
    /// The task's await stack, outermost first: the top level or the coroutine it started with, then
    /// each async function awaited inside the one before (synchronous calls never suspend, so a
    /// suspended task has none). What `.tasks` shows and `.enter` opens.
    @exclusivity(unchecked) var activeFrames: [ActiveFrame] = []
    /// How many REPL sessions have entered one of the task's frames (`.enter`): while any has, the
    /// task does not resume, so that its frame cannot change under the one inspecting it.
    @exclusivity(unchecked) private(set) var holds = 0
    @exclusivity(unchecked) private var holdRelease: OneShot?
    /// How deeply coroutines are awaited inside one another in this task.
    @exclusivity(unchecked) var asyncDepth = 0
    /// A cancellation or interrupt to raise at the task's next suspension point.
    @exclusivity(unchecked) private var pendingSignal: ScriptError.Kind?
    /// What the task is suspended on, so that a cancellation can wake it.
    @exclusivity(unchecked) private var suspension: OneShot?

    /// The task's place in `Runtime.liveTasks` while it is there; -1 otherwise.
    @exclusivity(unchecked) fileprivate var liveIndex = -1

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
        // A stop ends a hold too: an interpreter going away must not wait for a REPL to leave.
        if kind == .stopped { holdRelease?.fire() }
    }

    /// Suspends the task until `waiter` fires or the task is signalled; returns whether it waited
    /// (see `OneShot.wait`).
    @discardableResult
    func suspend(on waiter: OneShot, line: Int, reason: WaitReason?) async throws -> Bool {
        try raisePendingSignal(line: line)
        suspension = waiter
        waitingLine = line
        waitingOn = reason
        let waited = await waiter.waitInScriptTask()
        suspension = nil
        if isHeld { await waitWhileHeld() }
        waitingLine = nil
        waitingOn = nil
        try raisePendingSignal(line: line)
        return waited
    }

    /// Notes the line of the await the innermost frame is at (see `activeFrames`).
    @inline(__always)
    func noteAwait(at line: Int) {
        let count = activeFrames.count
        if count > 0 { activeFrames[count - 1].line = line }
    }

    /// The await stack as the REPL inspects it, innermost first.
    var stack: [ScriptFrame] {
        activeFrames.reversed().map { ScriptFrame(code: $0.code, heap: $0.heap, line: $0.line) }
    }

    var isHeld: Bool {
        @inline(__always) get { holds > 0 }
    }

    func hold() { holds += 1 }

    func releaseHold() {
        holds -= 1
        if holds == 0, let release = holdRelease {
            holdRelease = nil
            release.fire()
        }
    }

    /// Returns once no session holds the task. A signal does not end the wait: it is raised after.
    func waitWhileHeld() async {
        while holds > 0 && pendingSignal != .stopped && !Task.isCancelled {
            let release = holdRelease ?? OneShot()
            holdRelease = release
            await release.wait()
        }
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

/// The background tasks that have not finished, in no particular order: each knows its place, so
/// that a task is added and removed with no hashing (a dictionary by id cost an HTTP request 600
/// instructions, a task a request). Found by id only for the REPL (`.tasks`, `.enter`), by a search.
struct LiveTasks {
    private(set) var all: [TaskObject] = []

    var isEmpty: Bool { all.isEmpty }

    mutating func insert(_ task: TaskObject) {
        task.liveIndex = all.count
        all.append(task)
    }

    /// Removes `task` if it is here (a set emptied by `tearDown` no longer holds its tasks).
    mutating func remove(_ task: TaskObject) {
        let index = task.liveIndex
        guard index >= 0, index < all.count, all[index] === task else { return }
        task.liveIndex = -1
        let last = all.removeLast()
        guard last !== task else { return }
        last.liveIndex = index
        all[index] = last
    }

    subscript(id: Int) -> TaskObject? { all.first { $0.id == id } }
}
