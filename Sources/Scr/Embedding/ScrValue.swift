/// A script value as the host program sees it: a `Sendable` copy that can leave the interpreter's
/// executor. Lists and maps are copied deeply; functions are shared, as handles (`ScrFunction`);
/// other objects (instances, classes, tasks) are described, not shared.
public enum ScrValue: Sendable, Hashable {
    case `nil`
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([ScrValue])
    /// Keys in insertion order.
    case map([Entry])
    /// A function, callable from the host; the same function when passed back in.
    case function(ScrFunction)
    /// A Swift object exported to scripts (`ScrExported`), itself, not a copy.
    case hostObject(ScrHostObject)
    /// Any other value: its type name and how `print` shows it.
    case object(type: String, description: String)

    public struct Entry: Sendable, Hashable {
        public let key: ScrValue
        public let value: ScrValue

        public init(key: ScrValue, value: ScrValue) {
            self.key = key
            self.value = value
        }
    }

    /// The number, if this is one.
    public var double: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The number as an integer, if it is a whole number in range.
    public var int: Int? {
        guard let n = double, n == n.rounded(), abs(n) < 9e15 else { return nil }
        return Int(n)
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var array: [ScrValue]? {
        if case .list(let elements) = self { return elements }
        return nil
    }

    /// A map whose keys are strings, as a dictionary.
    public var dictionary: [String: ScrValue]? {
        guard case .map(let entries) = self else { return nil }
        var result: [String: ScrValue] = [:]
        for entry in entries {
            guard let key = entry.key.string else { return nil }
            result[key] = entry.value
        }
        return result
    }

    /// True for everything but `nil` and `false`, as in scr.
    public var isTruthy: Bool {
        switch self {
        case .nil: false
        case .bool(let b): b
        default: true
        }
    }
}

extension ScrValue: CustomStringConvertible {
    /// How `print` would show the value.
    public var description: String {
        switch self {
        case .object(_, let description): description
        case .function(let function): function.description
        case .hostObject(let host): "<\(host.typeName)>"
        default: Scr.Value(self).description
        }
    }
}

extension ScrValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByStringInterpolation
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: ScrValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, ScrValue)...) {
        self = .map(elements.map { Entry(key: .string($0.0), value: $0.1) })
    }
}

extension ScrValue {
    /// Copies a script value out. Deeply nested or cyclic containers are cut off at `depth`. With the
    /// runtime (on its executor), functions become handles; without, they are described.
    /// (`Scr.Value`: inside `ScrValue`, `Value` is the dictionary-literal associated type.)
    init(_ value: Scr.Value, depth: Int = 64, runtime: Runtime? = nil) {
        switch value {
        case .nil: self = .nil
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s.value)
        case .list(let list) where depth > 0:
            self = .list(list.elements.map { ScrValue($0, depth: depth - 1, runtime: runtime) })
        case .map(let map) where depth > 0:
            self = .map(map.entries.map {
                Entry(key: ScrValue($0.key, depth: depth - 1, runtime: runtime),
                      value: ScrValue($0.value, depth: depth - 1, runtime: runtime))
            })
        case .object(let native as HostObjectBox):
            self = .hostObject(native.host)
        case .function, .boundMethod, .native:
            if let runtime {
                self = .function(ScrFunction(value, runtime: runtime))
            } else {
                self = .object(type: value.typeName, description: value.description)
            }
        default:
            self = .object(type: value.typeName, description: value.description)
        }
    }
}

extension Value {
    /// Copies a host value in. An `.object` can only be described, so it arrives as its description;
    /// so does a function of another interpreter.
    init(_ value: ScrValue, runtime: Runtime? = nil) {
        switch value {
        case .nil: self = .nil
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        case .list(let elements): self = .list(ListObject(elements.map { Value($0, runtime: runtime) }))
        case .map(let entries):
            let map = MapObject()
            for entry in entries { map.entries[Value(entry.key, runtime: runtime)] = Value(entry.value, runtime: runtime) }
            self = .map(map)
        case .function(let function):
            self = runtime.flatMap { function.reference.value(in: $0) } ?? .string(function.description)
        case .hostObject(let host):
            self = runtime?.hostObject(host) ?? .string("<\(host.typeName)>")
        case .object(_, let description): self = .string(description)
        }
    }
}
