/// An scr interpreter: its globals, its tasks and the executor they all run on.
///
/// Every method may be called from any thread or task; the work is done on the interpreter's own
/// executor, one piece of script code at a time.
public final class Interpreter: Sendable {
    /// The serial executor all of this interpreter's script code runs on.
    public let executor: ScriptExecutor
    private let runtime: Confined<Runtime>

    /// Makes an interpreter that prints to `output` and reports background errors to `errors`.
    public init(
        output: @escaping @Sendable (String) -> Void = { StandardOutput.output.write($0) },
        errors: @escaping @Sendable (String) -> Void = {
            StandardOutput.output.flush()
            StandardOutput.error.write($0)
        }
    ) {
        let executor = ScriptExecutor()
        self.executor = executor
        let runtime = Runtime(executor: executor, writeOutput: output, writeError: errors)
        runtime.flushOutput = { StandardOutput.output.flush() }
        self.runtime = Confined(runtime)
    }

    /// Runs a program. Compile errors throw a `CompileError` (nothing runs); an uncaught runtime error
    /// throws a `ScriptError`. Returns when the program's top level has finished; its spawned tasks
    /// may still be running (see `waitForTasks()`).
    ///
    /// - Parameter path: the file the source came from; its directory is where imports are found.
    public func run(_ source: String, path: String? = nil) async throws {
        _ = try await onExecutor { runtime in
            let code = try Interpreter.compile(source, runtime: runtime, mode: .script,
                                               directory: path.map(SourceFile.directory(of:)) ?? ".")
            return try await runtime.runTopLevel(code)
        }
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

    /// Runs `body` on the interpreter's executor.
    func onExecutor<T>(_ body: @escaping (Runtime) async throws -> T) async throws -> Confined<T> {
        let runtime = self.runtime
        let job = Confined(body)
        return try await Task.detached(executorPreference: executor) {
            Confined(try await job.value(runtime.value))
        }.value
    }

    static func compile(_ source: String, runtime: Runtime, mode: Analyzer.Mode, directory: String) throws
        -> FunctionCode
    {
        let parsed = Parser.parse(source)
        guard parsed.isValid else { throw CompileError(parsed.diagnostics) }
        return try Analyzer.analyze(parsed.statements, runtime: runtime, mode: mode, directory: directory).get()
    }
}

extension Runtime {
    /// Runs analysed top-level code as a foreground task and returns the value of a REPL input.
    func runTopLevel(_ code: FunctionCode) async throws -> Value {
        try await runForeground(named: "main") {
            let frame = Frame.make(code, captures: [])
            return try await code.body.run(frame) ?? .nil
        }
    }
}
