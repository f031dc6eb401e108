/// `await operand`: runs a coroutine in the current task, or waits for a task.
final class AwaitNode: Expression {
    let runtime: Runtime
    let operand: Expression
    let line: Int

    init(runtime: Runtime, operand: Expression, line: Int) {
        self.runtime = runtime
        self.operand = operand
        self.line = line
        super.init(suspends: true)
    }

    override func eval(_ frame: Frame) throws -> Value {
        preconditionFailure("analysis sends every await to the async evaluator")
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        try await runtime.await(operand.value(frame), line: line)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(operand)]
    }
}

/// `await object.name(arguments)`, with no await in the object or the arguments. A native object's
/// method that gives a coroutine (`NativeObject.directAwait`: a stream's `readLine`, `write`) runs in
/// this task without that coroutine and the closure it holds, which the await would take apart at
/// once; any other receiver or method is called and awaited as `AwaitNode` does. docs/internals.md,
/// "Node shapes", gives the rule and what it measured.
final class AwaitMethodNode: Expression {
    let runtime: Runtime
    let invoke: InvokeNode
    let line: Int

    init(runtime: Runtime, invoke: InvokeNode, line: Int) {
        precondition(!invoke.suspends, "the invocation is evaluated synchronously")
        self.runtime = runtime
        self.invoke = invoke
        self.line = line
        super.init(suspends: true)
    }

    override func eval(_ frame: Frame) throws -> Value {
        preconditionFailure("analysis sends every await to the async evaluator")
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        try await awaitCall(frame)
    }

    /// The await itself, which an `ExpressionStatement`, `AssignmentNode` or `DeclarationStatement` of it
    /// runs in its own async frame: one frame fewer, whose return was a task switch (docs/internals.md,
    /// "Node shapes").
    @inline(__always)
    func awaitCall(_ frame: Frame) async throws -> Value {
        let receiver = try invoke.receiver(frame)
        // The steps of `InvokeNode.callMember`: the object has no property of the name, and its method
        // checks the arguments, which run after the name is found.
        if case .object(let object) = receiver, let operation = object.directAwait(invoke.name.lexeme) {
            var arguments: [Value] = []
            try invoke.arguments.values(frame, into: &arguments)
            let call = NativeCall(name: invoke.name.lexeme, arguments: arguments,
                                  context: CallContext(runtime: runtime, line: invoke.line))
            try object.checkDirectAwait(operation, call)
            return try await runtime.awaitDirectly(operation, of: object, call, line: line)
        }
        return try await runtime.await(invoke.call(on: receiver, frame), line: line)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(invoke)]
    }
}
