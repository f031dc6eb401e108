/// A function the host gives scripts. It runs on the interpreter's executor; a long computation there
/// holds up every script task, so do slow work in an async function, which suspends instead.
public typealias HostFunction = @Sendable (_ arguments: [ScrValue]) throws -> ScrValue

/// An async function the host gives scripts: calling it in a script makes a coroutine, and awaiting
/// that runs the function while other script tasks go on.
public typealias AsyncHostFunction = @concurrent @Sendable (_ arguments: [ScrValue]) async throws -> ScrValue

/// The error a host function throws to raise a script runtime error with its own message.
public struct HostError: Error, Sendable {
    public let message: String
    /// The built-in class scripts catch it as (`catch (e: TypeError)`); `Error` unless given.
    public let errorClass: ScriptError.ErrorClass
    public init(_ message: String, class errorClass: ScriptError.ErrorClass = .error) {
        self.message = message
        self.errorClass = errorClass
    }
}

extension Interpreter {
    /// Sets the global `name` to a copy of `value`.
    public func set(_ name: String, to value: ScrValue) async {
        // On the executor the work is done right here, without the escaping closure (an allocation)
        // that the hop needs: `get` is a crossing with a target (docs/embedding.md, "Speed").
        if executor.isCurrent { return Interpreter.set(name, to: value, in: runtime.value) }
        _ = try? await onExecutorNow { runtime in Interpreter.set(name, to: value, in: runtime) }
    }

    /// A copy of the global `name`, or nil if it is not defined.
    public func get(_ name: String) async -> ScrValue? {
        if executor.isCurrent { return Interpreter.get(name, in: runtime.value) }
        let result = try? await onExecutorNow { runtime in Interpreter.get(name, in: runtime) }
        return result ?? nil
    }

    private static func set(_ name: String, to value: ScrValue, in runtime: Runtime) {
        runtime.globals.define(name, Value(value, runtime: runtime))
    }

    private static func get(_ name: String, in runtime: Runtime) -> ScrValue? {
        runtime.globals.value(of: name).map { ScrValue($0, runtime: runtime) }
    }

    /// Makes `name` a global function of scripts. `arity` is the accepted argument counts.
    public func define(_ name: String, arity: ClosedRange<Int> = 0...255, _ function: @escaping HostFunction) async {
        await withContext { $0.define(name, arity: arity, function) }
    }

    /// Makes `name` a global async function of scripts: `await name(…)` runs `function`.
    public func defineAsync(_ name: String, arity: ClosedRange<Int> = 0...255,
                            _ function: @escaping AsyncHostFunction) async {
        await withContext { $0.defineAsync(name, arity: arity, function) }
    }

    /// Makes `name` a global object of class `className` with the given fields and methods. Scripts
    /// read and assign its fields (`name.field`) and call its methods (`name.method(…)`); the host
    /// reads the fields back with `evaluate("name.field")`.
    public func defineObject(_ name: String, className: String, fields: [String: ScrValue] = [:],
                             methods: [String: HostFunction] = [:],
                             asyncMethods: [String: AsyncHostFunction] = [:]) async {
        _ = try? await onExecutor { runtime in
            let instance = Instance(klass: ClassObject(name: className, superclass: nil, methods: [:]))
            for (field, value) in fields.sorted(by: { $0.key < $1.key }) {
                instance.setField(runtime.symbols.intern(field), Value(value, runtime: runtime))
            }
            for (method, function) in methods {
                instance.setField(runtime.symbols.intern(method), .native(NativeFunction.host(method, arity: 0...255, function)))
            }
            for (method, function) in asyncMethods {
                instance.setField(runtime.symbols.intern(method),
                                  .native(NativeFunction.hostAsync(method, arity: 0...255, function)))
            }
            runtime.globals.define(name, .instance(instance))
        }
    }

    /// Evaluates an expression (or statements ending in one) and returns its value.
    public func evaluate(_ source: String) async throws -> ScrValue {
        try await runInput { runtime, started in
            let status = Input.classify(source)
            let complete: String
            switch status {
            case .complete(let source): complete = source
            case .incomplete: complete = source
            case .error(let error): throw error
            }
            let code = try Interpreter.compile(complete, runtime: runtime, mode: .repl)
            return ScrValue(try await runtime.runTopLevel(code, started: started), runtime: runtime)
        }
    }

