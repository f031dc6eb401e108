import Dispatch

/// What a Swift task needs to run a script task: its body and its object.
struct ScriptTaskStart {
    let body: Coroutine.Body
    let task: TaskObject
}

/// A Swift task waiting to run a script task (nil: to end). In a struct of its own, whose metadata
/// is static: an array of the bare continuation type made Swift instantiate that type at the first
/// park, and check that `Never` is an `Error` by scanning every conformance of the binary (285,000
/// instructions, 5% of every `scr` start).
struct IdleWorker {
    let continuation: UnsafeContinuation<Confined<ScriptTaskStart>?, Never>
}

/// Spawning, awaiting and sleeping: the runtime's side of scr's tasks.
extension Runtime {
    /// Awaiting coroutines inside one another deeper than this is a `Stack overflow.`.
    static let maxAsyncDepth = 10_000

    /// Starts `body` as a new script task; it first runs when the current task next suspends.
    /// A background task keeps a script alive and has its uncaught error reported; a top-level input
    /// is a foreground task whose caller reports its error.
    func startTask(named name: String, background: Bool = true, origin: Int? = nil,
                   _ body: @escaping Coroutine.Body) -> TaskObject {
        nextTaskID += 1
        let task = track(TaskObject(name: name, id: nextTaskID, isBackground: background))
        task.origin = origin ?? currentTask.origin
        if background { liveTasks.insert(task) }
        if interruptRequested.isStopping { task.signal(.stopped) }
        // A Swift task that has run a script task and waits for another takes this one: resumed, it
        // runs when its turn comes, as a new one would (docs/internals.md, "Async calls").
        if let worker = idleWorkers.popLast() {
            worker.continuation.resume(returning: Confined(ScriptTaskStart(body: body, task: task)))
            return task
        }
        // The Swift task is made when the executor reaches the spawn, and runs at once until it first
        // suspends: 100,000 spawned tasks waiting for their turn cost 100,000 small objects, not
        // 100,000 Swift tasks (measured: 200 MB and 0.39 s before, against asyncio's 100 MB and 0.56 s).
        let executor = self.executor
        executor.startLater { [self] in
            let (first, confinedRuntime) = (Confined(ScriptTaskStart(body: body, task: task)), Confined(self))
            _ = Task.immediateDetached(executorPreference: executor) {
                await confinedRuntime.value.runScriptTasks(first.value)
            }
        }
        return task
    }

    /// The life of a Swift task that runs script tasks: `first`, then, while fewer than
    /// `maxIdleWorkers` others wait, whichever task `startTask` hands it next. Making a Swift task
    /// and ending it cost more than an HTTP request's script code (a task a request).
    private func runScriptTasks(_ first: ScriptTaskStart) async {
        var next: Confined<ScriptTaskStart>? = Confined(first)
        while next != nil {
            // A temporary, gone once `run` returns: a waiting worker keeps nothing of its last task.
            await run(next.take()!.value)
            guard idleWorkers.count < Runtime.maxIdleWorkers, !isTornDown else { return }
            next = await withContinuationHere { idleWorkers.append(IdleWorker(continuation: $0)) }
        }
    }

    /// Runs one script task to its end; consumed, so the worker keeps nothing of it while it waits.
    private func run(_ start: consuming ScriptTaskStart) async {
        let task = start.task
        let body = start.body
        _ = consume start
        currentTask = task
        let state: TaskObject.State
        do {
            state = .finished(try await body())
        } catch {
            state = .failed(scriptError(from: error, line: 0))
        }
        currentTask = task
        taskFinished(task, state)
    }

    /// How many Swift tasks wait for a script task to run at most.
    static let maxIdleWorkers = 64

    /// Ends the Swift tasks that wait for a script task (an interpreter going away).
    func releaseIdleWorkers() {
        let workers = idleWorkers
        idleWorkers = []
        for worker in workers { worker.continuation.resume(returning: nil) }
    }

