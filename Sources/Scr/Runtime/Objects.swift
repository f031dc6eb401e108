import Synchronization

/// A captured variable: locals that inner functions refer to live in a box, so that each closure
/// shares the variable rather than a copy, and each execution of a declaration makes a fresh one.
final class Box: CollectedObject {
    // Unchecked exclusivity: read and written on the executor, never while another access is open.
    @exclusivity(unchecked) var value: Value
    init(_ value: Value) { self.value = value }
    deinit {
        // Without deep recursion: Teardown.swift.
        if Teardown.enter() { value = .nil } else { Teardown.collect(value); value = .nil }
        Teardown.leave()
    }

    override func forEachReference(_ visit: inout Traversal) { visit.visit(value) }
    override func clearReferences() { value = .nil }
}

/// What a closure holds of a variable it captured. A variable that some code may assign is shared:
/// the closure holds its box, as the function that declared it and the other closures made there
/// do. A variable nothing assigns after its declaration — a parameter of a synchronous function
/// that no code assigns, `this` — is captured by value, with no box made for it at each call
/// (`FunctionScope.capturesByValue`; docs/internals.md, "Captures by value").
enum Capture {
    case shared(Box)
    case value(Value)

    /// The variable's value.
    @inline(__always)
    var value: Value {
        switch self {
        case .shared(let box): box.value
        case .value(let value): value
        }
    }
}

/// A function value: analysed code plus the variables it captured. The captures are in a buffer of
/// their own so that a frame can point at them without reference counting.
package final class Closure: CollectedObject, BorrowableCallee {
    let code: FunctionCode
    let captures: UnsafeMutablePointer<Capture>
    // Unchecked exclusivity: set on the executor around calls, never while another access is open.
    @exclusivity(unchecked) var isBorrowed = false
    @exclusivity(unchecked) var retiredWhileBorrowed: Closure?

    /// A closure of `code` made in `frame`, which holds what it captures.
    init(code: FunctionCode, capturingFrom frame: Frame) {
        self.code = code
        captures = Buffer.allocate(Capture.self, capacity: code.captureSources.count)
        for (index, source) in code.captureSources.enumerated() {
            switch source {
            case .box(let box): (captures + index).initialize(to: .shared(frame.box(box)))
            case .slot(let slot): (captures + index).initialize(to: .value(frame[slot]))
            case .capture(let capture): (captures + index).initialize(to: frame.captures[capture])
            }
        }
    }

    /// Calls `body` with the closure's code without retaining it: the closure keeps it alive, and
    /// every call goes through here (a retain and a release fewer per call).
    @inline(__always)
    func withCode<T>(_ body: (FunctionCode) throws -> T) rethrows -> T {
        try Unmanaged.passUnretained(code)._withUnsafeGuaranteedRef(body)
    }

    deinit {
        // The boxes go to the teardown worklist: a chain of closures is freed without recursion.
        if Teardown.enter() {
            captures.destroy(count: code.captureSources.count)
        } else {
            for index in 0..<code.captureSources.count {
                switch (captures + index).move() {
                case .shared(let box): Teardown.collect(box)
                case .value(let value): Teardown.collect(value)
                }
            }
        }
        Buffer.deallocate(captures, capacity: code.captureSources.count)
        Teardown.leave()
    }

    override func forEachReference(_ visit: inout Traversal) {
        for index in 0..<code.captureSources.count {
            switch captures[index] {
            case .shared(let box): visit.visit(box)
            case .value(let value): visit.visit(value)
            }
        }
    }
}

