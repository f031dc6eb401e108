/// The interpreter as code running on its executor sees it: a host function that takes a context
/// (`define("name") { context, arguments in … }`), or the setup of a new interpreter
/// (`Interpreter(setup:)`). Everything here is synchronous — no hop to the executor, for the code is
/// already on it — so a context is only valid during the call it was given to: do not keep it.
///
/// A host function that uses its context need not capture the interpreter (which would keep the
/// interpreter, and its thread, alive for as long as the function is defined).
public struct ScrContext: ~Copyable {
    let runtime: Runtime
    /// The line of the script's call, for errors raised here.
    let line: Int

    init(runtime: Runtime, line: Int) {
        self.runtime = runtime
        self.line = line
    }

    /// The global `name`, or nil if it is not defined.
    public func get(_ name: String) -> ScrValue? {
        runtime.globals.value(of: name).map { ScrValue($0, runtime: runtime) }
    }

    /// Defines or sets the global `name`.
    public func set(_ name: String, to value: ScrValue) {
        runtime.globals.define(name, Value(value, runtime: runtime))
    }

    /// Makes `name` a global function (see `Interpreter.define`).
    public func define(_ name: String, arity: ClosedRange<Int> = 0...255, _ function: @escaping HostFunction) {
        runtime.globals.define(name, .native(NativeFunction.host(name, arity: arity, function)))
    }

    /// Makes `name` a global async function (see `Interpreter.defineAsync`).
    public func defineAsync(_ name: String, arity: ClosedRange<Int> = 0...255, _ function: @escaping AsyncHostFunction) {
        runtime.globals.define(name, .native(NativeFunction.hostAsync(name, arity: arity, function)))
    }

    /// Makes `name` a global function that gets a context of its own at each call.
    public func define(_ name: String, arity: ClosedRange<Int> = 0...255, _ function: @escaping ContextHostFunction) {
        runtime.globals.define(name, .native(NativeFunction.host(name, arity: arity, function)))
    }

    /// Calls a script function now, within the current call (a callback of the host function running
    /// here). A script error comes back as a `ScriptError`; an async function returns its coroutine
    /// unawaited (`.object`), for code here cannot await.
    public func call(_ function: ScrFunction, _ arguments: ScrValue...) throws -> ScrValue {
        guard let callee = function.reference.value(in: runtime) else {
            throw ScriptError("The function belongs to another interpreter.", line: line, class: .valueError)
        }
        let result = try runtime.call(callee, arguments.map { Value($0, runtime: runtime) }, line: line)
        return ScrValue(result, runtime: runtime)
    }

    /// Writes to the interpreter's output, as `print` does (without the newline).
    public func write(_ text: String) {
        runtime.writeOutput(text)
    }
}

/// A host function that gets the calling interpreter's context.
public typealias ContextHostFunction = @Sendable (_ context: borrowing ScrContext, _ arguments: [ScrValue]) throws
    -> ScrValue

extension NativeFunction {
    static func host(_ name: String, arity: ClosedRange<Int>, _ function: @escaping ContextHostFunction)
        -> NativeFunction
    {
        let copies = HostArguments()
        return NativeFunction(name, arity: arity) { arguments, call in
            let runtime = call.runtime
            let context = ScrContext(runtime: runtime, line: call.line)
            do {
                return Value(try copies.with(arguments, runtime: runtime) { try function(context, $0) }, runtime: runtime)
            } catch {
                throw call.hostError(error)
            }
        }
    }
}

extension Interpreter {
    /// Makes `name` a global function of scripts that gets the interpreter's context at each call
    /// (`define("each") { context, arguments in … try context.call(callback, item) … }`).
    public func define(_ name: String, arity: ClosedRange<Int> = 0...255,
                       _ function: @escaping ContextHostFunction) async {
        await withContext { $0.define(name, arity: arity, function) }
    }

    /// Runs `body` on the executor with a context, as `Interpreter(setup:)` does: the definitions made
    /// after the interpreter started are made the way those of its setup are.
    func withContext(_ body: @escaping (borrowing ScrContext) -> Void) async {
        _ = try? await onExecutorNow { runtime in body(ScrContext(runtime: runtime, line: 0)) }
    }
}
