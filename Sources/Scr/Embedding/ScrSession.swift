import Synchronization

/// A REPL session: inputs run one after another, each as a foreground task over the interpreter's
/// globals, while spawned tasks keep running between them. The local REPL and each remote connection
/// have one.
public final class ScrSession: Sendable {
    public let interpreter: Interpreter
    /// This session's number, the `origin` of the tasks its inputs start (never 0, the program's).
    public let id: Int
    private static let lastID = Atomic<Int>(0)
    /// The id of the task running this session's current input, or 0.
    private let runningTask = Atomic<Int>(0)
    /// True from the start of `evaluate` to its end, and an interrupt that came before the input's
    /// task existed, for that task to get when it starts.
    private let evaluating = Atomic<Bool>(false)
    private let pendingInterrupt = Atomic<Bool>(false)
    /// Set by `end()`: every input from then on is interrupted as it starts.
    private let ended = Atomic<Bool>(false)
    /// For a REPL opened by `await repl()`: the locals of the function it was opened in.
    let outer: Confined<OuterScope>?
    /// What the prompt names while the session has entered a frame (`.enter`): `task 3 fetch()`.
    let enteredLabel = Locked<String?>(nil)

    init(interpreter: Interpreter, outer: Confined<OuterScope>? = nil) {
        self.interpreter = interpreter
        self.outer = outer
        id = ScrSession.lastID.add(1, ordering: .relaxed).newValue
    }

    /// Runs one complete input (see `Input.classify`). Returns the text to echo — the value of a final
    /// expression, unless it is nil, abbreviated past 100 elements of a list or map and 10,000
    /// characters of a string (`fullValue()` shows all of it) — and stores that value in the global `_`; an error's value (what a
    /// `catch` would bind) goes to `_error`.
    ///
    /// Throws `CompileError` or `ScriptError` (an interrupt is a `ScriptError` of kind `.interrupted`).
    public func evaluate(_ source: String) async throws -> String? {
        evaluating.store(true, ordering: .sequentiallyConsistent)
        // After `evaluating`, as `end()` sets `ended` before it looks at `evaluating`: whichever
        // comes second sees the other, so an input that starts as its session ends is interrupted.
        if ended.load(ordering: .sequentiallyConsistent) { pendingInterrupt.store(true, ordering: .sequentiallyConsistent) }
        defer {
            evaluating.store(false, ordering: .sequentiallyConsistent)
            pendingInterrupt.store(false, ordering: .sequentiallyConsistent)
        }
        let session = Confined(self)
        return try await interpreter.onExecutor { runtime in
            let value: Value
            do {
                value = try await session.value.run(source, runtime)
            } catch let error as ScriptError where error.kind != .stopped {
                runtime.globals.define("_error", runtime.caughtValue(error, at: nil))
                throw error
            }
            if case .nil = value { return nil }
            runtime.globals.define("_", value)
            return value.abbreviatedRepr()
        }.value
    }

    /// Runs an input in the frame the session has entered, if any, or the one `repl()` was opened in.
    func run(_ source: String, _ runtime: Runtime) async throws -> Value {
        runtime.keepsFailedFrames = true
        let scope = runtime.inspections[id]?.scope ?? outer?.value
        let code = try Interpreter.compile(source, runtime: runtime, mode: .repl, outer: scope)
        defer { runningTask.store(0, ordering: .sequentiallyConsistent) }
        return try await runtime.runTopLevel(code, origin: id) { [self] id in started(id) }
    }

    /// Interrupts the running input, if any: it gets a `KeyboardInterrupt` error at its next loop edge,
    /// call or await. Safe to call from any thread, including a signal handler's queue.
    public func interrupt() {
        let id = runningTask.load(ordering: .sequentiallyConsistent)
        if id != 0 {
            interpreter.interruptTask(id)
        } else if evaluating.load(ordering: .sequentiallyConsistent) {
            // The input is being compiled or its task not yet made: leave the interrupt for it. It
            // may be waiting behind a task that never yields the executor: interrupt that one too.
            interpreter.runtime.value.interruptRunawayTask()
            pendingInterrupt.store(true, ordering: .sequentiallyConsistent)
            let started = runningTask.load(ordering: .sequentiallyConsistent)
            if started != 0 && pendingInterrupt.exchange(false, ordering: .sequentiallyConsistent) {
                interpreter.interruptTask(started)
            }
        }
    }

    /// Ends the session for good: its running input is interrupted, and so is every input that
    /// starts afterwards. For a remote client that went away: an input it sent just before was still
    /// queued when the connection closed, found nothing to interrupt, and then ran — `await sleep(100)`
    /// held a task for 100 s after its client had gone (RemoteTests.killedClientLeavesTheServerWorking,
    /// on a loaded machine).
    package func end() {
        ended.store(true, ordering: .sequentiallyConsistent)
        interrupt()
    }

    private func started(_ id: Int) {
        runningTask.store(id, ordering: .sequentiallyConsistent)
        if pendingInterrupt.exchange(false, ordering: .sequentiallyConsistent) {
            interpreter.interruptTask(id)
        }
    }
}

extension Interpreter {
    /// Interrupts one task; callable from any thread, as `Runtime.interrupt(taskID:)` touches only
    /// the atomic flag and the executor before it hops onto the executor.
    func interruptTask(_ id: Int) {
        runtime.value.interrupt(taskID: id)
    }
}
