/// A script value. Objects are reference types; everything else is stored inline.
public enum Value {
    case `nil`
    case bool(Bool)
    case number(Double)
    case string(String)
    case function(Closure)
    case boundMethod(BoundMethod)
    case native(NativeFunction)
    case `class`(ClassObject)
    case instance(Instance)
    case list(ListObject)
    case map(MapObject)
    case coroutine(Coroutine)
    case task(TaskObject)

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
        }
    }
}

extension Value: Equatable {
    /// Lox equality: no conversions between types, and objects (lists and maps too) are equal only
    /// when they are the same object.
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.nil, .nil): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.function(let x), .function(let y)): x === y
        case (.boundMethod(let x), .boundMethod(let y)): x === y
        case (.native(let x), .native(let y)): x === y
        case (.class(let x), .class(let y)): x === y
        case (.instance(let x), .instance(let y)): x === y
        case (.list(let x), .list(let y)): x === y
        case (.map(let x), .map(let y)): x === y
        case (.coroutine(let x), .coroutine(let y)): x === y
        case (.task(let x), .task(let y)): x === y
        default: false
        }
    }
}

extension Value: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .nil: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .number(let n): hasher.combine(n == 0 ? 0 : n)  // 0 and -0 are equal keys.
        case .string(let s): hasher.combine(s)
        case .function(let o): hasher.combine(ObjectIdentifier(o))
        case .boundMethod(let o): hasher.combine(ObjectIdentifier(o))
        case .native(let o): hasher.combine(ObjectIdentifier(o))
        case .class(let o): hasher.combine(ObjectIdentifier(o))
        case .instance(let o): hasher.combine(ObjectIdentifier(o))
        case .list(let o): hasher.combine(ObjectIdentifier(o))
        case .map(let o): hasher.combine(ObjectIdentifier(o))
        case .coroutine(let o): hasher.combine(ObjectIdentifier(o))
        case .task(let o): hasher.combine(ObjectIdentifier(o))
        }
    }
}
