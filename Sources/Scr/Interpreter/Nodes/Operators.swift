/// `-operand` and `!operand`.
final class UnaryNode: Expression {
    enum Operator { case negate, not }

    let op: Operator
    let operand: Expression
    let line: Int

    init(_ op: Operator, _ operand: Expression, line: Int) {
        self.op = op
        self.operand = operand
        self.line = line
        super.init(suspends: operand.suspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        try apply(operand.eval(frame))
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        try apply(await operand.value(frame))
    }

    @inline(__always)
    private func apply(_ value: Value) throws -> Value {
        switch op {
        case .not:
            return .bool(!value.isTruthy)
        case .negate:
            guard case .number(let n) = value else { throw ScriptError("Operand must be a number.", line: line, class: .typeError) }
            return .number(-n)
        }
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(op)", dump.expression(operand)]
    }
}

/// A binary operator. Both operands are evaluated, left first, then combined.
class BinaryNode: Expression {
    enum Operator {
        case add, subtract, multiply, divide, remainder
        case less, lessEqual, greater, greaterEqual
        case equal, notEqual

        /// Whether two numbers make a number.
        var isArithmetic: Bool {
            switch self {
            case .add, .subtract, .multiply, .divide, .remainder: true
            default: false
            }
        }

        var isComparison: Bool {
            switch self {
            case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: true
            default: false
            }
        }

        @inline(__always)
        func apply(_ x: Double, _ y: Double) -> Value {
            switch self {
            case .add: .number(x + y)
            case .subtract: .number(x - y)
            case .multiply: .number(x * y)
            case .divide: .number(x / y)
            // C's fmod: the result has the sign of the dividend (-7 % 3 is -1), and x % 0 is NaN.
            case .remainder: .number(x.truncatingRemainder(dividingBy: y))
            case .less: .bool(x < y)
            case .lessEqual: .bool(x <= y)
            case .greater: .bool(x > y)
            case .greaterEqual: .bool(x >= y)
            case .equal: .bool(x == y)
            case .notEqual: .bool(x != y)
            }
        }

        @inline(__always)
        func apply(_ a: Value, _ b: Value, line: Int) throws -> Value {
            if case .number(let x) = a, case .number(let y) = b { return apply(x, y) }
            switch self {
            case .equal: return .bool(a == b)
            case .notEqual: return .bool(a != b)
            case .add:
                if case .string(let x) = a, case .string(let y) = b { return .string(x.value + y.value) }
                throw ScriptError("Operands must be two numbers or two strings.", line: line, class: .typeError)
            case .less, .lessEqual, .greater, .greaterEqual:
                if case .string(let x) = a, case .string(let y) = b { return .bool(compare(x.value, y.value)) }
                throw ScriptError("Operands must be numbers.", line: line, class: .typeError)  // jlox's words
            default:
                throw ScriptError("Operands must be numbers.", line: line, class: .typeError)
            }
        }

        /// Strings are ordered by their Unicode scalars, one after another, as Python orders them:
        /// "B" < "a", "a" < "ab", "é" (U+00E9) > "z" (see Text.swift).
        private func compare(_ x: String, _ y: String) -> Bool {
            switch self {
            case .less: x.precedesText(y)
            case .lessEqual: !y.precedesText(x)
            case .greater: y.precedesText(x)
            default: !x.precedesText(y)
            }
        }
    }

    final let op: Operator
    final let left: Expression
    final let right: Expression
    final let line: Int

    /// The node for `op`: `left + right`, `left - right` and `left * right` have a subclass each that
    /// computes two numbers with no switch on the operator (fib −1.3%, closures −0.7% instructions),
    /// and `<`, `<=`, `>`, `>=` one each that also tests two numbers as a condition without making
    /// the boolean (`i < len(xs)`: lists −1.0%; docs/internals.md, "A call's body, in place"). The
    /// generic nodes take `init` alone.
    static func make(_ op: Operator, _ left: Expression, _ right: Expression, line: Int) -> BinaryNode {
        let variant: BinaryNode.Type = switch op {
        case .add: Add.self
        case .subtract: Subtract.self
        case .multiply: Multiply.self
        case .less: Less.self
        case .lessEqual: LessEqual.self
        case .greater: Greater.self
        case .greaterEqual: GreaterEqual.self
        default: BinaryNode.self
        }
        return variant.init(op, left, right, line: line)
    }

