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

    /// The await itself, which the node that holds it runs in its own async frame (`AwaitedChild`).
    @inline(__always)
    func awaitCall(_ frame: Frame) async throws -> Value {
        let receiver = try invoke.receiver(frame)
        // The steps of `InvokeNode.callMember`: the object has no property of the name, and its method
        // checks the arguments, which run after the name is found.
        if case .object(let object) = receiver, let operation = object.directAwait(invoke.name.lexeme) {
            // The invocation's spare array, as its calls use (`withArgumentArray`): a new one was an
            // allocation a `write`. Another task awaiting here meanwhile takes a new one.
            var arguments = invoke.spareArguments.take()
            try invoke.arguments.values(frame, into: &arguments)
            let value: Value
            do {
                // Gone before the array is given back, which then has one owner again.
                let call = NativeCall(name: invoke.name.lexeme, arguments: arguments,
                                      context: CallContext(runtime: runtime, line: invoke.line))
                try object.checkDirectAwait(operation, call)
                value = try await runtime.awaitDirectly(operation, of: object, call, line: line)
            }
            invoke.spareArguments.giveBack(&arguments)
            return value
        }
        return try await runtime.await(invoke.call(on: receiver, frame), line: line)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(invoke)]
    }
}

/// A child expression that its parent evaluates in the parent's own async frame when it is one of
/// these shapes, each around `await object.name(…)` (`AwaitMethodNode`):
///
/// - `await object.name(…)`
/// - `variable = await object.name(…)`
/// - either of them tested against nil: `(variable = await object.name(…)) != nil`, `== nil`
///
/// Any other child is evaluated by its own node (`Expression.value`). Every async frame a shape
/// spares is one return fewer, and each return of an async call is a task switch that asks the task
/// for its executor preference under a lock: `while ((line = await c.readLine()) != nil) await
/// c.write(line);` returned through five frames a line, and now through two (docs/internals.md,
/// "Async calls"). The parents: `ExpressionStatement`, `AssignmentNode`, `DeclarationStatement`,
/// `ReturnStatement`, `NilTestNode` and the condition and body of `WhileStatement`. Without
/// `AwaitMethodNode` (`--generic-nodes`) every child is `other`, and
/// `FastPathMatrixTests.awaitedMethodsAgreeWithTheGenericNodes` runs each shape against that.
///
/// Its references are unowned: the parent holds `expression` (its `let` child), and `expression` the
/// nodes below it, so the struct is copied out of the parent without a retain of each.
struct AwaitedChild {
    unowned(unsafe) let expression: Expression
    /// The await, when `expression` is one of the shapes.
    private unowned(unsafe) let method: AwaitMethodNode?
    /// The assignment of the awaited value, if the shape has one.
    private unowned(unsafe) let assignment: AssignmentNode?
    /// The test of the (assigned) value, if the shape has one.
    private unowned(unsafe) let nilTest: NilTestNode?

    init(_ expression: Expression) {
        self.expression = expression
        let nilTest = expression as? NilTestNode
        let tested = nilTest?.operand ?? expression
        let assignment = tested as? AssignmentNode
        method = (assignment?.value ?? tested) as? AwaitMethodNode
        // Not a shape (`(a = b) != nil`): the expression's own node evaluates all of it.
        self.assignment = method == nil ? nil : assignment
        self.nilTest = method == nil ? nil : nilTest
    }

    /// Whether the expression is one of the shapes.
    var isShape: Bool { method != nil }

    /// The expression's value, as its node would give it.
    @inline(__always)
    func value(_ frame: Frame) async throws -> Value {
        guard let method else { return try await expression.value(frame) }
        let value = try await method.awaitCall(frame)
        guard let assignment else { return value }
        try assignment.store(value, frame)
        guard let nilTest else { return value }
        return .bool(nilTest.answer(for: value))
    }
}
