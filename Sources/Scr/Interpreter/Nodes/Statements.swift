/// `expression;`
final class ExpressionStatement: Statement {
    let expression: Expression
    /// The expression, when it is `await object.name(…)` or an assignment of one, runs in this
    /// statement's frame (or in the frame of the loop whose body the statement is).
    let awaited: AwaitedChild

    init(_ expression: Expression, line: Int) {
        self.expression = expression
        awaited = AwaitedChild(expression)
        super.init(line: line, suspends: expression.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        _ = try expression.eval(frame)
        return nil
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        _ = try await awaited.value(frame)
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(expression)]
    }
}

/// An expression statement whose expression can have no effect (`2;`, `"text";`, `1 == nil;`),
/// where its value is not wanted: it does nothing (`NodeSelection.expressionStatement`).
final class EmptyStatement: Statement {
    init(line: Int) {
        super.init(line: line, inlineReturn: .nothing)
    }

    override func exec(_ frame: Frame) throws -> Value? { nil }
}

/// `variable = variable op operand;` for an arithmetic operator and a number or variable operand
/// (`count = count + 1;`, `sum = sum + i;`): while both hold numbers, the result is written over the
/// old number in place, with no value made, copied or released. Anything else runs `general`, the
/// assignment as `AssignmentStatement` would run it.
final class NumberUpdateStatement: Statement {
    enum Operand {
        case number(Double)
        case place(VariablePlace)
    }

    let place: VariablePlace
    let op: BinaryNode.Operator
    let operand: Operand
    let general: Statement

    init(_ place: VariablePlace, _ op: BinaryNode.Operator, _ operand: Operand, general: Statement) {
        self.place = place
        self.op = op
        self.operand = operand
        self.general = general
        super.init(line: general.line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        if let x = place.number(in: frame) {
            let y: Double? = switch operand {
            case .number(let number): number
            case .place(let other): other.number(in: frame)
            }
            if let y, case .number(let result) = op.apply(x, y) {
                place.overwriteNumber(result, in: frame)
                return nil
            }
        }
        return try general.exec(frame)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        let operand = switch operand {
        case .number(let number): Value.number(number).description
        case .place(let place): "\(place)"
        }
        return ["\(place)", "\(op)", operand]
    }
}

/// `variable = variable op operand;` for an arithmetic operator and any other operand that can
/// neither assign the variable nor suspend (`sum = sum + xs[i];`, `NodeSelection.numberUpdate`): while
/// the variable holds a number, the operand runs after it is read, as on the general path, and a
/// number for result is written over the old one in place. The variable holding anything else runs
/// `general`. A node of its own: as a third case of `NumberUpdateStatement.Operand`, the switch on it
/// copied the operand node (a retain and a release) on every update (loop +8% instructions).
final class ExpressionUpdateStatement: Statement {
    let place: VariablePlace
    let op: BinaryNode.Operator
    let operand: Expression
    /// The operator's line, for its error.
    let operatorLine: Int
    let general: Statement

    init(_ place: VariablePlace, _ op: BinaryNode.Operator, _ operand: Expression, operatorLine: Int,
         general: Statement) {
        self.place = place
        self.op = op
        self.operand = operand
        self.operatorLine = operatorLine
        self.general = general
        super.init(line: general.line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        guard let x = place.number(in: frame) else { return try general.exec(frame) }
        let value = try operand.eval(frame)
        // An arithmetic operator of two numbers makes a number; with anything else, its error.
        if case .number(let y) = value, case .number(let result) = op.apply(x, y) {
            place.overwriteNumber(result, in: frame)
        } else {
            place.store(try op.apply(.number(x), value, line: operatorLine), in: frame)
        }
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(place)", "\(op)", dump.expression(operand)]
    }
}

/// `name = value;`, the commonest statement of loops.
final class AssignmentStatement: Statement {
    let assignment: AssignmentNode