    func taskFinished(_ task: TaskObject, _ state: TaskObject.State) {
        if case .failed(let error) = state, error.kind == .exited { exitRequested(error.exitStatus) }
        if case .failed(let error) = state, task.isBackground, !task.isObserved,
           error.kind != .cancelled && error.kind != .stopped && error.kind != .exited
        {
            hadUncaughtTaskError = true
            noteUncaught(error, origin: task.origin)
            reportTaskError(error, task: task)
        }
        task.finish(state)
        guard task.isBackground else { return }
        liveTasks.remove(task)
        if liveTasks.isEmpty {
            let waiters = idleWaiters
            idleWaiters = []
            for waiter in waiters { waiter.fire() }
        }
    }

    /// `exit(status)` reached the top of a task: every other task stops (their `finally` blocks run),
    /// and the host learns the status (`Interpreter.exitStatus`).
    func exitRequested(_ status: Int32) {
        guard exitStatus.withLock({ $0 }) == nil else { return }
        exitStatus.withLock { $0 = status }
        stopEverything()
    }

    /// Returns when no background task is left.
    func waitForBackgroundTasks() async {
        guard !liveTasks.isEmpty else { return }
        let waiter = OneShot()
        idleWaiters.append(waiter)
        await waiter.wait()
    }

    /// Runs `body` as a foreground task and returns its result. `started` learns the task's id, by
    /// which the host can interrupt it.
    func runForeground(named name: String, origin: Int = 0, started: (Int) -> Void = { _ in },
                       _ body: @escaping Coroutine.Body) async throws -> Value
    {
        let task = startTask(named: name, background: false, origin: origin, body)
        foregroundTasks[task.id] = task
        _ = runningInputs.withLock { $0.insert(task.id) }
        started(task.id)
        defer {
            foregroundTasks[task.id] = nil
            _ = runningInputs.withLock { $0.remove(task.id) }
        }
        if !task.isDone {
            let waiter = OneShot()
            task.whenDone { waiter.fire() }
            await waiter.wait()
        }
        _ = interruptRequested.clear(ifTarget: task.id)
        return try task.result()
    }

    /// An error of a task nobody awaited, reported when the task ends, with where it was spawned.
    func reportTaskError(_ error: ScriptError, task: TaskObject) {
        error.spawnSite = task.spawnSite
        error.mainFile = mainFile
        sendError(error.report + "\n", task.origin)
    }

    /// `spawn(coroutine)`, at `site` (for the report of an error nobody awaits).
    func spawn(_ coroutine: Coroutine, line: Int, site: CodeLocation? = nil) throws -> TaskObject {
        let body: Coroutine.Body
        switch try coroutine.start(line: line) {
        case .call(let code, let heap):
            let runtime = self
            body = { try await runtime.runAsync(code, heap) }
        case .body(let native):
            body = native
        }
        let task = startTask(named: coroutine.name, body)
        task.spawnSite = site.map { TraceFrame(location: $0, line: line) }
        return task
    }

    /// `await callee(arguments…)` for the library (an HTTP request's handler): an async script
    /// function runs in this task without the coroutine its call would make and the await would take
    /// apart at once (an allocation, and the collector's tracking of it); anything else is called, and
    /// awaited if it gives a coroutine.
    func awaitCall(_ callee: Value, _ arguments: [Value], line: Int) async throws -> Value {
        if case .function(let closure) = callee, closure.code.isAsync, closure.code.arity == arguments.count {
            return try await awaitStarted(.call(closure.code, asyncFrame(closure, receiver: .nil, arguments)),
                                          line: line)
        }
        let result = try call(callee, arguments, line: line)
        guard case .coroutine = result else { return result }
        return try await self.await(result, line: line)
    }

    /// `await value` for a coroutine or a task.
    func await(_ value: Value, line: Int) async throws -> Value {
        switch value {
        case .coroutine(let coroutine):
            return try await awaitStarted(coroutine.start(line: line), line: line)
        case .task(let awaited):
            guard awaited !== currentTask else {
                throw ScriptError("A task can't await itself.", line: line, class: .valueError)
            }
            awaited.isObserved = true
            currentTask.noteAwait(at: line)
            try await wait(for: [awaited], line: line)
            do {
                return try awaited.result()
            } catch let error as ScriptError {
                // The task's own error, with its frames; each awaiter goes on with a copy.
                let rethrown = error.copy()
                rethrown.arrive(at: line)
                throw rethrown
            }
        default:
            throw ScriptError("Can only await coroutines and tasks.", line: line, class: .typeError)
        }
    }

