/// `[a, b, c]`
final class ListNode: Expression {
    let runtime: Runtime
    let elements: [Expression]

    init(runtime: Runtime, _ elements: [Expression]) {
        self.runtime = runtime
        self.elements = elements
        super.init(suspends: elements.anySuspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        var values: [Value] = []
        values.reserveCapacity(elements.count)
        for element in elements { values.append(try element.eval(frame)) }
        return .list(runtime.track(ListObject(values)))
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        var values: [Value] = []
        for element in elements { values.append(try await element.value(frame)) }
        return .list(runtime.track(ListObject(values)))
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        dump.expressions(elements)
    }
}

/// `{key: value, …}`
final class MapNode: Expression {
    let runtime: Runtime
    let entries: [(key: Expression, value: Expression)]

    init(runtime: Runtime, _ entries: [(Expression, Expression)]) {
        self.runtime = runtime
        self.entries = entries.map { (key: $0.0, value: $0.1) }
        super.init(suspends: entries.contains { $0.0.suspends || $0.1.suspends })
    }

    override func eval(_ frame: Frame) throws -> Value {
        let map = runtime.track(MapObject(OrderedMap(capacity: entries.count)))
        for entry in entries {
            let key = try entry.key.eval(frame)
            map.entries[key] = try entry.value.eval(frame)
        }
        return .map(map)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let map = runtime.track(MapObject(OrderedMap(capacity: entries.count)))
        for entry in entries {
            let key = try await entry.key.value(frame)
            map.entries[key] = try await entry.value.value(frame)
        }
        return .map(map)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        entries.map { "\(dump.expression($0.key)): \(dump.expression($0.value))" }
    }
}

/// `object[index]`
final class IndexNode: Expression {
    let object: Expression
    let index: Expression
    let line: Int

    init(object: Expression, index: Expression, line: Int) {
        self.object = object
        self.index = index
        self.line = line
        super.init(suspends: object.suspends || index.suspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        try Indexing.get(object.eval(frame), index.eval(frame), line: line)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let object = try await object.value(frame)
        return try Indexing.get(object, await index.value(frame), line: line)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(object), dump.expression(index)]
    }
}

/// `variable[index]` for an index that is a variable or a literal: a list is read where the variable
/// holds it, with no retain and release (see `VariablePlace`); anything else as `IndexNode`.
final class PlaceIndexNode: Expression {
    let object: VariablePlace
    let index: Expression
    /// The index as a number where it lies, without evaluating `index`.
    private let indexNumber: IndexNumber
    let line: Int

    init(object: VariablePlace, index: Expression, indexPlace: VariablePlace?, line: Int) {
        self.object = object
        self.index = index
        indexNumber = IndexNumber(index, place: indexPlace)
        self.line = line
    }

    override func eval(_ frame: Frame) throws -> Value {
        if let list = object.list(in: frame), let number = indexNumber.read(frame) {
            // Borrowed in small steps, each closure one expression the compiler inlines (see
            // `InvokeNode`), and a number read without the copy of a `Value` (see `Frame.read`).
            let count = list._withUnsafeGuaranteedRef { $0.elements.count }
            let position = try Indexing.position(number, count: count, of: "list", line: line)
            if let element = list._withUnsafeGuaranteedRef({ $0.elements.number(at: position) }) {
                return .number(element)
            }
            return list._withUnsafeGuaranteedRef { $0.elements[position] }
        }
        let object = try object.value(in: frame)
        return try Indexing.get(object, index.eval(frame), line: line)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(object)", dump.expression(index)]
    }
}

/// `object[index] = value`
final class IndexSetNode: Expression {
    let object: Expression
    let index: Expression
    let value: Expression
    let line: Int

    init(object: Expression, index: Expression, value: Expression, line: Int) {
        self.object = object
        self.index = index
        self.value = value
        self.line = line
        super.init(suspends: object.suspends || index.suspends || value.suspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        try Indexing.assign(object.eval(frame), index, value, frame, line: line)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let object = try await object.value(frame)
        let index = try await index.value(frame)
        let value = try await value.value(frame)
        try Indexing.set(object, index, value, line: line)
        return value
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(object), dump.expression(index), dump.expression(value)]
    }
}

/// `variable[index] = value` for a list in a slot local or a global, indexed by a literal or a variable,
/// with a value that can neither assign the variable nor suspend (`NodeSelection.setIndex`): the list
/// is read where the variable holds it, unretained, after the index and the value — the variable still
/// holds the list the generic path read first, and keeps it alive. Anything but a list goes the generic
/// way, the variable read first (an undefined global is that error before the index and value run).
final class PlaceIndexSetNode: Expression {
    let object: VariablePlace
    let index: Expression
    /// The index as a number where it lies, without evaluating `index`.
    private let indexNumber: IndexNumber
    let value: Expression
    let line: Int

    init(object: VariablePlace, index: Expression, indexPlace: VariablePlace?, value: Expression, line: Int) {
        self.object = object
        self.index = index
        indexNumber = IndexNumber(index, place: indexPlace)
        self.value = value
        self.line = line
    }