    init(_ assignment: AssignmentNode, line: Int) {
        self.assignment = assignment
        super.init(line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        try assignment.assign(frame)
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(assignment)]
    }
}

/// `variable.name = value;` as a statement: the value is stored without being copied out as a
/// result (see `PlacePropertySetNode.assign`). `AssignmentStatement`'s twin rather than a protocol
/// both conform to: each calls its node's `assign` directly, where a protocol would dispatch through
/// a witness table on every assignment of every loop.
final class PropertySetStatement: Statement {
    let assignment: PlacePropertySetNode

    init(_ assignment: PlacePropertySetNode, line: Int) {
        self.assignment = assignment
        super.init(line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        try assignment.assign(frame)
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(assignment)]
    }
}

/// `v.f = v.f op operand;` with `v` a slot local or a global and `op` arithmetic: a counter or an
/// accumulator in a field (`this.count = this.count + 1`). While the field holds a number, it is read
/// where the instance keeps it and the result stored over it, with no node called for the read, the
/// operation or the store; the operand, a number literal or any expression, is evaluated after the
/// field is read, as on the general path. A field that does not hold a number (or is missing, or
/// `v` no instance) takes the `PropertySetStatement` kept in `general` before anything is evaluated;
/// an operand that is no number is combined as `BinaryNode` combines values, errors and all. The
/// operand cannot assign `v` (`PlacePropertySetNode`'s precondition), so `v` keeps the instance alive.
/// See docs/internals.md, "Node shapes".
final class FieldUpdateStatement: Statement {
    let place: VariablePlace
    let name: Token
    let symbol: Int
    let op: BinaryNode.Operator
    /// The operand: a number literal, or the expression in `operand`.
    let number: Double
    let operand: Expression?
    /// `operand`, called without a retain and a release (`if let` would copy it).
    private let unretainedOperand: Unmanaged<Expression>?
    /// The operator's line, for the error of an operand that is no number.
    let operatorLine: Int
    let general: PropertySetStatement
    // Unchecked exclusivity: confined to the executor; updated without calling out.
    @exclusivity(unchecked) private var cache = FieldCache()

    init(_ place: VariablePlace, name: Token, symbol: Int, _ op: BinaryNode.Operator, number: Double,
         operand: Expression?, operatorLine: Int, general: PropertySetStatement) {
        precondition(op.isArithmetic)
        self.place = place
        self.name = name
        self.symbol = symbol
        self.op = op
        self.number = number
        self.operand = operand
        unretainedOperand = operand.map(Unmanaged.passUnretained)
        self.operatorLine = operatorLine
        self.general = general
        super.init(line: general.line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        guard let instance = place.instance(in: frame) else { return try general.exec(frame) }
        return try instance._withUnsafeGuaranteedRef { try update($0, frame) }
    }

    @inline(__always)
    private func update(_ instance: Instance, _ frame: Frame) throws -> Value? {
        guard let position = cache.position(of: symbol, in: instance.klass), let x = instance.number(at: position)
        else { return try general.exec(frame) }
        guard let operand = unretainedOperand else {
            instance[position] = op.apply(x, number)
            return nil
        }
        let y = try operand._withUnsafeGuaranteedRef { try $0.eval(frame) }
        if case .number(let y) = y {
            instance[position] = op.apply(x, y)
        } else {
            instance[position] = try op.apply(.number(x), y, line: operatorLine)
        }
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(place)", name.lexeme, "\(op)", operand.map { dump.expression($0) } ?? Value.number(number).description]
    }
}

/// `print expression;`
final class PrintStatement: Statement {
    let runtime: Runtime
    let expression: Expression

    init(runtime: Runtime, _ expression: Expression, line: Int) {
        self.runtime = runtime
        self.expression = expression
        super.init(line: line, suspends: expression.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        runtime.writeOutput(try expression.eval(frame).description + "\n")
        return nil
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        runtime.writeOutput(try await expression.value(frame).description + "\n")
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(expression)]
    }
}

/// `{ statements }`. Scopes were resolved to slots by analysis, so a block only sequences.
final class BlockStatement: Statement {
    private let list: NodeList<Statement>
    var statements: [Statement] { list.nodes }

