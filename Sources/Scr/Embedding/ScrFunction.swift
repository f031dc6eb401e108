import Synchronization

/// A script function (a closure, a bound method or a native) as the host holds it: `Sendable`, so it
/// can be kept and called later from any thread or task. A function that reaches the host — an
/// argument of a host function, a result of `evaluate`, a global read with `get` — arrives as
/// `ScrValue.function`; passed back into a script, it is the same function again.
///
/// A handle keeps the function (and what it captured) alive; dropping the last copy releases it on
/// the interpreter's executor. It does not keep the interpreter alive: calling a function whose
/// interpreter has gone or stopped throws.
public struct ScrFunction: Sendable, Hashable, CustomStringConvertible {
    let reference: ScriptReference

    init(_ value: Value, runtime: Runtime) {
        reference = ScriptReference(value, runtime: runtime)
    }

    /// How `print` shows the function: `<fn greet>`, `<native fn len>`.
    public var description: String { reference.description }

    /// The function's name.
    public var name: String { reference.name }

    /// Calls the function with `arguments` as a new foreground task of its interpreter and returns its
    /// result; the result of an async function is awaited. Errors are `ScriptError`s; cancelling the
    /// calling Swift task interrupts the call.
    @discardableResult
    public func call(_ arguments: ScrValue...) async throws -> ScrValue {
        try await call(arguments: arguments)
    }

    @discardableResult
    public func call(arguments: [ScrValue]) async throws -> ScrValue {
        guard let interpreter = reference.interpreter else { throw ScriptError.stopped(line: 0) }
        let reference = self.reference
        return try await interpreter.callForHost(named: reference.name, arguments) { _ in reference.value }
    }

    /// Two handles are equal when they are the same script function.
    public static func == (a: ScrFunction, b: ScrFunction) -> Bool { a.reference.identity == b.reference.identity }
    public func hash(into hasher: inout Hasher) { hasher.combine(reference.identity) }
}

/// A strong reference to a script value from outside the executor. Script objects may only be
/// released there (their `deinit`s touch the collector's lists), so the last release is sent to it
/// (`ScriptExecutor.release`).
final class ScriptReference: @unchecked Sendable {  // `value` is only read on the executor.
    /// Always set: emptied only by `deinit`, which moves the value out to release it on the executor.
    private var stored: Value?
    var value: Value { stored.unsafelyUnwrapped }
    let description: String
    let name: String
    /// The script object's identity, which two handles to one function share.
    let identity: ObjectIdentifier
    /// Set once; Swift loads weak references atomically.
    private(set) weak var interpreter: Interpreter?
    private let executor: ScriptExecutor

    init(_ value: Value, runtime: Runtime) {
        stored = value
        description = value.description
        switch value {
        case .function(let closure): (name, identity) = (closure.code.name, ObjectIdentifier(closure))
        case .boundMethod(let bound): (name, identity) = (bound.method.code.name, ObjectIdentifier(bound))
        case .native(let native): (name, identity) = (native.name, ObjectIdentifier(native))
        default: preconditionFailure("a function handle holds a function")
        }
        interpreter = runtime.interpreter
        executor = runtime.executor
    }

    /// The value, if `runtime` is the one it belongs to (a function handed to another interpreter
    /// arrives there as its description).
    func value(in runtime: Runtime) -> Value? {
        runtime.executor === executor ? value : nil
    }

    deinit {
        executor.release(Confined(stored.take().unsafelyUnwrapped))
    }
}

extension Runtime {
    /// Calls an async `callee` for the host as a foreground task named after it, awaiting the coroutine it
    /// returns in that task.
    func callFromHost(_ callee: Value, _ arguments: [Value], named name: String, started: (Int) -> Void)
        async throws -> Value
    {
        try await runForeground(named: name, started: started) {
            let result = try self.call(callee, arguments, line: 0)
            if case .coroutine = result { return try await self.await(result, line: 0) }
            return result
        }
    }

    /// Runs a synchronous call as a foreground input without a task of its own: it is the current
    /// task while it runs, so an interrupt aimed at its id stops it at its next loop edge or call.
    /// It cannot suspend, so no other task runs meanwhile, and it needs no Swift task (a third of the
    /// cost of a call from another thread, docs/embedding.md).
    fileprivate func callInline(_ callee: Value, _ arguments: [Value], named name: String, started: (Int) -> Void)
        throws -> Value
    {
        nextTaskID += 1
        let task = TaskObject(name: name, id: nextTaskID, isBackground: false)
        let previous = currentTask
        currentTask = task
        foregroundTasks[task.id] = task
        _ = runningInputs.withLock { $0.insert(task.id) }
        started(task.id)
        defer {
            currentTask = previous
            foregroundTasks[task.id] = nil
            _ = runningInputs.withLock { $0.remove(task.id) }
            _ = interruptRequested.clear(ifTarget: task.id)
        }
        return try call(callee, arguments, line: 0)
    }
}

/// The id of the foreground task an input of the host runs as, once it has started, and whether the
/// Swift task that awaits it was cancelled: a cancellation interrupts the input whenever it comes.
final class RunningInput: Sendable {
    private let state = Mutex<(id: Int, cancelled: Bool)>((0, false))

    func started(_ id: Int, interpreter: Interpreter) {
        let cancelled = state.withLock { state in
            state.id = id
            return state.cancelled
        }
        if cancelled { interpreter.interruptTask(id) }
    }

    func cancel(interpreter: Interpreter) {
        let id = state.withLock { state in
            state.cancelled = true
            return state.id
        }
        if id != 0 { interpreter.interruptTask(id) }
    }
}

