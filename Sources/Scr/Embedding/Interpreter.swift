import Synchronization

/// An scr interpreter: its globals, its tasks and the executor they all run on.
///
/// Every method may be called from any thread or task; the work is done on the interpreter's own
/// executor, one piece of script code at a time.
public final class Interpreter: Sendable {
    /// The serial executor all of this interpreter's script code runs on.
    package let executor: ScriptExecutor
    /// Where `print` output goes; a REPL redirects it while it is open.
    package let output: OutputSink
    /// Where background errors go; a REPL redirects them too.
    package let errors: OutputSink
    let runtime: Confined<Runtime>
    /// How many host inputs (`run`, `evaluate`, `call`) are under way, started or still waiting for
    /// the executor: an interrupt with none of them started goes to a runaway task that holds it.
    let inputsUnderWay = Atomic<Int>(0)
    /// The runtime's writes still queued (`finishWrites`), shared with it from the start.
    private let unsentWrites: UnsentWrites

    /// Makes an interpreter that prints to `output` and reports background errors to `errors`; by
    /// default, the process's standard output (buffered when it is not a terminal, see
    /// `flushOutput()`) and standard error.
    ///
    /// - Parameter specializedNodes: false runs every program on the generic nodes, the plain path
    ///   that the specialised ones must agree with (docs/internals.md); nil (the default) specialises
    ///   unless the environment variable `SCR_GENERIC_NODES` is set.
    public init(
        output: (@Sendable (String) -> Void)? = nil,
        errors: (@Sendable (String) -> Void)? = nil,
        specializedNodes: Bool? = nil
    ) {
        let output = output ?? { StandardOutput.output.write($0) }
        let errors = errors ?? {
            StandardOutput.output.flush()
            StandardOutput.error.write($0)
        }
        let executor = ScriptExecutor()
        self.executor = executor
        let outputSink = OutputSink(output)
        let errorSink = OutputSink(errors)
        self.output = outputSink
        self.errors = errorSink
        let runtime = Runtime(executor: executor, sendOutput: { outputSink.write($0, origin: $1) },
                              sendError: { errorSink.write($0, origin: $1) },
                              specializesNodes: specializedNodes ?? Runtime.specializesNodesByDefault)
        runtime.flushOutput = { StandardOutput.output.flush() }
        unsentWrites = runtime.unsentWrites
        self.runtime = Confined(runtime)
        runtime.interpreter = self
    }

    /// Makes an interpreter (as `init(output:errors:specializedNodes:)`) and runs `setup` at once,
    /// before anything else can reach it: define host functions and set globals there synchronously,
    /// without awaiting.
    public convenience init(
        output: (@Sendable (String) -> Void)? = nil,
        errors: (@Sendable (String) -> Void)? = nil,
        specializedNodes: Bool? = nil,
        setup: (borrowing ScrContext) throws -> Void
    ) rethrows {
        self.init(output: output, errors: errors, specializedNodes: specializedNodes)
        // On this thread: the executor has no job yet, and the first one it gets is queued under its
        // lock, after this.
        try setup(ScrContext(runtime: runtime.value, line: 0))
    }

    /// Script objects hold the runtime (nodes refer to it), so it cannot die of itself: an interpreter
    /// going away stops its tasks, waits for them to end, empties its globals, which frees what
    /// scripts made, and stops its thread.
    deinit {
        flushOutput()
        let runtime = self.runtime
        runtime.value.stopEverything()
        let executor = self.executor
        Task.detached(executorPreference: executor) {
            await runtime.value.waitForBackgroundTasks()
            runtime.value.tearDown()
            StandardOutput.output.flush()
            executor.stop()
        }
    }

    /// Runs a program. Compile errors throw a `CompileError` (nothing runs); an uncaught runtime error
    /// throws a `ScriptError`. Returns when the program's top level has finished; its spawned tasks
    /// may still be running (see `waitForTasks()`).
    ///
    /// - Parameter path: the file the source came from; its directory is where imports are found.
    public func run(_ source: String, path: String? = nil) async throws {
        _ = try await runInput { runtime, started in
            if runtime.mainFile == nil { runtime.mainFile = path }
            let code = try Interpreter.compile(source, runtime: runtime, mode: .script, file: path,
                                               compilingImports: true)
            return Confined(try await runtime.runTopLevel(code, started: started))
        }
    }

