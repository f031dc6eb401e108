import Synchronization

/// The state shared by all the code one interpreter runs: globals, interned names, output, and the
/// limits that turn runaway scripts into errors. It lives on the interpreter's executor.
final class Runtime {
    let symbols = Symbols()
    let globals = Globals()
    let collector = Collector()
    /// The frames of synchronous calls.
    // Unchecked exclusivity: every call pushes and pops it, on the executor, without calling out.
    @exclusivity(unchecked) var stack = FrameStack()
    /// Captures of code that has none (top-level inputs).
    let noCaptures = UnsafeMutablePointer<Capture>.allocate(capacity: 1)
    let executor: ScriptExecutor
    /// Whether analysis picks specialised nodes (see `NodeSelection`).
    let specializesNodes: Bool
    /// The executor's stack limit, and the address of the interrupt flag's value: the checks on every
    /// call read them as plain values, where reading through `executor` and `interruptRequested`
    /// cost a retain and a release of each.
    private let stackLimit: UInt
    private let interruptTarget: UnsafePointer<Atomic<Int>>
    /// The sessions of remote clients (`Interpreter.makeRemoteSession`), by id. Written by the REPL
    /// server's threads, read on the executor.
    let remoteSessions = Locked<Set<Int>>([])
    /// Where `print` writes, and where errors of background tasks and warnings go, with the origin of
    /// the task that wrote (`TaskObject.origin`: 0 for the program, else the REPL session's).
    var sendOutput: (String, Int) -> Void
    var sendError: (String, Int) -> Void
    /// Makes buffered output visible (before reading input).
    var flushOutput: () -> Void = {}
    /// Set by the host (from any thread) to stop a running input at its next loop edge or call.
    let interruptRequested = InterruptFlag()
    /// The status of the first `exit(status)` a script made; read by the host from any thread.
    let exitStatus = Locked<Int32?>(nil)
    /// What the script's streams wrote that has not gone to the system yet: its end waits for it.
    let unsentWrites = UnsentWrites()
    /// The task whose code is running now. Tasks switch only at awaits, which set it back on resuming.
    // Unchecked exclusivity: read and set at every await; confined to the executor.
    @exclusivity(unchecked) var currentTask = TaskObject(name: "main", id: 0, isBackground: false)
    // Unchecked exclusivity: changed at every spawn, on the executor.
    @exclusivity(unchecked) var nextTaskID = 0
    /// Spawned tasks that have not finished.
    // Unchecked exclusivity: changed at every spawn and task end, on the executor.
    @exclusivity(unchecked) var liveTasks = LiveTasks()
    /// Top-level inputs that are running, by id.
    var foregroundTasks: [Int: TaskObject] = [:]
    /// Their ids, which the host reads from any thread to interrupt them even while a loop keeps the
    /// executor busy.
    let runningInputs = Locked<Set<Int>>([])
    /// The script objects of exported Swift objects (see `ScrExported`), weakly.
    var hostObjects: [ObjectIdentifier: WeakHostObject] = [:]
    var idleWaiters: [OneShot] = []
    /// Swift tasks that ran a script task and wait to run another (`startTask`). Unchecked
    /// exclusivity: taken from and added to at every task's start and end, on the executor.
    @exclusivity(unchecked) var idleWorkers: [IdleWorker] = []
    /// Set once the interpreter is going away: a worker that finishes its script task then ends.
    var isTornDown = false
    /// Set when a background task died of an error nobody awaited: a script then exits with 70.
    var hadUncaughtTaskError = false
    /// Whether errors keep copies of the frames they leave, for `.pm`: once a REPL session exists.
    var keepsFailedFrames = false
    /// The last uncaught error of each session (0: the program's), whose frames `.pm` enters.
    var lastFailures: [Int: ScriptError] = [:]
    /// The frame each session has entered (`.enter`, `.pm`), by session id.
    var inspections: [Int: Inspection] = [:]
    /// The built-in `len` function, which `LenNode` recognizes.
    let lenNative = Natives.makeLen()
    /// The built-in `repl` function, which `await repl()` recognizes.
    private(set) var replNative: NativeFunction?
    /// Opens a REPL on a session; set by a host that has a terminal (the REPL library), else nil.
    var replHook: (@Sendable (ScrSession) async -> Void)?
    /// The interpreter object this runtime belongs to, for making sessions.
    weak var interpreter: Interpreter?
    /// Modules, by real path (see `Runtime+Modules`), and the chain of those being imported now.
    var modules: [String: ModuleObject] = [:]
    var modulesBeingImported: [(name: String, path: String)] = []
    /// The built-in error classes (`Error` and its subclasses), whatever scripts name their globals.
    var errorClasses: [ScriptError.ErrorClass: ClassObject] = [:]
    /// The file of the program being run, whose frames tracebacks need not name.
    var mainFile: String?