    override func eval(_ frame: Frame) throws -> Value {
        // The index is read before the value runs, which may assign its variable.
        guard object.list(in: frame) != nil, let number = indexNumber.read(frame) else {
            return try Indexing.assign(object.value(in: frame), index, value, frame, line: line)
        }
        let value = try value.eval(frame)
        // Read again: the value cannot assign the variable (so it still holds a list: checked all the
        // same), but a call in it may have changed the list's length.
        try object.list(in: frame)!._withUnsafeGuaranteedRef { list in
            list.elements[try Indexing.position(number, count: list.elements.count, of: "list", line: line)] = value
        }
        return value
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(object)", dump.expression(index), dump.expression(value)]
    }
}

/// The index of `PlaceIndexNode` and `PlaceIndexSetNode`, a variable or a literal, read as a number
/// where it lies: evaluating its node was a call and a copy of the value to destroy after (lists −6%
/// instructions). With anything but a number the nodes take the generic way, which evaluates it
/// (an undefined global is its error).
struct IndexNumber {
    private let place: VariablePlace?
    private let constant: Double?

    init(_ index: Expression, place: VariablePlace?) {
        self.place = place
        constant = (index as? ConstantNode)?.number
    }

    @inline(__always)
    func read(_ frame: Frame) -> Double? {
        if let place { return place.number(in: frame) }
        return constant
    }
}

extension Array where Element == Value {
    /// The number at `position`, or nil if the element is something else.
    @inline(__always)
    func number(at position: Int) -> Double? {
        if case .number(let x) = self[position] { return x }
        return nil
    }
}

/// Subscripting lists, maps and strings.
enum Indexing {
    static func get(_ object: Value, _ index: Value, line: Int) throws -> Value {
        switch object {
        case .list(let list):
            return list.elements[try position(index, count: list.elements.count, of: "list", line: line)]
        case .map(let map):
            guard let value = map.entries[index] else {
                throw ScriptError("Key \(index.repr) not found in map.", line: line, class: .keyError)
            }
            return value
        case .string(let text):
            return .string(text.scalar(at: try position(index, count: text.count, of: "string", line: line)))
        default:
            throw ScriptError("Only lists, maps and strings can be indexed.", line: line, class: .typeError)
        }
    }

    /// `object[index] = value` once the object is read: the index and the value evaluated in that
    /// order, then assigned; the value is the result.
    static func assign(_ object: Value, _ index: Expression, _ value: Expression, _ frame: Frame, line: Int) throws
        -> Value
    {
        let index = try index.eval(frame)
        let value = try value.eval(frame)
        try set(object, index, value, line: line)
        return value
    }

    static func set(_ object: Value, _ index: Value, _ value: Value, line: Int) throws {
        switch object {
        case .list(let list):
            list.elements[try position(index, count: list.elements.count, of: "list", line: line)] = value
        case .map(let map):
            map.entries[index] = value
        default:
            throw ScriptError("Only lists and maps support index assignment.", line: line, class: .typeError)
        }
    }

    /// A valid position for `index` in a sequence of `count`; negative indexes count from the end.
    @inline(__always)
    static func position(_ index: Value, count: Int, of kind: String, line: Int) throws -> Int {
        if case .number(let number) = index { return try position(number, count: count, of: kind, line: line) }
        return try anyPosition(index, count: count, of: kind, line: line)
    }

    @inline(__always)
    static func position(_ number: Double, count: Int, of kind: String, line: Int) throws -> Int {
        // The common case first, in a few instructions: `rounded()` is a call into the C library.
        if number >= 0, number < Double(count) {
            let position = Int(number)
            if Double(position) == number { return position }
        }
        return try anyPosition(.number(number), count: count, of: kind, line: line)
    }

    private static func anyPosition(_ index: Value, count: Int, of kind: String, line: Int) throws -> Int {
        guard case .number(let number) = index, number == number.rounded(), abs(number) < 1e15 else {
            throw ScriptError("Index must be a whole number.", line: line, class: .typeError)
        }
        let position = number < 0 ? Int(number) + count : Int(number)
        guard position >= 0 && position < count else {
            throw ScriptError("Index \(NumberFormatting.format(number)) out of range for \(kind) of length \(count).",
                              line: line, class: .indexError)
        }
        return position
    }
}

/// `"text ${expression} text"`: each expression's value converted as `str()` converts it, and the
/// parts joined.
final class InterpolationNode: Expression {
    let parts: NodeList<Expression>

    init(_ parts: [Expression]) {
        self.parts = NodeList(parts)
        super.init(suspends: parts.anySuspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        var text = ""
        for index in parts.indices { text += try parts.with(index) { try $0.eval(frame) }.description }
        return .string(text)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        var text = ""
        for part in parts.nodes { text += try await part.value(frame).description }
        return .string(text)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        dump.expressions(parts.nodes)
    }
}