/// A method looked up on an instance, remembered with its receiver.
package final class BoundMethod: CollectedObject {
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

/// A string value's text (see `Value` for why strings are objects).
package final class StringObject {
    let value: String
    // Unchecked exclusivity: strings are confined to the executor, and these are filled in once, on
    // first use, without calling out (see Text.swift).
    /// The number of Unicode scalars; -1 until counted.
    @exclusivity(unchecked) var cachedCount = -1
    /// The scalars of a string that is not ASCII, once it has been indexed.
    @exclusivity(unchecked) var cachedScalars: [Unicode.Scalar]?
    /// The text's hash (`StringTable.hash`, never 0), once the string has been found unequal to
    /// another of the same length; 0 until then. (The object stays in the same 64-byte malloc block.)
    @exclusivity(unchecked) var cachedHash = 0

    init(_ value: String) { self.value = value }

    /// Equal text: the same object, or the same bytes (their counts compared first). Two strings of
    /// one length found unequal keep their hashes, so that comparing them again — a loop testing one
    /// string against another — compares two numbers instead of the bytes, as Lua's interned
    /// strings make it a pointer comparison (docs/internals.md, "Equality in place").
    @inline(__always)
    func hasSameText(as other: StringObject) -> Bool {
        if self === other { return true }
        if cachedHash != other.cachedHash && cachedHash != 0 && other.cachedHash != 0 { return false }
        return hasSameBytes(as: other)
    }

    private func hasSameBytes(as other: StringObject) -> Bool {
        let count = value.utf8.count
        guard count == other.value.utf8.count else { return false }
        if value.compareText(other.value, count: count) == 0 { return true }
        rememberHash()
        other.rememberHash()
        return false
    }

    private func rememberHash() {
        if cachedHash == 0 { cachedHash = max(1, StringTable.hash(value)) }
    }
}

/// A function implemented in Swift.
package final class NativeFunction: BorrowableCallee {
    // Unchecked exclusivity: set on the executor around calls, never while another access is open.
    @exclusivity(unchecked) var isBorrowed = false
    @exclusivity(unchecked) var retiredWhileBorrowed: NativeFunction?
    /// What a native does with its arguments. It runs on the interpreter's executor.
    typealias Body = (_ arguments: [Value], _ context: CallContext) throws -> Value

    /// What a native of one argument does with it: `body` without the argument array, which
    /// `DirectCallNode` calls for `len(xs)` or `str(x)` (docs/internals.md, "Node shapes").
    typealias Unary = (_ argument: Value, _ context: CallContext) throws -> Value

    let name: String
    /// The accepted argument counts.
    let arity: ClosedRange<Int>
    let body: Body
    /// The same function as `body`, for natives made with `init(_:unary:)` (`hasUnary`). Not an
    /// optional: calling a function stored in an optional goes through a reabstraction thunk that
    /// allocates on every call.
    let unary: Unary
    let hasUnary: Bool

    init(_ name: String, arity: ClosedRange<Int>, body: @escaping Body) {
        self.name = name
        self.arity = arity
        self.body = body
        // Capturing nothing: a context would be allocated for every native made, and reading a native
        // object's method makes one.
        unary = { _, _ in preconditionFailure("a native without a unary entry called as one") }
        hasUnary = false
    }

    convenience init(_ name: String, arity: Int, body: @escaping Body) {
        self.init(name, arity: arity...arity, body: body)
    }

    /// A native that takes one argument: the generic call path reaches `unary` through the array,
    /// the specialised one directly, so the two cannot disagree.
    init(_ name: String, unary: @escaping Unary) {
        self.name = name
        arity = 1...1
        body = { arguments, context in try unary(arguments[0], context) }
        self.unary = unary
        hasUnary = true
    }
}

/// A class: its methods, with the superclass's copied down so that lookup is one step.
package final class ClassObject: CollectedObject, BorrowableCallee {
    private static let lastID = Atomic<Int>(0)

    // Unchecked exclusivity: set on the executor around calls, never while another access is open.
    @exclusivity(unchecked) var isBorrowed = false
    @exclusivity(unchecked) var retiredWhileBorrowed: ClassObject?

    /// Unique for the life of the process, unlike the object's address, which a class made after this
    /// one has died may reuse: caches key on it (see `InvokeNode`).
    let id = ClassObject.lastID.wrappingAdd(1, ordering: .relaxed).newValue
    let name: String
    let superclass: ClassObject?
    // Unchecked exclusivity: looked up at every method call; changed only while the class is made.
    @exclusivity(unchecked) private(set) var methods: [Int: Closure]
    let initializer: Closure?
    /// The symbols of the fields instances of this class have set, each at the position every
    /// instance stores it at: a property node that has seen the class once finds the field without
    /// searching (see `FieldCache`).
    // Unchecked exclusivity: confined to the executor; read where every instance is made, and
    // extended without calling out.
    @exclusivity(unchecked) private(set) var fieldLayout: [Int] = []
    // Unchecked exclusivity: confined to the executor; read and extended without calling out.
    @exclusivity(unchecked) private var fieldPositions: [Int: Int] = [:]
    /// Whether some instance has a field that shadows a method: method calls must then look for it.
    @exclusivity(unchecked) private(set) var hasFieldsNamedLikeMethods = false
    /// Whether this is `Error` or a subclass of it: its instances are `ErrorInstance`s.
    var isErrorClass: Bool

    init(name: String, superclass: ClassObject?, methods: [Int: Closure]) {
        self.name = name
        self.superclass = superclass
        isErrorClass = superclass?.isErrorClass ?? false
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

    func fieldPosition(_ symbol: Int) -> Int? { fieldPositions[symbol] }

    /// The position of a field, given one if no instance has set it before.
    func addField(_ symbol: Int) -> Int {
        if let position = fieldPositions[symbol] { return position }
        fieldPositions[symbol] = fieldLayout.count
        if methods[symbol] != nil { hasFieldsNamedLikeMethods = true }
        fieldLayout.append(symbol)
        return fieldLayout.count - 1
    }

    var methodSymbols: Dictionary<Int, Closure>.Keys { methods.keys }

    /// Whether this class is `ancestor` or inherits from it.
    func inherits(from ancestor: ClassObject) -> Bool {
        var klass: ClassObject? = self
        while let current = klass {
            if current === ancestor { return true }
            klass = current.superclass
        }
        return false
    }
}

/// An instance of a class. Its fields are stored by their position in the class's field layout
/// (`ClassObject.fieldPosition`), nil where this instance has set none. The first two are stored in the
/// object itself: most instances have few fields, and one allocation per instance instead of two (with
/// the layout shared by the class) made binary_trees a quarter faster and 6 MiB smaller. The rest are
/// in one buffer sized by the class's shape when the instance is made — as many fields as its
/// instances have had — so that `init` setting six fields allocates once, not at each growth of an
/// array (docs/internals.md, "Instances").
package class Instance: CollectedObject {
    // The order of these is the object's layout: a 32-bit capacity last fits in the padding after
    // `field1` (a `Value?` is 9 bytes), which makes the object 88 bytes, a 96-byte block of malloc's
    // instead of 112 (binary_trees: 12% less memory for its instances).
    final let klass: ClassObject
    /// The fields from position 2 on: `extraCapacity` of them, all initialized.
    // Unchecked exclusivity: read and written on the executor, each access over before script code runs.
    @exclusivity(unchecked) private final var extraFields: UnsafeMutablePointer<Value?>?
    @exclusivity(unchecked) private final var field0: Value?
    @exclusivity(unchecked) private final var field1: Value?
    @exclusivity(unchecked) private final var extraCapacity: Int32 = 0

    convenience init(klass: ClassObject) {
        self.init(klass: Unmanaged.passUnretained(klass))
    }

    /// An instance of a class the caller holds: the instance takes its one reference here. Passed as
    /// the class itself, the class was retained and released around the call besides (empty_init −4%,
    /// binary_trees −1.8% instructions).
    init(klass: Unmanaged<ClassObject>) {
        self.klass = klass.takeUnretainedValue()
        super.init()
        let extra = klass._withUnsafeGuaranteedRef { $0.fieldLayout.count } - 2
        if extra > 0 { growExtraFields(to: extra) }
    }

    deinit {
        // Without deep recursion (Teardown.swift): a linked list of 10^6 instances is freed in a loop.
        if Teardown.enter() {
            field0 = nil
            field1 = nil
        } else {
            Teardown.collect(field0.take())
            Teardown.collect(field1.take())
            for index in 0..<Int(extraCapacity) { Teardown.collect(extraFields.unsafelyUnwrapped[index].take()) }
        }
        if let extraFields {
            extraFields.destroy(count: Int(extraCapacity))
            Buffer.freeToMalloc(extraFields)
        }
        Teardown.leave()
    }

    /// The field at `position` of the class's layout, nil if this instance has not set it.
    @inline(__always)
    final subscript(position: Int) -> Value? {
        get {
            switch position {
            case 0: return field0
            case 1: return field1
            default: return position - 2 < Int(extraCapacity) ? extraFields.unsafelyUnwrapped[position - 2] : nil
            }
        }
        set {
            switch position {
            case 0: field0 = newValue
            case 1: field1 = newValue
            default:
                // A position comes from the class's layout: a field added since this instance was made
                // is the only one past its capacity.
                if position - 2 >= Int(extraCapacity) { growExtraFields(to: max(klass.fieldLayout.count, position + 1) - 2) }
                extraFields.unsafelyUnwrapped[position - 2] = newValue
            }
        }
    }

    private final func growExtraFields(to capacity: Int) {
        let grown = Buffer.allocateFromMalloc(Value?.self, capacity: capacity)
        let old = Int(extraCapacity)
        if let extraFields {
            grown.moveInitialize(from: extraFields, count: old)
            Buffer.freeToMalloc(extraFields)
        }
        (grown + old).initialize(repeating: nil, count: capacity - old)
        extraFields = grown
        extraCapacity = Int32(capacity)
    }

    final func field(_ symbol: Int) -> Value? {
        klass.fieldPosition(symbol).flatMap { self[$0] }
    }

    /// The number the field at `position` holds, read where it lies; nil if it holds something else
    /// or is not set. (Through the subscript, the field is copied out first: a call, and a retain
    /// when it holds an object.)
    @inline(__always)
    final func number(at position: Int) -> Double? {
        switch position {
        case 0: if case .number(let number)? = field0 { return number }
        case 1: if case .number(let number)? = field1 { return number }
        default:
            if position - 2 < Int(extraCapacity), case .number(let number)? = extraFields.unsafelyUnwrapped[position - 2] {
                return number
            }
        }
        return nil
    }

    /// Whether the field at `position` holds nil, read where it lies; nil if the field is not set.
    @inline(__always)
    final func holdsNil(at position: Int) -> Bool? {
        switch position {
        case 0: return Instance.nilness(of: field0)
        case 1: return Instance.nilness(of: field1)
        default:
            guard position - 2 < Int(extraCapacity) else { return nil }
            return Instance.nilness(of: extraFields.unsafelyUnwrapped[position - 2])
        }
    }

    @inline(__always)
    private static func nilness(of field: borrowing Value?) -> Bool? {
        switch field {
        case .some(.nil): true
        case .some: false
        case .none: nil
        }
    }

    final func setField(_ symbol: Int, _ value: Value) {
        self[klass.addField(symbol)] = value
    }

    /// The names of the fields this instance has set, as symbols.
    final var fieldSymbols: [Int] {
        klass.fieldLayout.indices.filter { self[$0] != nil }.map { klass.fieldLayout[$0] }
    }

    override func forEachReference(_ visit: inout Traversal) {
        visit.visit(klass)
        if let field0 { visit.visit(field0) }
        if let field1 { visit.visit(field1) }
        for index in 0..<Int(extraCapacity) { if let field = extraFields.unsafelyUnwrapped[index] { visit.visit(field) } }
    }

    override func clearReferences() {
        field0 = nil
        field1 = nil
        for index in 0..<Int(extraCapacity) { extraFields.unsafelyUnwrapped[index] = nil }
    }
}

/// An instance of `Error` or of a subclass. Once raised and caught, it remembers the traceback it had
/// then (not the error itself, which holds the instance), so that `throw e;` in a `catch` goes on with
/// the original traceback.
final class ErrorInstance: Instance {
    var raised: RaisedTrace?
}

/// The traceback of an error when it was caught (see `ScriptError`).
struct RaisedTrace {
    let line: Int
    let frames: [TraceFrame]
    let pendingLine: Int
    let spawnSite: TraceFrame?
}

/// A list: a growable array of values.
package final class ListObject: CollectedObject {
    // Unchecked exclusivity: confined to the executor; no list operation holds it across script code.
    @exclusivity(unchecked) var elements: [Value]
    init(_ elements: [Value]) { self.elements = elements }
    deinit {
        // Without deep recursion: Teardown.swift.
        if Teardown.enter() { elements = [] } else { Teardown.collect(&elements) }
        Teardown.leave()
    }

    override func forEachReference(_ visit: inout Traversal) { visit.visit(inPlace: &elements) }
    override func clearReferences() { elements = [] }
}

/// A map keeping its keys in insertion order.
package final class MapObject: CollectedObject {
    // Unchecked exclusivity: confined to the executor; no map operation holds it across script code.
    @exclusivity(unchecked) var entries: OrderedMap
    init(_ entries: OrderedMap = OrderedMap()) { self.entries = entries }

    deinit {
        // Without deep recursion (Teardown.swift).
        if Teardown.enter() {
            entries = OrderedMap()
        } else {
            var contents = entries.keys + entries.values
            entries = OrderedMap()
            Teardown.collect(&contents)
        }
        Teardown.leave()
    }

    override func forEachReference(_ visit: inout Traversal) { entries.forEachReference(&visit) }
    override func clearReferences() { entries = OrderedMap() }
}

extension Unmanaged where Instance == Scr.Instance {
    /// The instance's class, unretained: the instance keeps it alive.
    @inline(__always)
    var klass: Unmanaged<ClassObject> { _withUnsafeGuaranteedRef { Unmanaged<ClassObject>.passUnretained($0.klass) } }
}