    init(executor: ScriptExecutor, sendOutput: @escaping (String, Int) -> Void,
         sendError: @escaping (String, Int) -> Void, specializesNodes: Bool = Runtime.specializesNodesByDefault) {
        self.executor = executor
        self.specializesNodes = specializesNodes
        stackLimit = executor.stackLimit
        interruptTarget = interruptRequested.address
        self.sendOutput = sendOutput
        self.sendError = sendError
        Natives.install(in: self)
        installREPL()
    }

    deinit {
        noCaptures.deallocate()
    }

    /// The longest string a library function makes (`repeat`, `padStart`): 1 GiB, as CPython on a
    /// 32-bit build; past it a clear `ValueError` rather than an allocation that kills the process.
    static let maxStringBytes = 1 << 30

    /// Specialised nodes, unless the environment sets `SCR_GENERIC_NODES` (to anything but 0): a whole
    /// test suite can then run on the generic path.
    static var specializesNodesByDefault: Bool {
        guard let setting = System.environment("SCR_GENERIC_NODES") else { return true }
        return setting == "0"
    }

    private func installREPL() {
        let native = NativeFunction("repl", arity: 0) { _, context in
            .coroutine(Coroutine(name: "repl") {
                try await context.runtime.openREPL(nil, line: context.line)
                return .nil
            })
        }
        replNative = native
        globals.define("repl", .native(native))
    }

    /// Opens a REPL (over `scope`'s locals too, if given) and returns when the user leaves it.
    func openREPL(_ scope: OuterScope?, line: Int) async throws {
        if remoteSessions.withLock({ $0.contains(currentTask.origin) }) {
            throw ScriptError("repl() can't open inside a remote session, which is a REPL already: its "
                              + "globals are the program's, and .tasks lists the tasks.", line: line)
        }
        guard let hook = replHook, let interpreter else {
            throw ScriptError("repl() needs a host with a terminal.", line: line)
        }
        let session = ScrSession(interpreter: interpreter, outer: scope.map(Confined.init))
        let task = currentTask
        await hook(session)
        currentTask = task
    }

    /// Lets go of everything scripts made, for an interpreter that is going away.
    func tearDown() {
        globals.clear()
        liveTasks = LiveTasks()
        foregroundTasks = [:]
        lastFailures = [:]
        for inspection in inspections.values { inspection.leave() }
        inspections = [:]
        idleWaiters = []
        isTornDown = true
        releaseIdleWorkers()
        replHook = nil
        modules = [:]
        // The last task to run may have failed, and its error can hold a thrown instance, whose
        // class's code refers to this runtime: a cycle that kept the whole interpreter alive.
        currentTask = TaskObject(name: "main", id: 0, isBackground: false)
        collector.collectEverything()
    }

    /// Throws the interrupt error if the host asked for one for the running task. Called on loop
    /// back-edges and calls, so even a `while (true) {}` that never awaits can be stopped.
    @inline(__always)
    func checkInterrupt(line: Int) throws {
        if interruptTarget.pointee.load(ordering: .relaxed) != 0 { try takeInterrupt(line: line) }
    }

    private func takeInterrupt(line: Int) throws {
        if interruptRequested.isStopping { throw ScriptError.stopped(line: line) }
        if interruptRequested.clear(ifTarget: currentTask.id)
            || interruptRequested.clear(ifTarget: InterruptFlag.whicheverRuns) {
            throw ScriptError("KeyboardInterrupt", line: line, kind: .interrupted)
        }
    }

    /// Interrupts task `id` from any thread: a running loop stops at its next back-edge, and a task
    /// suspended at an await is woken with the error.
    func interrupt(taskID id: Int) {
        interruptRequested.request(id)
        let runtime = Confined(self)
        executor.startLater { runtime.value.foregroundTasks[id]?.signal(.interrupted) }
        interruptRunawayTask()
    }

    /// Interrupts the task `id`, an input or a spawned task (`.interrupt ID` at the REPL), from any
    /// thread: a loop that never awaits stops at its next back-edge (the executor is not needed for
    /// that); a task suspended at an await is woken with `KeyboardInterrupt`.
    func interrupt(anyTask id: Int) {
        interruptRequested.request(id)
        let runtime = Confined(self)
        executor.startLater {
            let runtime = runtime.value
            guard let task = runtime.foregroundTasks[id] ?? runtime.liveTasks[id], task.isSuspended else { return }
            // Woken here, so the flag must not strike it a second time at its next loop edge.
            _ = runtime.interruptRequested.clear(ifTarget: id)
            task.signal(.interrupted)
        }
    }

