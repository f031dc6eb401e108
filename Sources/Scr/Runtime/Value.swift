/// A script value. Objects are reference types; everything else is stored inline.
///
/// Strings are objects too: with every payload a single word, a value is 9 bytes (16 with padding,
/// against 24 with a Swift `String` inline), and copying one is a range check and a retain rather
/// than a jump through a table of cases. Frames, fields and lists are a third smaller for it.
package enum Value {
    case `nil`
    case bool(Bool)
    case number(Double)
    case string(StringObject)
    case function(Closure)
    case boundMethod(BoundMethod)
    case native(NativeFunction)
    case `class`(ClassObject)
    case instance(Instance)
    case list(ListObject)
    case map(MapObject)
    case coroutine(Coroutine)
    case task(TaskObject)
    case module(ModuleObject)
    /// An object of the library: an `Event`, a `Lock`, a `Queue` (see `NativeObject`).
    case object(NativeObject)

    /// A string value.
    @inline(__always)
    static func string(_ text: String) -> Value { .string(StringObject(text)) }

    /// Whether the value holds no reference (nil, a boolean, a number): destroying it does nothing.
    @inline(__always)
    var isTrivial: Bool {
        switch self {
        case .nil, .bool, .number: true
        default: false
        }
    }

    /// The function the value holds, unretained: the value keeps it alive. Nil for other values.
    @inline(__always)
    var unretainedFunction: Unmanaged<Closure>? {
        if case .function(let closure) = self { return Unmanaged.passUnretained(closure) }
        return nil
    }

    /// The native function the value holds, unretained: the value keeps it alive. Nil for other values.
    @inline(__always)
    var unretainedNative: Unmanaged<NativeFunction>? {
        if case .native(let native) = self { return Unmanaged.passUnretained(native) }
        return nil
    }

    /// The class the value holds, unretained: the value keeps it alive. Nil for other values.
    @inline(__always)
    var unretainedClass: Unmanaged<ClassObject>? {
        if case .class(let klass) = self { return Unmanaged.passUnretained(klass) }
        return nil
    }

    /// The instance the value holds, unretained: the value keeps it alive. Nil for other values.
    @inline(__always)
    var unretainedInstance: Unmanaged<Instance>? {
        if case .instance(let instance) = self { return Unmanaged.passUnretained(instance) }
        return nil
    }

    /// The string the value holds, unretained: the value keeps it alive. Nil for other values.
    @inline(__always)
    var unretainedString: Unmanaged<StringObject>? {
        if case .string(let string) = self { return Unmanaged.passUnretained(string) }
        return nil
    }

    /// `a.pointee == b.pointee`, for two values read where they lie: passing them to `==` would copy
    /// each (a retain and a release), which the compiler cannot leave out across the call. Strings
    /// and numbers, the commonest operands, are compared here; the rest out of line
    /// (`equalOtherwise`), which kept inline made string_equality's comparison 36% slower.
    @inline(__always)
    static func equal(at a: UnsafePointer<Value>, _ b: UnsafePointer<Value>) -> Bool {
        if let x = a.pointee.unretainedString, let y = b.pointee.unretainedString {
            return x._withUnsafeGuaranteedRef { x in y._withUnsafeGuaranteedRef { y in x.hasSameText(as: y) } }
        }
        if case .number(let x) = a.pointee, case .number(let y) = b.pointee { return x == y }
        return equalOtherwise(at: a, b)
    }

    /// `equal(at:_:)` for values that are not two strings or two numbers: objects by their addresses,
    /// neither copied (a copy of an object to `==` was a retain and a release); a string against
    /// anything else is unequal; what is left (nil, booleans, and a number against either) is compared
    /// by its payload, read in place (copied to `==`, each value went through the outlined copy and
    /// destroy of the enum: equality_mix −17% instructions).
    @inline(never)
    private static func equalOtherwise(at a: UnsafePointer<Value>, _ b: UnsafePointer<Value>) -> Bool {
        let x = a.pointee.unretainedObjectAddress, y = b.pointee.unretainedObjectAddress
        if x != nil || y != nil { return x == y }
        if a.pointee.unretainedString != nil || b.pointee.unretainedString != nil { return false }
        // Two numbers were compared in `equal(at:_:)`.
        if case .bool(let p) = a.pointee, case .bool(let q) = b.pointee { return p == q }
        if case .nil = a.pointee, case .nil = b.pointee { return true }
        return false
    }

    /// The address of the object the value holds, not retained; nil for nil, booleans, numbers and
    /// strings, which compare by value. Two values holding objects are equal when the addresses are
    /// (no object is held by two cases).
    @inline(__always)
    var unretainedObjectAddress: UnsafeMutableRawPointer? {
        switch self {
        case .nil, .bool, .number, .string: nil
        case .function(let object): Unmanaged.passUnretained(object).toOpaque()
        case .boundMethod(let object): Unmanaged.passUnretained(object).toOpaque()
        case .native(let object): Unmanaged.passUnretained(object).toOpaque()
        case .class(let object): Unmanaged.passUnretained(object).toOpaque()
        case .instance(let object): Unmanaged.passUnretained(object).toOpaque()
        case .list(let object): Unmanaged.passUnretained(object).toOpaque()
        case .map(let object): Unmanaged.passUnretained(object).toOpaque()
        case .coroutine(let object): Unmanaged.passUnretained(object).toOpaque()
        case .task(let object): Unmanaged.passUnretained(object).toOpaque()
        case .module(let object): Unmanaged.passUnretained(object).toOpaque()
        case .object(let object): Unmanaged.passUnretained(object).toOpaque()
        }
    }

    /// Lox truthiness: only `nil` and `false` are false.
    @inline(__always)
    var isTruthy: Bool {
        switch self {
        case .nil: false
        case .bool(let b): b
        default: true
        }
    }

    /// The name `type()` returns.
    var typeName: String {
        switch self {
        case .nil: "nil"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .function, .boundMethod, .native: "function"
        case .class: "class"
        case .instance(let instance): instance.klass.name
        case .list: "list"
        case .map: "map"
        case .coroutine: "coroutine"
        case .task: "task"
        case .module: "module"
        case .object(let object): object.typeName
        }
    }
}