    /// `await object.name(…)` of a method the object awaits directly (`AwaitMethodNode`), its call
    /// checked: what awaiting the call's coroutine does, without the coroutine.
    func awaitDirectly(_ operation: Int, of object: NativeObject, _ call: NativeCall, line: Int) async throws
        -> Value
    {
        let task = try enterAwait(line: line)
        defer { task.asyncDepth -= 1 }
        do {
            if let value = try object.awaitNow(operation, call) { return value }
            // A stream's method called as the final class's: after an async call through the vtable
            // Swift hops back to the caller's executor, an executor-preference lookup (docs/internals.md,
            // "Async calls").
            if let stream = object as? ScriptStream { return try await stream.awaitDirectly(operation, call) }
            return try await object.awaitDirectly(operation, call)
        } catch let error as ScriptError {
            error.arrive(at: line)
            throw error
        }
    }

    /// The await of a coroutine's code or body, in the awaiting task. Inlined into `await` and
    /// `awaitCall`: as a call, its return would be one more executor-preference lookup an await.
    @inline(__always)
    private func awaitStarted(_ start: Coroutine.Start, line: Int) async throws -> Value {
        let task = try enterAwait(line: line)
        defer { task.asyncDepth -= 1 }
        do {
            switch start {
            case .call(let code, let heap): return try await runAsync(code, heap)
            case .body(let body): return try await body()
            }
        } catch let error as ScriptError {
            error.arrive(at: line)
            throw error
        }
    }

    /// The current task starts awaiting a coroutine at `line`: one level deeper (the caller takes it
    /// back), a `Stack overflow.` past `maxAsyncDepth`.
    @inline(__always)
    private func enterAwait(line: Int) throws -> TaskObject {
        let task = currentTask
        task.noteAwait(at: line)
        guard task.asyncDepth < Runtime.maxAsyncDepth else {
            throw ScriptError("Stack overflow.", line: line, class: .stackOverflowError)
        }
        task.asyncDepth += 1
        return task
    }

    /// Suspends the current task until every task in `tasks` is done or one of them fails.
    func wait(for tasks: [TaskObject], line: Int) async throws {
        var remaining = tasks.filter { !$0.isDone }.count
        guard remaining > 0, !tasks.contains(where: \.hasFailed) else { return }
        let waiter = OneShot()
        for task in tasks where !task.isDone {
            task.whenDone {
                remaining -= 1
                if remaining == 0 || task.hasFailed { waiter.fire() }
            }
        }
        try await suspendCurrent(on: waiter, line: line, reason: .tasks(tasks.map(\.id)))
    }

    /// `sleep(seconds)`: `sleep(0)` lets every other ready task run once.
    func sleep(_ seconds: Double, line: Int) async throws {
        let task = currentTask
        if seconds <= 0 {
            try task.raisePendingSignal(line: line)
            await yieldToReadyTasks()
            if task.isHeld { await task.waitWhileHeld() }
            currentTask = task
            try task.raisePendingSignal(line: line)
            return
        }
        let due = DispatchTime.now().uptimeNanoseconds &+ UInt64(min(seconds, 1e9) * 1e9)
        let waiter = OneShot()
        // Detached, so that the timer's own job never queues on the executor: a job there would keep
        // the executor alive for as long as the sleep, even after its interpreter died.
        let timer = Task.detached {
            try? await Task.sleep(nanoseconds: UInt64(min(seconds, 1e9) * 1e9))
            waiter.fire()
        }
        defer { timer.cancel() }
        // A sleep always lets the ready tasks run, as asyncio's does: on a busy machine the timer can
        // fire before the task gets to wait for it.
        if try await !suspendCurrent(on: waiter, line: line, reason: .sleep(until: due)) {
            await yieldToReadyTasks()
            if task.isHeld { await task.waitWhileHeld() }
            currentTask = task
            try task.raisePendingSignal(line: line)
        }
    }