    /// The nodes a program analyses to, one statement a line (see docs/internals.md, "Node dump"),
    /// without running it. Compile errors throw a `CompileError`.
    public func dumpNodes(_ source: String, path: String? = nil) async throws -> String {
        try await onExecutor { runtime in
            let code = try Interpreter.compile(source, runtime: runtime, mode: .script, file: path)
            return NodeDump.text(of: code)
        }.value
    }

    /// Waits until what the script's connections and pipes wrote has gone to the system, for as long
    /// as their peers keep reading: the `scr` command does this before it exits, as Node waits for
    /// its sockets. Returns the streams given up on after `patience` seconds without a byte going
    /// out, with the bytes each still had (none if everything went out).
    package func finishWrites(patience: Double) async -> [(name: String, bytes: Int)] {
        await unsentWrites.finish(patience: patience)
    }

    /// Waits until every spawned task has finished. Returns false if any of them died of an error
    /// that nobody awaited (it has been reported to the error sink).
    public func waitForTasks() async -> Bool {
        let clean = try? await onExecutor { runtime in
            await runtime.waitForBackgroundTasks()
            return !runtime.hadUncaughtTaskError
        }
        return clean?.value ?? false
    }

    /// The executor as a task executor: a host task that prefers it
    /// (`Task(executorPreference: interpreter.taskExecutor) { … }`) runs on the interpreter's thread, and
    /// its `call`, `get` and `set` of synchronous code need no hop (docs/embedding.md, "Speed").
    public var taskExecutor: any TaskExecutor { executor }

    /// Runs synchronous `body` on the interpreter's executor: right here if the caller is already on
    /// it (between the executor's jobs, where no other script code runs), else in a plain job there,
    /// whose answer the caller spins for briefly before it suspends (`Rendezvous`).
    func onExecutorNow<T>(_ body: @escaping (Runtime) throws -> T) async throws -> T {
        if executor.isCurrent { return try body(runtime.value) }
        let answer = Rendezvous<Result<Confined<T>, any Error>>()
        let runtime = self.runtime
        executor.startLater {
            answer.fulfil(Result { Confined(try body(runtime.value)) }.mapError { runtime.value.handedOver($0) })
        }
        return try await answer.wait().get().value
    }

    /// Runs `body` on the interpreter's executor.
    @discardableResult
    func onExecutor<T>(_ body: @escaping (Runtime) async throws -> T) async throws -> Confined<T> {
        let runtime = self.runtime
        let job = Confined(body)
        return try await Task.detached(executorPreference: executor) {
            do {
                return Confined(try await job.value(runtime.value))
            } catch {
                throw runtime.value.handedOver(error)
            }
        }.value
    }

    /// Interrupts every input that is running now (Ctrl-C): each gets a `KeyboardInterrupt` at its
    /// next loop edge, call or await, even inside a loop that never awaits. An input still waiting
    /// for the executor behind a spawned task that never yields frees it: that task is interrupted
    /// instead (docs/repl.md, "Ctrl-C"). Returns whether any input was under way. Callable from any
    /// thread.
    @discardableResult
    public func interrupt() -> Bool {
        // `runningInputs` is read where it is, not on the executor, which a busy loop never leaves.
        let runtime = self.runtime.value
        let inputs = runtime.runningInputs.withLock { $0 }
        for id in inputs { runtime.interrupt(taskID: id) }
        if inputs.isEmpty && inputsUnderWay.load(ordering: .sequentiallyConsistent) > 0 {
            runtime.interruptRunawayTask()
            return true
        }
        return !inputs.isEmpty
    }

    /// Interrupts one task, an input or a spawned one, by its id (as `tasks()` lists it): it gets a
    /// `KeyboardInterrupt` at its next loop edge, call or await — a spawned `while (true) {}` that
    /// freezes every other task and client included. Callable from any thread.
    public func interrupt(task id: Int) {
        runtime.value.interrupt(anyTask: id)
    }

    /// Stops the interpreter for good: every input and task stops with a `ScriptError` of kind
    /// `.stopped` at its next loop edge, call or await — no `catch` can keep it going — and later
    /// runs and evaluations throw that error before running anything. For a host that must be sure
    /// no script code runs any more, whatever the scripts do.
    public func stop() {
        runtime.value.stopEverything()
    }