    init(_ statements: [Statement], line: Int) {
        list = NodeList(statements)
        super.init(line: statements.first?.line ?? line, suspends: statements.anySuspends)
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

    override var dumpNested: [(label: String?, statement: Statement)] {
        statements.map { (nil, $0) }
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
        super.init(line: first.line, suspends: first.suspends || second.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        if let result = try first.exec(frame) { return result }
        return try second.exec(frame)
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        if let result = try await first.run(frame) { return result }
        return try await second.run(frame)
    }

    override var dumpNested: [(label: String?, statement: Statement)] {
        [(nil, first), (nil, second)]
    }
}

/// `if (condition) then else otherwise`. Open to the subclasses that test their condition inline
/// (`PlacesIfStatement` and the three after it), which override `exec` alone.
class IfStatement: Statement {
    final let condition: Expression
    final let then: Statement
    final let otherwise: Statement?

    init(condition: Expression, then: Statement, otherwise: Statement?, line: Int) {
        self.condition = condition
        self.then = then
        self.otherwise = otherwise
        super.init(line: line, suspends: condition.suspends || then.suspends || otherwise?.suspends == true)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        try branch(condition.test(frame), frame)
    }

    /// Runs the branch the test chose.
    @inline(__always)
    final func branch(_ holds: Bool, _ frame: Frame) throws -> Value? {
        if holds { return try then.exec(frame) }
        return try otherwise?.exec(frame)
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        if try await condition.value(frame).isTruthy { return try await then.run(frame) }
        return try await otherwise?.run(frame)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(condition)]
    }

    override var dumpNested: [(label: String?, statement: Statement)] {
        [("then", then)] + (otherwise.map { [("else", $0)] } ?? [])
    }
}

// `if (condition) …` whose condition is a variable compared with a variable or a constant, or a
// test for nil (`a == b`, `s == "str"`, `x < 1.5`, `node == nil`): a subclass of `IfStatement` for each
// of those nodes holds the condition as its own class and runs its test inline, without the call
// `IfStatement.exec` makes to `test` (string_equality −17% instructions; docs/internals.md, "Node
// shapes"). These conditions never suspend; a branch that does runs through `IfStatement.execAsync`.
// A class per condition rather than one generic class: `exec` is called through the vtable, whose
// entry for a generic class is its unspecialized body, where the test would be a dynamic call again.

/// `if (a == b)`, `if (a < b)`: two variables (`PlacesBinaryNode`).
final class PlacesIfStatement: IfStatement {
    private let test: PlacesBinaryNode