    required init(_ op: Operator, _ left: Expression, _ right: Expression, line: Int) {
        self.op = op
        self.left = left
        self.right = right
        self.line = line
        super.init(suspends: left.suspends || right.suspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        try eval(frame) { op.apply($0, $1) }
    }

    /// `eval`, with `apply` the operator on two numbers.
    @inline(__always)
    final func eval(_ frame: Frame, applying apply: (Double, Double) -> Value) throws -> Value {
        let a = try left.eval(frame)
        let b = try right.eval(frame)
        if case .number(let x) = a, case .number(let y) = b { return apply(x, y) }
        return try op.apply(a, b, line: line)
    }

    final class Add: BinaryNode {
        override func eval(_ frame: Frame) throws -> Value { try eval(frame) { .number($0 + $1) } }
    }

    final class Subtract: BinaryNode {
        override func eval(_ frame: Frame) throws -> Value { try eval(frame) { .number($0 - $1) } }
    }

    final class Multiply: BinaryNode {
        override func eval(_ frame: Frame) throws -> Value { try eval(frame) { .number($0 * $1) } }
    }

    /// `test`, with `holds` the comparison on two numbers.
    @inline(__always)
    final func test(_ frame: Frame, comparing holds: (Double, Double) -> Bool) throws -> Bool {
        let a = try left.eval(frame)
        let b = try right.eval(frame)
        if case .number(let x) = a, case .number(let y) = b { return holds(x, y) }
        return try op.apply(a, b, line: line).isTruthy
    }

    final class Less: BinaryNode {
        override func eval(_ frame: Frame) throws -> Value { try eval(frame) { .bool($0 < $1) } }
        override func test(_ frame: Frame) throws -> Bool { try test(frame) { $0 < $1 } }
    }

    final class LessEqual: BinaryNode {
        override func eval(_ frame: Frame) throws -> Value { try eval(frame) { .bool($0 <= $1) } }
        override func test(_ frame: Frame) throws -> Bool { try test(frame) { $0 <= $1 } }
    }

    final class Greater: BinaryNode {
        override func eval(_ frame: Frame) throws -> Value { try eval(frame) { .bool($0 > $1) } }
        override func test(_ frame: Frame) throws -> Bool { try test(frame) { $0 > $1 } }
    }

    final class GreaterEqual: BinaryNode {
        override func eval(_ frame: Frame) throws -> Value { try eval(frame) { .bool($0 >= $1) } }
        override func test(_ frame: Frame) throws -> Bool { try test(frame) { $0 >= $1 } }
    }

    override func test(_ frame: Frame) throws -> Bool {
        let a = try left.eval(frame)
        return try op.apply(a, try right.eval(frame), line: line).isTruthy
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let a = try await left.value(frame)
        return try op.apply(a, try await right.value(frame), line: line)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(op)", dump.expression(left), dump.expression(right)]
    }
}

/// `left op number`, the shape of most loop conditions, counters and recursions (`i < n`, `i + 1`,
/// `n - 1`): the number is in the node, not in a node of its own to evaluate.
final class NumberBinaryNode: Expression {
    let op: BinaryNode.Operator
    let left: Expression
    let right: Double
    let line: Int

    init(_ op: BinaryNode.Operator, _ left: Expression, _ right: Double, line: Int) {
        self.op = op
        self.left = left
        self.right = right
        self.line = line
        super.init(suspends: left.suspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        try op.apply(try left.eval(frame), .number(right), line: line)
    }

    override func test(_ frame: Frame) throws -> Bool {
        try op.apply(try left.eval(frame), .number(right), line: line).isTruthy
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        try op.apply(try await left.value(frame), .number(right), line: line)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(op)", dump.expression(left), Value.number(right).description]
    }
}

/// `local op number` (`n - 1`, `i < 10`): the operand is read where it lies in the frame, with no
/// node to call and no copy of the value to make and destroy (fib: 6% faster).
final class SlotNumberBinaryNode: Expression {
    let op: BinaryNode.Operator
    let slot: Int
    let right: Double
    let line: Int

    init(_ op: BinaryNode.Operator, slot: Int, _ right: Double, line: Int) {
        self.op = op
        self.slot = slot
        self.right = right
        self.line = line
        switch op {
        case .add: super.init(inlineShape: .slotAdding(slot, right))
        case .subtract: super.init(inlineShape: .slotAdding(slot, -right))
        default: super.init()
        }
    }

