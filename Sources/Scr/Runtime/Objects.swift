import OrderedCollections

/// A captured variable: locals that inner functions refer to live in a box, so that each closure
/// shares the variable rather than a copy, and each execution of a declaration makes a fresh one.
final class Box {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// A function value: analysed code plus the variables it captured. The captures are in a buffer of
/// their own so that a frame can point at them without reference counting.
public final class Closure {
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
}

/// A method looked up on an instance, remembered with its receiver.
public final class BoundMethod {
    let receiver: Value
    let method: Closure

    init(receiver: Value, method: Closure) {
        self.receiver = receiver
        self.method = method
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
public final class ClassObject {
    let name: String
    let superclass: ClassObject?
    private(set) var methods: [Int: Closure]

    init(name: String, superclass: ClassObject?, methods: [Int: Closure]) {
        self.name = name
        self.superclass = superclass
        self.methods = (superclass?.methods ?? [:]).merging(methods) { _, own in own }
    }

    @inline(__always)
    func findMethod(_ symbol: Int) -> Closure? { methods[symbol] }

    var initializer: Closure? { methods[Symbols.initSymbol] }

    var methodSymbols: Dictionary<Int, Closure>.Keys { methods.keys }
}

/// An instance of a class. Fields are few and keyed by interned symbols, so a linear scan of a small
/// array beats hashing.
public final class Instance {
    let klass: ClassObject
    private(set) var fieldSymbols: ContiguousArray<Int> = []
    private(set) var fieldValues: ContiguousArray<Value> = []

    init(klass: ClassObject) { self.klass = klass }

    @inline(__always)
    func field(_ symbol: Int) -> Value? {
        for i in fieldSymbols.indices where fieldSymbols[i] == symbol {
            return fieldValues[i]
        }
        return nil
    }

    @inline(__always)
    func setField(_ symbol: Int, _ value: Value) {
        for i in fieldSymbols.indices where fieldSymbols[i] == symbol {
            fieldValues[i] = value
            return
        }
        fieldSymbols.append(symbol)
        fieldValues.append(value)
    }
}

/// A list: a growable array of values.
public final class ListObject {
    var elements: [Value]
    init(_ elements: [Value]) { self.elements = elements }
}

/// A map keeping its keys in insertion order.
public final class MapObject {
    var entries: OrderedDictionary<Value, Value>
    init(_ entries: OrderedDictionary<Value, Value> = [:]) { self.entries = entries }
}
