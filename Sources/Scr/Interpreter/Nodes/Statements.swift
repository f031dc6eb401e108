/// `expression;`
final class ExpressionStatement: Statement {
    let expression: Expression

    init(_ expression: Expression) {
        self.expression = expression
        super.init(suspends: expression.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        _ = try expression.eval(frame)
        return nil
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        _ = try await expression.value(frame)
        return nil
    }
}

/// `name = value;`, the commonest statement of loops.
final class AssignmentStatement: Statement {
    let assignment: AssignmentNode

    init(_ assignment: AssignmentNode) {
        self.assignment = assignment
        super.init()
    }

    override func exec(_ frame: Frame) throws -> Value? {
        try assignment.assign(frame)
        return nil
    }
}

/// `print expression;`
final class PrintStatement: Statement {
    let runtime: Runtime
    let expression: Expression

    init(runtime: Runtime, _ expression: Expression) {
        self.runtime = runtime
        self.expression = expression
        super.init(suspends: expression.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        runtime.writeOutput(try expression.eval(frame).description + "\n")
        return nil
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        runtime.writeOutput(try await expression.value(frame).description + "\n")
        return nil
    }
}

/// `{ statements }`. Scopes were resolved to slots by analysis, so a block only sequences.
final class BlockStatement: Statement {
    private let list: NodeList<Statement>
    var statements: [Statement] { list.nodes }

    init(_ statements: [Statement]) {
        list = NodeList(statements)
        super.init(suspends: statements.anySuspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        for index in list.indices {
            if let result = try list.with(index, { try $0.exec(frame) }) { return result }
        }
        return nil
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        for statement in statements {
            if let result = try await statement.run(frame) { return result }
        }
        return nil
    }
}

extension BlockStatement {
    /// The statements in sequence: the one statement itself when there is one, for running a block
    /// costs a call of its own (30 instructions; a method whose body is a `return` runs 5% faster).
    static func of(_ statements: [Statement]) -> Statement {
        switch statements.count {
        case 1: statements[0]
        case 2: PairStatement(statements[0], statements[1])
        default: BlockStatement(statements)
        }
    }
}

/// Two statements in sequence, the commonest block (a loop's body and its increment, a function's
/// guard and its return), run without a loop over a list: 20 instructions fewer each time.
final class PairStatement: Statement {
    let first: Statement
    let second: Statement

    init(_ first: Statement, _ second: Statement) {
        self.first = first
        self.second = second
        super.init(suspends: first.suspends || second.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        if let result = try first.exec(frame) { return result }
        return try second.exec(frame)
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        if let result = try await first.run(frame) { return result }
        return try await second.run(frame)
    }
}

/// `if (condition) then else otherwise`
final class IfStatement: Statement {
    let condition: Expression
    let then: Statement
    let otherwise: Statement?

    init(condition: Expression, then: Statement, otherwise: Statement?) {
        self.condition = condition
        self.then = then
        self.otherwise = otherwise
        super.init(suspends: condition.suspends || then.suspends || otherwise?.suspends == true)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        if try condition.test(frame) { return try then.exec(frame) }
        return try otherwise?.exec(frame)
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        if try await condition.value(frame).isTruthy { return try await then.run(frame) }
        return try await otherwise?.run(frame)
    }
}

/// `while (condition) body`, and the `for` loops that desugar to it. Each iteration checks for an
/// interrupt, so a host can stop a loop that never awaits.
final class WhileStatement: Statement {
    let runtime: Runtime
    let condition: Expression
    let body: Statement
    let line: Int

    init(runtime: Runtime, condition: Expression, body: Statement, line: Int) {
        self.runtime = runtime
        self.condition = condition
        self.body = body
        self.line = line
        super.init(suspends: condition.suspends || body.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        while try condition.test(frame) {
            if let result = try body.exec(frame) { return result }
            try runtime.checkInterrupt(line: line)
        }
        return nil
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        while try await condition.value(frame).isTruthy {
            if let result = try await body.run(frame) { return result }
            try runtime.checkInterrupt(line: line)
        }
        return nil
    }
}

/// `return value;`, and the final expression of a REPL input, whose value is the input's result.
final class ReturnStatement: Statement {
    let value: Expression

    init(_ value: Expression) {
        self.value = value
        super.init(suspends: value.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        try value.eval(frame)
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        try await value.value(frame)
    }
}
