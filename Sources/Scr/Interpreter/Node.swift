/// An expression of the analysed program. Each kind of expression is a subclass that evaluates
/// itself; `suspends` says whether the subtree contains an `await`.
///
/// Code that cannot suspend runs on `eval`, the synchronous evaluator, which costs a tenth of an
/// async call. Only subtrees that contain an `await` are evaluated with `evalAsync`, and they hand
/// their await-free children back to `eval`.
class Expression {
    let suspends: Bool
    /// What `evalInline` evaluates without calling the node; `.call` for all but two nodes.
    final let inlineShape: InlineShape

    /// The nodes whose value a function call's argument loop computes in place, with no call of the
    /// node (`evalInline`; docs/internals.md, "Node shapes"). Only specialised nodes have a shape
    /// other than `.call`: the generic path calls every node.
    enum InlineShape {
        case call
        /// A local in a slot (`SlotGetNode`).
        case slot(Int)
        /// A local in a slot plus a number (`SlotNumberBinaryNode` adding or subtracting: `n - 1`
        /// is `n + -1`, the same IEEE 754 result), while the slot holds a number.
        case slotAdding(Int, Double)
    }

    init(suspends: Bool = false, inlineShape: InlineShape = .call) {
        self.suspends = suspends
        self.inlineShape = inlineShape
    }

    func eval(_ frame: Frame) throws -> Value {
        fatalError("abstract")
    }

    func evalAsync(_ frame: Frame) async throws -> Value {
        try eval(frame)
    }

    /// Whether the value is truthy, for conditions: a comparison answers without making a value.
    /// The operator nodes restate their `eval` in their `test` rather than call it, which the compiler
    /// does not inline there (calling it costs fib 2% and loop 5% more instructions).
    func test(_ frame: Frame) throws -> Bool {
        try eval(frame).isTruthy
    }

    /// Whether the value is nil, for `NilTestNode`: a node that reads its value where it lies (a
    /// field) answers without copying it out, a retain and a release when it holds an object.
    func isNil(_ frame: Frame) throws -> Bool {
        if case .nil = try eval(frame) { return true }
        return false
    }

    /// The node's fields and children, for the node dump.
    func dumpFields(_ dump: inout NodeDump) -> [String] { [] }
}

/// A statement of the analysed program. `exec` returns nil when the statement completes, or the
/// value being returned when a `return` runs.
class Statement {
    /// The line the statement starts on.
    let line: Int
    let suspends: Bool
    /// What `execInline` runs without calling the node; `.call` for all but three nodes.
    final let inlineReturn: InlineReturn

    /// The statements `execInline` runs in place (docs/internals.md, "A call's body, in place"). Only
    /// specialised nodes have one other than `.call`, as with `Expression.InlineShape`.
    enum InlineReturn {
        case call
        /// Nothing: an empty body (`init() {}`) or a statement of literals (`EmptyStatement`).
        case nothing
        /// `return local;` that moves the value out of its slot (`SlotReturnStatement.moves`; one that
        /// must not, in a `try` with a `finally`, is rare and called). A fifth case made the switch a
        /// jump table: fib +2%.
        case takeSlot(Int)
        /// `return value;` whose value cannot suspend (`ReturnStatement`), which the node keeps alive.
        case value(Unmanaged<Expression>)
    }

    init(line: Int, suspends: Bool = false, inlineReturn: InlineReturn = .call) {
        self.line = line
        self.suspends = suspends
        self.inlineReturn = inlineReturn
    }

    func exec(_ frame: Frame) throws -> Value? {
        fatalError("abstract")
    }

    func execAsync(_ frame: Frame) async throws -> Value? {
        try exec(frame)
    }

    /// The statement's fields, for the node dump (`NodeDump`), and the statements it holds.
    func dumpFields(_ dump: inout NodeDump) -> [String] { [] }
    var dumpNested: [(label: String?, statement: Statement)] { [] }
}