    override func eval(_ frame: Frame) throws -> Value {
        if case .number(let x) = frame.slots[slot] { return op.apply(x, right) }
        return try op.apply(frame[slot], .number(right), line: line)
    }

    override func test(_ frame: Frame) throws -> Bool {
        if case .number(let x) = frame.slots[slot] { return op.apply(x, right).isTruthy }
        return try op.apply(frame[slot], .number(right), line: line).isTruthy
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(op)", "slot \(slot)", Value.number(right).description]
    }
}

/// `global op number` (`count + 1`), the operand read where the global holds it.
final class PlaceNumberBinaryNode: Expression {
    let op: BinaryNode.Operator
    let left: VariablePlace
    let right: Double
    let line: Int

    init(_ op: BinaryNode.Operator, _ left: VariablePlace, _ right: Double, line: Int) {
        self.op = op
        self.left = left
        self.right = right
        self.line = line
    }

    override func eval(_ frame: Frame) throws -> Value {
        if let x = left.number(in: frame) { return op.apply(x, right) }
        return try op.apply(left.value(in: frame), .number(right), line: line)
    }

    override func test(_ frame: Frame) throws -> Bool { try testInline(frame) }

    /// `test`'s body, for `PlaceNumberIfStatement` to run without a call.
    @inline(__always)
    final func testInline(_ frame: Frame) throws -> Bool {
        if let x = left.number(in: frame) { return op.apply(x, right).isTruthy }
        return try op.apply(left.value(in: frame), .number(right), line: line).isTruthy
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(op)", "\(left)", Value.number(right).description]
    }
}

/// `variable op variable` (`sum + i`, `a == b`), both read where the variables hold them.
final class PlacesBinaryNode: Expression {
    let op: BinaryNode.Operator
    let left: VariablePlace
    let right: VariablePlace
    let line: Int

    init(_ op: BinaryNode.Operator, _ left: VariablePlace, _ right: VariablePlace, line: Int) {
        self.op = op
        self.left = left
        self.right = right
        self.line = line
    }

    // Equality first: `holdsEqualValue` compares numbers too, and trying both operands as numbers
    // before it read each variable twice (string_equality −2.4% instructions).
    override func eval(_ frame: Frame) throws -> Value {
        switch op {
        case .equal: return .bool(try left.holdsEqualValue(to: right, in: frame))
        case .notEqual: return .bool(try !left.holdsEqualValue(to: right, in: frame))
        default:
            if let x = left.number(in: frame), let y = right.number(in: frame) { return op.apply(x, y) }
            let a = try left.value(in: frame)
            return try op.apply(a, right.value(in: frame), line: line)
        }
    }

    override func test(_ frame: Frame) throws -> Bool { try testInline(frame) }

    /// `test`'s body, for `PlacesIfStatement` to run without a call.
    @inline(__always)
    final func testInline(_ frame: Frame) throws -> Bool {
        switch op {
        case .equal: return try left.holdsEqualValue(to: right, in: frame)
        case .notEqual: return try !left.holdsEqualValue(to: right, in: frame)
        default:
            if let x = left.number(in: frame), let y = right.number(in: frame) { return op.apply(x, y).isTruthy }
            let a = try left.value(in: frame)
            return try op.apply(a, right.value(in: frame), line: line).isTruthy
        }
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(op)", "\(left)", "\(right)"]
    }
}

/// `variable == constant` and `variable != constant` for a string or a boolean literal
/// (`s == "str"`, `done == true`): the variable compared where it lies with the constant where the
/// node keeps it, neither copied (see docs/internals.md, "Equality in place").
final class PlaceConstantEqualityNode: Expression {
    let place: VariablePlace
    let isEqual: Bool
    /// The constant, in memory of its own so that it can be compared through a pointer.
    private let constant: UnsafeMutablePointer<Value>

    init(_ place: VariablePlace, _ constant: Value, isEqual: Bool) {
        self.place = place
        self.isEqual = isEqual
        self.constant = Buffer.allocate(Value.self, capacity: 1)
        self.constant.initialize(to: constant)
    }

    deinit {
        constant.destroy(count: 1)
        Buffer.deallocate(constant, capacity: 1)
    }

    override func eval(_ frame: Frame) throws -> Value {
        .bool(try test(frame))
    }

    override func test(_ frame: Frame) throws -> Bool { try testInline(frame) }