    /// Interrupts whichever task holds the executor, if the executor does not get to a job within half
    /// a second: a task that never yields (`while (true) {}` in a spawned task) keeps the interrupted
    /// input from running or even starting, so the interrupt goes to the runaway task, at its next
    /// loop edge or call, as CPython's asyncio REPL interrupts what runs on its loop. From any thread.
    func interruptRunawayTask() {
        let executorFree = ReachedFlag()
        let flag = interruptRequested
        executor.startLater {
            executorFree.reached.store(true, ordering: .sequentiallyConsistent)
            _ = flag.clear(ifTarget: InterruptFlag.whicheverRuns)
        }
        Task.detached {
            try? await Task.sleep(nanoseconds: 500_000_000)
            guard !executorFree.reached.load(ordering: .sequentiallyConsistent) else { return }
            flag.request(InterruptFlag.whicheverRuns)
            // The executor may have got to the job meanwhile: then no task is running away.
            if executorFree.reached.load(ordering: .sequentiallyConsistent) {
                _ = flag.clear(ifTarget: InterruptFlag.whicheverRuns)
            }
        }
    }

    /// Stops every task and input for good, from any thread: running code stops at its next loop edge
    /// or call, suspended tasks wake with the error, and no new input starts.
    func stopEverything() {
        interruptRequested.stopEverything()
        let runtime = Confined(self)
        executor.startLater {
            for task in runtime.value.foregroundTasks.values { task.signal(.stopped) }
            for task in runtime.value.liveTasks.all { task.signal(.stopped) }
        }
    }

    /// Throws `Stack overflow.` when the native stack is nearly used up.
    @inline(__always)
    func checkStack(line: Int) throws {
        if currentStackAddress() < stackLimit {
            throw ScriptError("Stack overflow.", line: line, class: .stackOverflowError)
        }
    }

    /// Hands a new script object to the cycle collector.
    @inline(__always)
    func track<Object: CollectedObject>(_ object: Object) -> Object {
        collector.track(object)
        return object
    }

}

/// What a native function is told about its call.
struct CallContext {
    let runtime: Runtime
    let line: Int
    /// The function the call is in, when the call site knows it (`spawn` notes it for tracebacks).
    var location: CodeLocation? = nil

    /// An error of the call: by default a `TypeError`, for a native's arguments of the wrong kind.
    func error(_ message: String, class errorClass: ScriptError.ErrorClass = .typeError) -> ScriptError {
        ScriptError(message, line: line, class: errorClass)
    }
}

/// Whether the executor got to a job, for `interruptRunawayTask`.
final class ReachedFlag: Sendable {
    let reached = Atomic<Bool>(false)
}

/// A flag the host sets from any thread and the interpreter polls on its hot paths:
/// the id of the task the host wants interrupted, 0 for none, `whicheverRuns` for the task that holds
/// the executor when it next checks (a runaway task that keeps a REPL's input from starting), or
/// `everyTask` once the interpreter is stopping, which nothing undoes.
final class InterruptFlag: @unchecked Sendable {
    private static let everyTask = -1
    static let whicheverRuns = -2
    /// Allocated apart so that the runtime can poll it through its address (see `Runtime.stackLimit`).
    private let flag: UnsafeMutablePointer<Atomic<Int>> = {
        let flag = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: 1)
        flag.initialize(to: Atomic(0))
        return flag
    }()

    deinit {
        flag.deinitialize(count: 1)
        flag.deallocate()
    }

    var address: UnsafePointer<Atomic<Int>> { UnsafePointer(flag) }
    var target: Int { flag.pointee.load(ordering: .relaxed) }
    var isStopping: Bool { target == InterruptFlag.everyTask }

    func request(_ id: Int) {
        var current = target
        while current != InterruptFlag.everyTask {
            let (exchanged, found) = flag.pointee.compareExchange(expected: current, desired: id, ordering: .relaxed)
            if exchanged { return }
            current = found
        }
    }

    /// Takes back the request for task `id`; false if there was none.
    func clear(ifTarget id: Int) -> Bool {
        flag.pointee.compareExchange(expected: id, desired: 0, ordering: .relaxed).exchanged
    }

    func stopEverything() { flag.pointee.store(InterruptFlag.everyTask, ordering: .relaxed) }
}

extension Runtime {
    /// Output of the running task (`print`), sent where its origin's output goes.
    func writeOutput(_ text: String) {
        sendOutput(text, currentTask.origin)
    }

    /// An error or warning of the running task.
    func writeError(_ text: String) {
        sendError(text, currentTask.origin)
    }
}