extension Value: Equatable {
    /// Lox equality: no conversions between types, and objects (lists and maps too) are equal only
    /// when they are the same object.
    public static func == (a: Value, b: Value) -> Bool {
        // One switch on `a` and a pattern match on `b`: switching on the pair would copy both.
        switch a {
        case .nil: if case .nil = b { return true }
        case .bool(let x): if case .bool(let y) = b { return x == y }
        case .number(let x): if case .number(let y) = b { return x == y }
        case .string(let x): if case .string(let y) = b { return x.hasSameText(as: y) }
        case .function(let x): if case .function(let y) = b { return x === y }
        case .boundMethod(let x): if case .boundMethod(let y) = b { return x === y }
        case .native(let x): if case .native(let y) = b { return x === y }
        case .class(let x): if case .class(let y) = b { return x === y }
        case .instance(let x): if case .instance(let y) = b { return x === y }
        case .list(let x): if case .list(let y) = b { return x === y }
        case .map(let x): if case .map(let y) = b { return x === y }
        case .coroutine(let x): if case .coroutine(let y) = b { return x === y }
        case .task(let x): if case .task(let y) = b { return x === y }
        case .module(let x): if case .module(let y) = b { return x === y }
        case .object(let x): if case .object(let y) = b { return x === y }
        }
        return false
    }
}

extension Value: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .nil: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .number(let n): hasher.combine(n == 0 ? 0 : n)  // 0 and -0 are equal keys.
        case .string(let s): hasher.combine(StringTable.hash(s.value))  // Its bytes: see Text.swift.
        case .function(let o): hasher.combine(ObjectIdentifier(o))
        case .boundMethod(let o): hasher.combine(ObjectIdentifier(o))
        case .native(let o): hasher.combine(ObjectIdentifier(o))
        case .class(let o): hasher.combine(ObjectIdentifier(o))
        case .instance(let o): hasher.combine(ObjectIdentifier(o))
        case .list(let o): hasher.combine(ObjectIdentifier(o))
        case .map(let o): hasher.combine(ObjectIdentifier(o))
        case .coroutine(let o): hasher.combine(ObjectIdentifier(o))
        case .task(let o): hasher.combine(ObjectIdentifier(o))
        case .module(let o): hasher.combine(ObjectIdentifier(o))
        case .object(let o): hasher.combine(ObjectIdentifier(o))
        }
    }
}