    /// `test`'s body, for `PlaceConstantIfStatement` to run without a call.
    @inline(__always)
    final func testInline(_ frame: Frame) throws -> Bool {
        try place.holds(constant, in: frame) == isEqual
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [isEqual ? "equal" : "notEqual", "\(place)", constant.pointee.repr]
    }
}

/// `operand == nil` and `operand != nil`, the test that ends most walks of linked structures:
/// no nil to evaluate, no general equality to run.
final class NilTestNode: Expression {
    let operand: Expression
    let isEqual: Bool

    /// The operand, when it is `await object.name(…)` or an assignment of it, runs in this node's frame.
    private let awaitedOperand: AwaitedChild

    init(_ operand: Expression, isEqual: Bool) {
        self.operand = operand
        self.isEqual = isEqual
        awaitedOperand = AwaitedChild(operand)
        super.init(suspends: operand.suspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        .bool(try test(frame))
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        .bool(answer(for: try await awaitedOperand.value(frame)))
    }

    override func test(_ frame: Frame) throws -> Bool { try testInline(frame) }

    /// `test`'s body, for `NilTestIfStatement` to run without a call.
    @inline(__always)
    final func testInline(_ frame: Frame) throws -> Bool {
        try operand.isNil(frame) == isEqual
    }

    @inline(__always)
    func answer(for value: Value) -> Bool {
        if case .nil = value { return isEqual }
        return !isEqual
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [isEqual ? "equal" : "notEqual", dump.expression(operand)]
    }
}

/// A chain of operators of one precedence after its first operation (`a + b + c + d`: `head` is
/// `a + b`): each link applies its operator to the value so far and its operand, in a loop rather than
/// a nested tree, so that a chain of any length costs no native stack (docs/internals.md, "Depth").
final class ChainNode: Expression {
    let head: Expression
    let operators: [BinaryNode.Operator]
    let lines: [Int]
    let operands: NodeList<Expression>

    init(head: Expression, _ links: [(op: BinaryNode.Operator, operand: Expression, line: Int)]) {
        self.head = head
        operators = links.map(\.op)
        lines = links.map(\.line)
        operands = NodeList(links.map(\.operand))
        super.init(suspends: head.suspends || operands.nodes.anySuspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        var value = try head.eval(frame)
        for i in operands.indices {
            value = try operators[i].apply(value, operands.with(i) { try $0.eval(frame) }, line: lines[i])
        }
        return value
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        var value = try await head.value(frame)
        for i in operands.indices {
            value = try operators[i].apply(value, await operands.nodes[i].value(frame), line: lines[i])
        }
        return value
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(head)] + operands.indices.map { "\(operators[$0]) \(dump.expression(operands.nodes[$0]))" }
    }
}

/// `a and b and …` / `a or b or …`: each operand runs only when the ones before it did not decide.
final class LogicalNode: Expression {
    let isAnd: Bool
    let operands: NodeList<Expression>

    init(isAnd: Bool, _ operands: [Expression]) {
        self.isAnd = isAnd
        self.operands = NodeList(operands)
        super.init(suspends: operands.anySuspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        let last = operands.count - 1
        for i in 0..<last {
            let value = try operands.with(i) { try $0.eval(frame) }
            if value.isTruthy != isAnd { return value }
        }
        return try operands.with(last) { try $0.eval(frame) }
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let last = operands.count - 1
        for i in 0..<last {
            let value = try await operands.nodes[i].value(frame)
            if value.isTruthy != isAnd { return value }
        }
        return try await operands.nodes[last].value(frame)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [isAnd ? "and" : "or"] + dump.expressions(operands.nodes)
    }
}

/// `value is Class`: whether the value is an instance of the class or of a subclass of it.
final class IsNode: Expression {
    let runtime: Runtime
    let value: Expression
    let klass: Expression
    let line: Int

    init(runtime: Runtime, _ value: Expression, _ klass: Expression, line: Int) {
        self.runtime = runtime
        self.value = value
        self.klass = klass
        self.line = line
        super.init(suspends: value.suspends || klass.suspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        let value = try value.eval(frame)
        return .bool(try runtime.isInstance(value, of: klass.eval(frame), line: line))
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let value = try await value.value(frame)
        return .bool(try runtime.isInstance(value, of: await klass.value(frame), line: line))
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(value), dump.expression(klass)]
    }
}