    /// Puts the current task at the back of the executor's queue. (`Task.yield()` goes through the
    /// global executor, whose threads would make the order of ready tasks vary from run to run.)
    private func yieldToReadyTasks() async {
        await withContinuationHere { executor.resumeLater($0) }
    }

    /// Suspends the current task on `waiter`; returns whether it waited (see `OneShot.wait`).
    @discardableResult
    func suspendCurrent(on waiter: OneShot, line: Int, reason: WaitReason? = nil) async throws -> Bool {
        let task = currentTask
        defer { currentTask = task }
        return try await task.suspend(on: waiter, line: line, reason: reason)
    }

    /// Turns any error that reaches script code into a script error.
    func scriptError(from error: any Error, line: Int) -> ScriptError {
        if let error = error as? ScriptError { return error }
        if error is CancellationError { return ScriptError("Task cancelled.", line: line, kind: .cancelled) }
        return ScriptError("\(error)", line: line)
    }
}

extension TaskObject {
    var hasFailed: Bool {
        if case .failed = state { return true }
        return false
    }
}

extension Runtime {
    /// Runs analysed top-level code as a foreground task and returns the value of a REPL input.
    func runTopLevel(_ code: FunctionCode, origin: Int = 0, started: (Int) -> Void = { _ in }) async throws -> Value {
        if interruptRequested.isStopping { throw ScriptError.stopped(line: 0) }
        let heap = HeapFrame(code, captures: noCaptures)
        do {
            return try await runForeground(named: "main", origin: origin, started: started) {
                let task = self.currentTask
                task.activeFrames.append(ActiveFrame(code: code, heap: heap, line: code.line))
                defer { task.activeFrames.removeLast() }
                do {
                    return try await code.body.run(heap.frame) ?? .nil
                } catch let error as ScriptError {
                    error.leave(code.location)
                    self.keepForPostMortem(error, code, heap.frame)
                    throw error
                }
            }
        } catch let error as ScriptError {
            error.mainFile = code.location.file
            noteUncaught(error, origin: origin)
            throw error
        }
    }

    /// Runs the body of an async function to completion in the current task; an error leaving it adds
    /// the function's frame (the await it returns to adds its line).
    func runAsync(_ code: FunctionCode, _ heap: HeapFrame) async throws -> Value {
        try checkInterrupt(line: code.line)
        let task = currentTask
        task.activeFrames.append(ActiveFrame(code: code, heap: heap, line: code.line))
        defer { task.activeFrames.removeLast() }
        do {
            return try await code.body.run(heap.frame) ?? .nil
        } catch let error as ScriptError {
            error.leave(code.location)
            keepForPostMortem(error, code, heap.frame)
            throw error
        }
    }

    /// `gather(a, b, …)` or `gather(list)`: runs coroutines (and waits for tasks) concurrently; the
    /// list of results in argument order, or the first error, after cancelling the others.
    func gather(_ arguments: [Value], line: Int) async throws -> Value {
        // `gather(list)` as well as `gather(a, b, …)`.
        var awaitables = arguments
        if arguments.count == 1, case .list(let list) = arguments[0] { awaitables = list.elements }
        var tasks: [TaskObject] = []
        for awaitable in awaitables {
            switch awaitable {
            case .coroutine(let coroutine): tasks.append(try spawn(coroutine, line: line))
            case .task(let task): tasks.append(task)
            default: throw ScriptError("gather() takes coroutines and tasks, not \(awaitable.typeName).", line: line,
                                                 class: .typeError)
            }
        }
        for task in tasks { task.isObserved = true }
        do {
            try await wait(for: tasks, line: line)
        } catch {
            for task in tasks { task.signal(.cancelled) }
            throw error
        }
        if let failed = tasks.first(where: \.hasFailed) {
            for task in tasks where !task.isDone { task.signal(.cancelled) }
            _ = try failed.result()
        }
        return .list(track(ListObject(try tasks.map { try $0.result() })))
    }
}
