import Synchronization

/// A captured variable: locals that inner functions refer to live in a box, so that each closure
/// shares the variable rather than a copy, and each execution of a declaration makes a fresh one.
final class Box: CollectedObject {
    var value: Value
    init(_ value: Value) { self.value = value }

    override func forEachReference(_ visit: inout Traversal) { visit.visit(value) }
    override func clearReferences() { value = .nil }
}

/// A function value: analysed code plus the variables it captured. The captures are in a buffer of
/// their own so that a frame can point at them without reference counting.
public final class Closure: CollectedObject {
    let code: FunctionCode
    let captures: UnsafeMutablePointer<Box>

    init(code: FunctionCode, captures: [Box]) {
        self.code = code
        self.captures = UnsafeMutablePointer<Box>.allocate(capacity: max(captures.count, 1))
        self.captures.initialize(from: captures, count: captures.count)
    }

    deinit {
        captures.deinitialize(count: code.captureSources.count)
        captures.deallocate()
    }

    override func forEachReference(_ visit: inout Traversal) {
        for index in 0..<code.captureSources.count { visit.visit(captures[index]) }
    }
}

/// A method looked up on an instance, remembered with its receiver.
public final class BoundMethod: CollectedObject {
    let receiver: Value
    let method: Closure

    init(receiver: Value, method: Closure) {
        self.receiver = receiver
        self.method = method
    }

    override func forEachReference(_ visit: inout Traversal) {
        visit.visit(receiver)
        visit.visit(method)
    }
}

/// A function implemented in Swift.
public final class NativeFunction {
    /// What a native does with its arguments. It runs on the interpreter's executor.
    typealias Body = (_ arguments: [Value], _ context: CallContext) throws -> Value

    let name: String
    /// The accepted argument counts.
    let arity: ClosedRange<Int>
    let body: Body

    init(_ name: String, arity: ClosedRange<Int>, body: @escaping Body) {
        self.name = name
        self.arity = arity
        self.body = body
    }

    convenience init(_ name: String, arity: Int, body: @escaping Body) {
        self.init(name, arity: arity...arity, body: body)
    }
}

/// A class: its methods, with the superclass's copied down so that lookup is one step.
public final class ClassObject: CollectedObject {
    private static let lastID = Atomic<Int>(0)

    /// Unique for the life of the process, unlike the object's address, which a class made after this
    /// one has died may reuse: caches key on it (see `InvokeNode`).
    let id = ClassObject.lastID.wrappingAdd(1, ordering: .relaxed).newValue
    let name: String
    let superclass: ClassObject?
    private(set) var methods: [Int: Closure]
    let initializer: Closure?
    /// How many fields instances have ended up with so far: new instances reserve that much room.
    var fieldCountHint = 0

    init(name: String, superclass: ClassObject?, methods: [Int: Closure]) {
        self.name = name
        self.superclass = superclass
        // Built afresh rather than merged: a merge with nothing to add would share the superclass's
        // table, and the cycle collector counts each table's references once per class.
        var all: [Int: Closure] = [:]
        for (symbol, method) in superclass?.methods ?? [:] { all[symbol] = method }
        for (symbol, method) in methods { all[symbol] = method }
        self.methods = all
        initializer = all[Symbols.initSymbol]
    }

    override func forEachReference(_ visit: inout Traversal) {
        if let superclass { visit.visit(superclass) }
        for method in methods.values { visit.visit(method) }
        if let initializer { visit.visit(initializer) }
    }

    @inline(__always)
    func findMethod(_ symbol: Int) -> Closure? { methods[symbol] }

    var methodSymbols: Dictionary<Int, Closure>.Keys { methods.keys }
}

/// An instance of a class. Fields are few and keyed by interned symbols, so a linear scan of a small
/// array beats hashing; property nodes remember where they last found their field and look there first.
public final class Instance: CollectedObject {
    struct Field {
        let symbol: Int
        var value: Value
    }

    let klass: ClassObject
    private(set) var fields: ContiguousArray<Field> = []

    init(klass: ClassObject) {
        self.klass = klass
        fields.reserveCapacity(klass.fieldCountHint)
    }

    /// The position of a field, trying `hint` first.
    @inline(__always)
    func index(of symbol: Int, hint: Int) -> Int? {
        if hint < fields.count && fields[hint].symbol == symbol { return hint }
        for i in fields.indices where fields[i].symbol == symbol { return i }
        return nil
    }

    @inline(__always)
    func field(_ symbol: Int) -> Value? {
        index(of: symbol, hint: 0).map { fields[$0].value }
    }

    @inline(__always)
    func value(at index: Int) -> Value { fields[index].value }

    @inline(__always)
    func setValue(_ value: Value, at index: Int) { fields[index].value = value }

    /// Sets a field, adding it if new; returns its position.
    @discardableResult
    func setField(_ symbol: Int, _ value: Value, hint: Int = 0) -> Int {
        if let index = index(of: symbol, hint: hint) {
            fields[index].value = value
            return index
        }
        fields.append(Field(symbol: symbol, value: value))
        if fields.count > klass.fieldCountHint { klass.fieldCountHint = fields.count }
        return fields.count - 1
    }

    var fieldSymbols: [Int] { fields.map(\.symbol) }

    override func forEachReference(_ visit: inout Traversal) {
        visit.visit(klass)
        for field in fields { visit.visit(field.value) }
    }

    override func clearReferences() { fields = [] }
}

/// A list: a growable array of values.
public final class ListObject: CollectedObject {
    var elements: [Value]
    init(_ elements: [Value]) { self.elements = elements }

    override func forEachReference(_ visit: inout Traversal) { visit.visit(elements) }
    override func clearReferences() { elements = [] }
}

/// A map keeping its keys in insertion order.
public final class MapObject: CollectedObject {
    var entries = OrderedMap()

    override func forEachReference(_ visit: inout Traversal) { entries.forEachReference(&visit) }
    override func clearReferences() { entries = OrderedMap() }
}
