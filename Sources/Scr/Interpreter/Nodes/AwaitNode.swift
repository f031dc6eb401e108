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
