import Synchronization

/// The state shared by all the code one interpreter runs: globals, interned names, output, and the
/// limits that turn runaway scripts into errors. It lives on the interpreter's executor.
final class Runtime {
    let symbols = Symbols()
    let globals = Globals()
    let executor: ScriptExecutor
    /// Where `print` writes.
    var writeOutput: (String) -> Void
    /// Where errors of background tasks and warnings go.
    var writeError: (String) -> Void
    /// Makes buffered output visible (before reading input).
    var flushOutput: () -> Void = {}
    /// Set by the host (from any thread) to stop the running input at its next loop edge or call.
    let interruptRequested = InterruptFlag()
    /// The task whose code is running now. Tasks switch only at awaits, which set it back on resuming.
    var currentTask = TaskObject(name: "main", id: 0, isBackground: false)
    var nextTaskID = 0
    /// Spawned tasks that have not finished, by id.
    var liveTasks: [Int: TaskObject] = [:]
    var idleWaiters: [OneShot] = []
    /// Set when a background task died of an error nobody awaited: a script then exits with 70.
    var hadUncaughtTaskError = false
    /// Modules that have run, and the chain of those being imported now, by resolved path.
    var importedModules: Set<String> = []
    var modulesBeingImported: [(name: String, path: String)] = []
    /// The class of the values runtime errors are caught as: instances with a `message` field.
    private(set) lazy var errorClass = ClassObject(name: "Error", superclass: nil, methods: [:])

    init(executor: ScriptExecutor, writeOutput: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.executor = executor
        self.writeOutput = writeOutput
        self.writeError = writeError
        Natives.install(in: self)
    }

    /// Throws the interrupt error if the host asked for one. Called on loop back-edges and calls, so
    /// even a `while (true) {}` that never awaits can be stopped.
    @inline(__always)
    func checkInterrupt(line: Int) throws {
        if interruptRequested.isSet {
            interruptRequested.set(false)
            throw ScriptError("KeyboardInterrupt", line: line, kind: .interrupted)
        }
    }

    /// Throws `Stack overflow.` when the native stack is nearly used up.
    @inline(__always)
    func checkStack(line: Int) throws {
        if currentStackAddress() < executor.stackLimit {
            throw ScriptError("Stack overflow.", line: line)
        }
    }

    /// The value a `catch` clause binds for an error.
    func caughtValue(_ error: ScriptError) -> Value {
        if let thrown = error.thrown { return thrown.value }
        let instance = Instance(klass: errorClass)
        instance.setField(Symbols.messageSymbol, .string(error.message))
        return .instance(instance)
    }
}

/// What a native function is told about its call.
struct CallContext {
    let runtime: Runtime
    let line: Int

    func error(_ message: String) -> ScriptError {
        ScriptError(message, line: line)
    }
}

/// A flag the host sets from any thread and the interpreter polls on its hot paths.
final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    @inline(__always) var isSet: Bool { flag.load(ordering: .relaxed) }
    func set(_ value: Bool) { flag.store(value, ordering: .relaxed) }
}