    /// Runs a script file; imports are relative to it.
    public func runFile(_ path: String) async throws {
        try await run(try SourceFile.read(path), path: path)
    }
}

extension NativeFunction {
    static func host(_ name: String, arity: ClosedRange<Int>, _ function: @escaping HostFunction) -> NativeFunction {
        let copies = HostArguments()
        return NativeFunction(name, arity: arity) { arguments, context in
            let runtime = context.runtime
            do {
                return Value(try copies.with(arguments, runtime: runtime, function), runtime: runtime)
            } catch {
                throw context.hostError(error)
            }
        }
    }

    static func hostAsync(_ name: String, arity: ClosedRange<Int>, _ function: @escaping AsyncHostFunction)
        -> NativeFunction
    {
        hostAsync(name, arity: arity) { arguments in { try await function(arguments) } }
    }

    /// An async host function whose arguments `prepare` checks when the script calls it, before
    /// anything is awaited; the operation it returns runs when the coroutine is awaited.
    static func hostAsync(
        _ name: String, arity: ClosedRange<Int>,
        prepare: @escaping ([ScrValue]) throws -> @Sendable () async throws -> ScrValue
    ) -> NativeFunction {
        NativeFunction(name, arity: arity) { arguments, context in
            let runtime = context.runtime
            let operation: @Sendable () async throws -> ScrValue
            do {
                operation = try prepare(arguments.map { ScrValue($0, runtime: runtime) })
            } catch {
                throw context.hostError(error)
            }
            return .coroutine(Coroutine(name: name) {
                do {
                    return Value(try await runtime.awaitHost(operation), runtime: runtime)
                } catch {
                    throw context.hostError(error)
                }
            })
        }
    }
}

extension CallContext {
    /// A host function's error as scripts see it: a `HostError`'s message, or any other Swift error's
    /// text (`hostErrorText`), which the host gets back as the script error's `underlying`.
    func hostError(_ error: any Error) -> ScriptError {
        if let error = error as? ScriptError { return error }
        if let error = error as? HostError { return self.error(error.message, class: error.errorClass) }
        if error is CancellationError { return runtime.scriptError(from: error, line: line) }
        let scriptError = self.error(hostErrorText(error), class: .error)
        scriptError.underlying = error
        return scriptError
    }
}

extension Runtime {
    /// Runs an async host function in a Swift task of its own while the current script task waits
    /// for it like any other suspension: an interrupt, a stop or a cancellation of the script task
    /// wakes the script at once and cancels the host's task.
    func awaitHost(_ operation: @escaping @Sendable () async throws -> ScrValue) async throws -> ScrValue {
        let done = OneShot()
        let outcome = Locked<Result<ScrValue, any Error>?>(nil)
        let hostTask = Task.detached {
            let result: Result<ScrValue, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.fire()
        }
        do {
            try await suspendCurrent(on: done, line: 0, reason: .host)
        } catch {
            hostTask.cancel()
            throw error
        }
        // `done` fires with the outcome stored, or for a signal, which `suspendCurrent` throws: the
        // script task's own Swift task is never cancelled (`OneShot.waitInScriptTask`).
        guard let result = outcome.withLock({ $0 }) else { preconditionFailure("woken without the host's result") }
        return try result.get()
    }
}

/// The arguments of a synchronous host function's calls as `ScrValue`s, in an array kept from one call
/// to the next (`SpareArray`): a new array per call was a third of a script → host call's cost
/// (docs/embedding.md, "Speed").
final class HostArguments {
    // Unchecked exclusivity: confined to the executor; taken before a call, given back after it.
    @exclusivity(unchecked) private var spare = SpareArray<ScrValue>()

    func with<Result>(_ arguments: [Value], runtime: Runtime, _ body: ([ScrValue]) throws -> Result) rethrows -> Result {
        var copies = spare.take()
        defer { spare.giveBack(&copies) }
        for argument in arguments { copies.append(ScrValue(argument, runtime: runtime)) }
        return try body(copies)
    }
}