    /// The status a script asked for with `exit(status)`, once one has (the interpreter has then
    /// stopped); nil before. Callable from any thread.
    public var exitStatus: Int32? {
        runtime.value.exitStatus.withLock { $0 }
    }

    /// The tasks that are running: spawned ones and the inputs of sessions.
    public func tasks() async -> [TaskSummary] {
        let summaries = try? await onExecutor { runtime in runtime.taskSummaries }
        return summaries?.value ?? []
    }

    /// The running tasks, or nil if the executor does not get to the question within `patience`
    /// seconds: code that runs without awaiting (a loop that never yields) holds every task, and
    /// none can be looked at until it lets go. `.tasks` asks this way, so that it answers anyway.
    public func tasks(patience: Double) async -> [TaskSummary]? {
        let waiter = Locked<CheckedContinuation<[TaskSummary]?, Never>?>(nil)
        let answer: @Sendable ([TaskSummary]?) -> Void = { summaries in
            waiter.withLock { continuation in
                defer { continuation = nil }
                return continuation
            }?.resume(returning: summaries)
        }
        let runtime = self.runtime
        return await withCheckedContinuation { continuation in
            waiter.withLock { $0 = continuation }
            executor.startLater { answer(runtime.value.taskSummaries) }
            Task.detached {
                try? await Task.sleep(nanoseconds: UInt64(patience * 1e9))
                answer(nil)
            }
        }
    }

    /// The ids of the inputs running now, readable while the executor is busy.
    public var runningInputs: [Int] {
        runtime.value.runningInputs.withLock { $0 }.sorted()
    }

    /// Interrupts whatever holds the executor, if something holds it for half a second: a spawned
    /// task that never awaits, whose id `tasks()` cannot tell while it runs. Callable from any thread.
    public func interruptWhateverRuns() {
        runtime.value.interruptRunawayTask()
    }

    /// Makes uncaught errors keep copies of the frames they leave, for a REPL's `.pm` (`scr -i`, `scr
    /// serve`). A session's first input turns it on too; until then errors keep nothing.
    public func keepFramesForPostMortem() {
        let runtime = self.runtime
        executor.startLater { runtime.value.keepsFailedFrames = true }
    }

    /// Makes a session: a sequence of inputs, each run as a foreground task over these globals.
    public func makeSession() -> ScrSession {
        ScrSession(interpreter: self)
    }

    /// A session for a client elsewhere (the REPL server's): `await repl()` in its inputs, or in tasks
    /// they spawned, is an error rather than a REPL opened on this process's terminal.
    package func makeRemoteSession() -> ScrSession {
        let session = ScrSession(interpreter: self)
        _ = runtime.value.remoteSessions.withLock { $0.insert(session.id) }
        return session
    }

    package func forgetRemoteSession(_ session: ScrSession) {
        _ = runtime.value.remoteSessions.withLock { $0.remove(session.id) }
    }

    /// Lets scripts open a REPL with `await repl()`: `open` runs it on a session and returns when the
    /// user leaves. The REPL library provides one for the terminal (`enableScriptREPL()`).
    public func setREPLHandler(_ open: @escaping @concurrent @Sendable (ScrSession) async -> Void) {
        let runtime = self.runtime
        let handler = Confined(open)
        Task.detached(executorPreference: executor) { runtime.value.replHook = handler.value }
    }

    /// Compiles a program (`file` names its file, if any) or a REPL input (`<input>` in tracebacks);
    /// with `compilingImports`, the modules it starts by importing too (see `Runtime+Modules`).
    static func compile(_ source: String, runtime: Runtime, mode: Analyzer.Mode, file: String? = nil,
                        compilingImports: Bool = false, outer: OuterScope? = nil) throws -> FunctionCode
    {
        let parsed = Parser.parse(source)
        guard parsed.isValid else { throw CompileError(parsed.diagnostics) }
        let code = try Analyzer.analyze(parsed.statements, runtime: runtime, mode: mode, file: file,
                                        topLevel: mode == .repl ? "<input>" : "script", outer: outer).get()
        if compilingImports {
            try runtime.compileLeadingImports(of: parsed.statements,
                                              directory: file.map(SourceFile.directory(of:)) ?? ".")
        }
        return code
    }
}