extension Expression {
    /// `eval`, with the shapes `InlineShape` lists computed here rather than through a call of the
    /// node: the argument loop of a function's call (`fib(n - 1)`, `Runtime.invoke`).
    @inline(__always)
    final func evalInline(_ frame: Frame) throws -> Value {
        switch inlineShape {
        case .call: return try eval(frame)
        case .slot(let slot): return frame[slot]
        case .slotAdding(let slot, let addend):
            if case .number(let x) = frame.slots[slot] { return .number(x + addend) }
            return try eval(frame)
        }
    }

    /// Evaluates on the synchronous evaluator unless the subtree can suspend.
    @inline(__always)
    func value(_ frame: Frame) async throws -> Value {
        suspends ? try await evalAsync(frame) : try eval(frame)
    }
}

extension Statement {
    /// `exec`, with the returns `InlineReturn` lists run here rather than through a call of the node:
    /// the statements of a function's body and of a base case's `if` (`if (n < 2) return n;`).
    @inline(__always)
    final func execInline(_ frame: Frame) throws -> Value? {
        switch inlineReturn {
        case .call: return try exec(frame)
        case .nothing: return nil
        case .takeSlot(let slot): return frame.take(slot)
        case .value(let value): return try value._withUnsafeGuaranteedRef { try $0.eval(frame) }
        }
    }

    @inline(__always)
    func run(_ frame: Frame) async throws -> Value? {
        suspends ? try await execAsync(frame) : try exec(frame)
    }
}

extension Sequence where Element == Expression {
    var anySuspends: Bool { contains { $0.suspends } }
}

extension Sequence where Element == Statement {
    var anySuspends: Bool { contains { $0.suspends } }
}

/// Child nodes held in an array, called without retaining each one on the way: a call through an
/// array element otherwise costs a retain and a release, measured at 5–10% of call-heavy programs.
/// `nodes` keeps the children alive.
struct NodeList<Node: AnyObject> {
    let nodes: [Node]
    private let unretained: [Unmanaged<Node>]

    init(_ nodes: [Node]) {
        self.nodes = nodes
        unretained = nodes.map(Unmanaged.passUnretained)
    }

    // From the array `with` reads, so that a loop over `indices` needs no bounds check in `with`.
    var count: Int { unretained.count }
    var indices: Range<Int> { unretained.indices }

    @inline(__always)
    func with<T>(_ index: Int, _ body: (Node) throws -> T) rethrows -> T {
        try unretained[index]._withUnsafeGuaranteedRef(body)
    }
}

extension NodeList where Node == Expression {
    /// Evaluates every node, in order, into an array.
    func values(_ frame: Frame) throws -> [Value] {
        var result: [Value] = []
        try values(frame, into: &result)
        return result
    }

    /// Evaluates every node, in order, onto the end of `values`.
    func values(_ frame: Frame, into values: inout [Value]) throws {
        values.reserveCapacity(values.count + count)
        for index in indices { values.append(try with(index) { try $0.eval(frame) }) }
    }

    func values(_ frame: Frame) async throws -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(count)
        for node in nodes { values.append(try await node.value(frame)) }
        return values
    }
}

/// The argument array of a call site whose calls take one (natives, built-in methods), kept from one
/// call to the next: a new array each time cost a malloc and a free per call (lists: 7% of the
/// instructions). A call that re-enters the call site (through a callback) while the array is out
/// makes a new one; a callee that keeps the array keeps its own copy. Host functions keep one of
/// `ScrValue`s the same way.
struct SpareArray<Element> {
    private var array: [Element] = []

    /// The array, emptied, with its capacity.
    mutating func take() -> [Element] {
        var taken: [Element] = []
        swap(&taken, &array)
        return taken
    }

    mutating func giveBack(_ taken: inout [Element]) {
        // One by one: `removeAll(keepingCapacity:)` goes through the general `replaceSubrange`
        // (140 instructions for an array of one).
        while !taken.isEmpty { taken.removeLast() }
        swap(&taken, &array)
    }
}