extension Interpreter {
    /// Calls the global function `name` with `arguments` (see `ScrFunction.call`).
    @discardableResult
    public func call(_ name: String, _ arguments: ScrValue...) async throws -> ScrValue {
        try await call(name, arguments: arguments)
    }

    @discardableResult
    public func call(_ name: String, arguments: [ScrValue]) async throws -> ScrValue {
        try await callForHost(named: name, arguments) { runtime in
            guard let callee = runtime.globals.value(of: name) else {
                throw ScriptError("Undefined variable '\(name)'.", line: 0, class: .nameError)
            }
            return callee
        }
    }

    /// Calls the function `callee` finds, from any thread. From a task on the executor a synchronous
    /// script function runs right here: no hop, no task. From elsewhere one plain job on the executor
    /// finds the callee and runs a synchronous one inline, while the caller spins briefly for the
    /// answer (`Rendezvous`); an async one gets a foreground task (docs/embedding.md, "Speed").
    func callForHost(named name: String, _ arguments: [ScrValue], callee: @escaping (Runtime) throws -> Value)
        async throws -> ScrValue
    {
        if executor.isCurrent, let result = try callNowIfSynchronous(try callee(runtime.value), name, arguments) {
            return result
        }
        let runtime = self.runtime
        return try await withInputCancellation { [self] running in
            let answer = Rendezvous<Result<ScrValue, any Error>>()
            // From the executor (an async callee), the job runs only once this task has suspended.
            if executor.isCurrent { answer.willTakeLong() }
            let started: @Sendable (Int) -> Void = { id in running.started(id, interpreter: self) }
            executor.startLater { [self] in
                do {
                    let function = try callee(runtime.value)
                    if let result = try callNowIfSynchronous(function, name, arguments, started: started) {
                        return answer.fulfil(.success(result))
                    }
                    answer.willTakeLong()
                    let job = Confined(function)
                    Task.detached(executorPreference: executor) {
                        let runtime = runtime.value
                        do {
                            let result = try await runtime.callFromHost(job.value, arguments.map { Value($0, runtime: runtime) },
                                                                        named: name, started: started)
                            answer.fulfil(.success(ScrValue(result, runtime: runtime)))
                        } catch {
                            answer.fulfil(.failure(runtime.handedOver(error)))
                        }
                    }
                } catch {
                    answer.fulfil(.failure(error))
                }
            }
            return try await answer.wait().get()
        }
    }

    /// Runs a synchronous script function inline, on the executor; nil for anything else.
    fileprivate func callNowIfSynchronous(_ callee: Value?, _ name: String, _ arguments: [ScrValue],
                                          started: (Int) -> Void = { _ in }) throws -> ScrValue? {
        guard case .function(let closure)? = callee, !closure.code.isAsync else { return nil }
        let runtime = self.runtime.value
        if runtime.interruptRequested.isStopping { throw ScriptError.stopped(line: 0) }
        defer { flushOutput() }
        do {
            let result = try runtime.callInline(.function(closure), arguments.map { Value($0, runtime: runtime) },
                                                named: name, started: started)
            return ScrValue(result, runtime: runtime)
        } catch {
            throw runtime.handedOver(error)
        }
    }

    /// Runs a host's input (a program, an expression) on the executor as a foreground task.
    func runInput<T>(_ body: @escaping (Runtime, _ started: (Int) -> Void) async throws -> T) async throws -> T {
        try await withInputCancellation { [self] running in
            try await onExecutor { runtime in
                try await body(runtime) { [self] id in running.started(id, interpreter: self) }
            }.value
        }
    }

    /// Cancelling the calling Swift task interrupts the input `body` runs, even in a loop that never
    /// awaits, and the interpreter's buffered output is written out when it ends, however it ends.
    private func withInputCancellation<T>(_ body: (RunningInput) async throws -> T) async throws -> T {
        let running = RunningInput()
        inputsUnderWay.add(1, ordering: .sequentiallyConsistent)
        defer {
            inputsUnderWay.subtract(1, ordering: .sequentiallyConsistent)
            flushOutput()
        }
        do {
            return try await withTaskCancellationHandler {
                try await body(running)
            } onCancel: {
                running.cancel(interpreter: self)
            }
        } catch let error as ScriptError where error.kind == .interrupted && Task.isCancelled {
            throw CancellationError()
        }
    }

    /// Writes out what the interpreter's output has buffered (the default output, the process's
    /// standard output, is buffered when it is not a terminal).
    public func flushOutput() {
        StandardOutput.output.flush()
    }
}

extension Interpreter {
    /// Calls the global function `name` from a thread that may block — a plain thread of the host,
    /// as a C or Lua host calls in — and waits for its result. Only synchronous script functions (an
    /// async one throws: use `call`); never from the interpreter's executor or from Swift's
    /// cooperative threads (an `async` context), whose blocking would stall other tasks.
    ///
    /// It skips Swift's task machinery on both sides: the call runs as a plain job on the executor,
    /// and the caller spins briefly for the answer, then sleeps on a condition variable
    /// (docs/embedding.md, "Speed").
    public func callBlocking(_ name: String, _ arguments: ScrValue...) throws -> ScrValue {
        precondition(!executor.isCurrent, "callBlocking on the interpreter's own thread would wait for itself")
        let answer = Rendezvous<Result<ScrValue, any Error>>()
        let runtime = self.runtime
        executor.startLater { [self] in
            answer.fulfil(Result {
                guard let value = try callNowIfSynchronous(runtime.value.globals.value(of: name), name, arguments) else {
                    throw ScriptError("'\(name)' is not a synchronous function: call it with `call`.", line: 0,
                                      class: .typeError)
                }
                return value
            })
        }
        return try answer.waitBlocking().get()
    }
}