    init(condition: PlacesBinaryNode, then: Statement, otherwise: Statement?, line: Int) {
        test = condition
        super.init(condition: condition, then: then, otherwise: otherwise, line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? { try branch(test.testInline(frame), frame) }
}

/// `if (s == "str")`, `if (done != true)`: a variable and a string or boolean literal
/// (`PlaceConstantEqualityNode`).
final class PlaceConstantIfStatement: IfStatement {
    private let test: PlaceConstantEqualityNode

    init(condition: PlaceConstantEqualityNode, then: Statement, otherwise: Statement?, line: Int) {
        test = condition
        super.init(condition: condition, then: then, otherwise: otherwise, line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? { try branch(test.testInline(frame), frame) }
}

/// `if (count < 10)`, `if (x == 1.5)` with a global: a variable and a number (`PlaceNumberBinaryNode`).
final class PlaceNumberIfStatement: IfStatement {
    private let test: PlaceNumberBinaryNode

    init(condition: PlaceNumberBinaryNode, then: Statement, otherwise: Statement?, line: Int) {
        test = condition
        super.init(condition: condition, then: then, otherwise: otherwise, line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? { try branch(test.testInline(frame), frame) }
}

/// `if (node == nil)`, `if (next != nil)` (`NilTestNode`).
final class NilTestIfStatement: IfStatement {
    private let test: NilTestNode

    init(condition: NilTestNode, then: Statement, otherwise: Statement?, line: Int) {
        test = condition
        super.init(condition: condition, then: then, otherwise: otherwise, line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? { try branch(test.testInline(frame), frame) }
}

/// `if (x < number) …`, `if (x == number) …` with `x` a local in a slot: the base case of most
/// recursions (`if (n < 2) return n;`). While the slot holds a number the comparison runs here, with
/// no node called for it; otherwise `condition`, the node `IfStatement` would test, decides, so a
/// non-number is compared or fails exactly as there. Chosen only when nothing in it can suspend.
/// One subclass per comparison (`make`) compares with no switch on the operator (fib −3.8%
/// instructions). See docs/internals.md, "Node shapes" and "A call's body, in place".
class SlotComparisonIfStatement: Statement {
    final let slot: Int
    final let comparison: BinaryNode.Operator
    final let number: Double
    final let condition: Expression
    final let then: Statement
    final let otherwise: Statement?

    static func make(slot: Int, comparison: BinaryNode.Operator, number: Double, condition: Expression,
                     then: Statement, otherwise: Statement?, line: Int) -> SlotComparisonIfStatement {
        let variant: SlotComparisonIfStatement.Type = switch comparison {
        case .less: Less.self
        case .lessEqual: LessEqual.self
        case .greater: Greater.self
        case .greaterEqual: GreaterEqual.self
        case .equal: Equal.self
        case .notEqual: NotEqual.self
        default: preconditionFailure("not a comparison: \(comparison)")
        }
        return variant.init(slot: slot, comparison: comparison, number: number, condition: condition, then: then,
                            otherwise: otherwise, line: line)
    }

    required init(slot: Int, comparison: BinaryNode.Operator, number: Double, condition: Expression,
                  then: Statement, otherwise: Statement?, line: Int) {
        precondition(!condition.suspends && !then.suspends && otherwise?.suspends != true)
        self.slot = slot
        self.comparison = comparison
        self.number = number
        self.condition = condition
        self.then = then
        self.otherwise = otherwise
        super.init(line: line)
    }

    /// The statement, with `holds` the comparison of the subclass.
    @inline(__always)
    final func exec(_ frame: Frame, comparing holds: (Double, Double) -> Bool) throws -> Value? {
        let holds = if case .number(let x) = frame.slots[slot] { holds(x, number) } else { try condition.test(frame) }
        if holds { return try then.execInline(frame) }
        return try otherwise?.execInline(frame)
    }

    final class Less: SlotComparisonIfStatement {
        override func exec(_ frame: Frame) throws -> Value? { try exec(frame) { $0 < $1 } }
    }

    final class LessEqual: SlotComparisonIfStatement {
        override func exec(_ frame: Frame) throws -> Value? { try exec(frame) { $0 <= $1 } }
    }

    final class Greater: SlotComparisonIfStatement {
        override func exec(_ frame: Frame) throws -> Value? { try exec(frame) { $0 > $1 } }
    }

    final class GreaterEqual: SlotComparisonIfStatement {
        override func exec(_ frame: Frame) throws -> Value? { try exec(frame) { $0 >= $1 } }
    }

    final class Equal: SlotComparisonIfStatement {
        override func exec(_ frame: Frame) throws -> Value? { try exec(frame) { $0 == $1 } }
    }

    final class NotEqual: SlotComparisonIfStatement {
        override func exec(_ frame: Frame) throws -> Value? { try exec(frame) { $0 != $1 } }
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["slot \(slot)", "\(comparison)", Value.number(number).description]
    }

    override var dumpNested: [(label: String?, statement: Statement)] {
        [("then", then)] + (otherwise.map { [("else", $0)] } ?? [])
    }
}

/// `while (condition) body`, and the `for` loop, whose increment runs after the body and after a
/// `continue` in it. Each iteration checks for an interrupt, so a host can stop a loop that never
/// awaits.
final class WhileStatement: Statement {
    let runtime: Runtime
    let condition: Expression
    let body: Statement
    let increment: Statement?
    /// `increment`, called without a retain and a release per iteration (`if let` would copy it).
    private let unretainedIncrement: Unmanaged<Statement>?
    /// The condition, and a body that is an expression statement, run in the loop's frame when they
    /// await a method: `while ((line = await c.readLine()) != nil) await c.write(line);`.
    private let awaitedCondition: AwaitedChild
    private let awaitedBody: AwaitedChild?

    init(runtime: Runtime, condition: Expression, body: Statement, increment: Statement?, line: Int) {
        self.runtime = runtime
        self.condition = condition
        self.body = body
        self.increment = increment
        awaitedCondition = AwaitedChild(condition)
        awaitedBody = (body as? ExpressionStatement).map(\.awaited).flatMap { $0.isShape ? $0 : nil }
        unretainedIncrement = increment.map(Unmanaged.passUnretained)
        super.init(line: line, suspends: condition.suspends || body.suspends || increment?.suspends == true)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        while try condition.test(frame) {
            if let result = try body.exec(frame) {
                if !LoopSignal.isContinue(result) { return LoopSignal.isBreak(result) ? nil : result }
            }
            if let increment = unretainedIncrement { _ = try increment._withUnsafeGuaranteedRef { try $0.exec(frame) } }
            try runtime.checkInterrupt(line: line)
        }
        return nil
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        while try await awaitedCondition.value(frame).isTruthy {
            if let awaitedBody {
                _ = try await awaitedBody.value(frame)
            } else if let result = try await body.run(frame) {
                if !LoopSignal.isContinue(result) { return LoopSignal.isBreak(result) ? nil : result }
            }
            if let increment { _ = try await increment.run(frame) }
            try runtime.checkInterrupt(line: line)
        }
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(condition)]
    }

    override var dumpNested: [(label: String?, statement: Statement)] {
        [(nil, body)] + (increment.map { [("increment", $0)] } ?? [])
    }
}

/// `for (…; i < limit; i = i + step) body`, where `i` is a local in a slot, `<` any ordering, the
/// limit a number literal or a variable, the step a number literal added or subtracted: Lua's numeric
/// for (`FORLOOP`) in the node tree. While `i` and the limit hold numbers, the test and the increment
/// run here, with no node called for either; otherwise the `condition` and `increment` nodes the loop
/// keeps run, the same nodes `WhileStatement` would run, so every error and its line are theirs.
/// The body cannot suspend (the analysis picks `WhileStatement` for one that can). See
/// docs/internals.md, "Node shapes".
final class CountingLoopStatement: Statement {
    enum Limit {
        case number(Double)
        case place(VariablePlace)
    }

    let runtime: Runtime
    let slot: Int
    let comparison: BinaryNode.Operator
    let limit: Limit
    /// The step, negated for `i = i - step`: `x - y` and `x + (-y)` are the same IEEE operation.
    let step: Double
    let condition: Expression
    let body: Statement
    let increment: Statement

    init(runtime: Runtime, slot: Int, comparison: BinaryNode.Operator, limit: Limit, step: Double,
         condition: Expression, body: Statement, increment: Statement, line: Int) {
        precondition(!body.suspends, "a counting loop's body cannot suspend")
        self.runtime = runtime
        self.slot = slot
        self.comparison = comparison
        self.limit = limit
        self.step = step
        self.condition = condition
        self.body = body
        self.increment = increment
        super.init(line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        // The limit's case is decided once, before the loop, not at every test (loop 3% fewer
        // instructions than switching in `proceeds`).
        switch limit {
        case .number(let limit): return try run(frame) { _ in limit }
        case .place(let place): return try run(frame) { place.number(in: $0) }
        }
    }

    @inline(__always)
    private func run(_ frame: Frame, limit: (Frame) -> Double?) throws -> Value? {
        while try proceeds(frame, limit: limit(frame)) {
            if let result = try body.exec(frame) {
                if !LoopSignal.isContinue(result) { return LoopSignal.isBreak(result) ? nil : result }
            }
            if case .number(let x) = frame.slots[slot] {
                // A number replaces a number: nothing to release.
                (frame.slots + slot).initialize(to: .number(x + step))
            } else {
                _ = try increment.exec(frame)
            }
            try runtime.checkInterrupt(line: line)
        }
        return nil
    }

    @inline(__always)
    private func proceeds(_ frame: Frame, limit y: @autoclosure () -> Double?) throws -> Bool {
        if case .number(let x) = frame.slots[slot] {
            let y = y()
            // Its own switch over the four orderings the loop takes: a switch that also answered `==`
            // and `!=` cost loop 1.2% more instructions here.
            if let y {
                switch comparison {
                case .less: return x < y
                case .lessEqual: return x <= y
                case .greater: return x > y
                default: return x >= y
                }
            }
        }
        return try condition.test(frame)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        let limit = switch limit {
        case .number(let number): Value.number(number).description
        case .place(let place): "\(place)"
        }
        return ["slot \(slot)", "\(comparison)", limit, "step \(Value.number(step).description)"]
    }

    override var dumpNested: [(label: String?, statement: Statement)] {
        [(nil, body)]
    }
}

/// `break;` and `continue;`: their signal is the statement's result, which the statements between it
/// and its loop hand on as they hand on a `return`'s value (see `LoopSignal`).
final class LoopExitStatement: Statement {
    let isBreak: Bool

    init(isBreak: Bool, line: Int) {
        self.isBreak = isBreak
        super.init(line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        isBreak ? LoopSignal.breakValue : LoopSignal.continueValue
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [isBreak ? "break" : "continue"]
    }
}

/// How `break` and `continue` reach their loop: as the result of `exec`, the way a `return`'s value
/// leaves the statements it is in, so that loops cost nothing more until one of them runs. Two objects
/// that no script can make mark them; analysis makes sure neither leaves its loop (`break` outside a
/// loop is a compile error, and a function body is not inside its caller's loop).
enum LoopSignal {
    // The markers are immutable, and no value that holds them leaves a loop.
    nonisolated(unsafe) private static let breakMarker = NativeFunction("break", arity: 0) { _, _ in .nil }
    nonisolated(unsafe) private static let continueMarker = NativeFunction("continue", arity: 0) { _, _ in .nil }
    nonisolated(unsafe) static let breakValue = Value.native(breakMarker)
    nonisolated(unsafe) static let continueValue = Value.native(continueMarker)

    @inline(__always)
    static func isBreak(_ value: Value) -> Bool {
        if case .native(let native) = value { return native === breakMarker }
        return false
    }

    @inline(__always)
    static func isContinue(_ value: Value) -> Bool {
        if case .native(let native) = value { return native === continueMarker }
        return false
    }
}

/// `return value;`, and the final expression of a REPL input, whose value is the input's result.
/// `return local;` (`return n;`, `return this;`): the slot's value, with no node called to read it
/// (fib −2%, method_call −1% instructions; docs/internals.md, "Node shapes"). A node of its own rather
/// than a test in `ReturnStatement`, where it cost the other returns more than it saved (wide_class
/// +1.6%).
///
/// `moves`: no code of the frame runs after the return (no `finally` encloses it), so the value is
/// moved out of the slot, which the frame's pop would release, rather than copied: a retain and a
/// release fewer for an object (docs/internals.md, "A call's body, in place").
final class SlotReturnStatement: Statement {
    let slot: Int
    let moves: Bool

    init(slot: Int, moves: Bool, line: Int) {
        self.slot = slot
        self.moves = moves
        super.init(line: line, inlineReturn: moves ? .takeSlot(slot) : .call)
    }

    override func exec(_ frame: Frame) throws -> Value? { moves ? frame.take(slot) : frame.read(slot) }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["slot \(slot)"] + (moves ? ["moved"] : [])
    }
}

final class ReturnStatement: Statement {
    let value: Expression
    /// The value, when it is `await object.name(…)`, runs in this statement's frame.
    private let awaitedValue: AwaitedChild

    init(_ value: Expression, line: Int) {
        self.value = value
        awaitedValue = AwaitedChild(value)
        super.init(line: line, suspends: value.suspends,
                   inlineReturn: value.suspends ? .call : .value(Unmanaged.passUnretained(value)))
    }

    override func exec(_ frame: Frame) throws -> Value? {
        try value.eval(frame)
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        try await awaitedValue.value(frame)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(value)]
    }
}

/// Copies a method's receiver from slot 0 into the box inner functions capture it from.
final class BoxReceiverStatement: Statement {
    let runtime: Runtime
    let box: Int

    init(runtime: Runtime, box: Int, line: Int) {
        self.runtime = runtime
        self.box = box
        super.init(line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        frame.declareBox(box, runtime.track(Box(frame[0])))
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["box \(box)"]
    }
}
