/// A Swift class whose instances scripts use live, as JavaScriptCore's JSExport or mlua's UserData:
/// properties read and written through to the object, methods called on it, and the same object
/// coming back to Swift as itself.
///
/// ```swift
/// final class Counter: ScrExported, @unchecked Sendable {
///     var count = 0
///     static let scrMembers = ScrMembers<Counter>("Counter")
///         .property("count", get: { $0.count }, set: { $0.count = $1 })
///         .method("bump") { counter, (by: Int) in counter.count += by; return counter.count }
/// }
/// await interpreter.set("counter", to: .exported(counter))
/// ```
///
/// Members run on the interpreter's executor, like host functions: the object must be safe to use
/// from there while the host uses it elsewhere (a lock, an actor-free `Sendable` design).
public protocol ScrExported: AnyObject, Sendable {
    /// What scripts can reach: the class name, properties and methods.
    static var scrMembers: ScrMembers<Self> { get }
}

/// The exported members of `Object`, built once: `ScrMembers<T>("Name").property(…).method(…)`.
public struct ScrMembers<Object: AnyObject & Sendable>: Sendable {
    /// What `type()` says and `print` shows: `<Counter>`.
    public let typeName: String
    fileprivate(set) var properties: [String: ErasedProperty] = [:]
    fileprivate(set) var methods: [String: ErasedMethod] = [:]

    public init(_ typeName: String) {
        self.typeName = typeName
    }

    /// A property scripts read (`object.name`) and, with `set`, assign (`object.name = value`).
    public func property<T: ScrValueConvertible>(_ name: String, get: @escaping @Sendable (Object) -> T,
                                                 set: (@Sendable (Object, T) throws -> Void)? = nil) -> Self {
        var members = self
        let typeName = self.typeName
        let getter: @Sendable (AnyObject) throws -> ScrValue = { object in get(object as! Object).scrValue }
        var setter: (@Sendable (AnyObject, ScrValue) throws -> Void)?
        if let set {
            setter = { object, value in
                let converted: T
                do {
                    converted = try T(scrValue: value)
                } catch let error as ScrConversionError {
                    throw HostError("\(typeName).\(name): \(error)", class: .typeError)
                }
                try set(object as! Object, converted)
            }
        }
        members.properties[name] = ErasedProperty(get: getter, set: setter)
        return members
    }

    /// A method: `object.name(arguments…)` calls `body` with the object and the converted arguments;
    /// its arity is `body`'s.
    public func method<each Argument: ScrValueConvertible, Result: ScrValueConvertible>(
        _ name: String, _ body: @escaping @Sendable (Object, repeat each Argument) throws -> Result
    ) -> Self {
        var members = self
        var arity = 0
        for _ in repeat (each Argument).self { arity += 1 }
        let qualified = "\(typeName).\(name)"
        members.methods[name] = ErasedMethod(arity: arity) { object, arguments in
            var index = 0
            let converted = (repeat try Interpreter.argument((each Argument).self, arguments, &index, qualified))
            return try body(object as! Object, repeat each converted).scrValue
        }
        return members
    }
}

struct ErasedProperty: Sendable {
    let get: @Sendable (AnyObject) throws -> ScrValue
    let set: (@Sendable (AnyObject, ScrValue) throws -> Void)?
}

struct ErasedMethod: Sendable {
    let arity: Int
    let call: @Sendable (AnyObject, [ScrValue]) throws -> ScrValue
}

/// An exported Swift object inside a `ScrValue`: equal when it is the same object.
public struct ScrHostObject: Sendable, Hashable {
    /// The Swift object itself.
    public let object: any ScrExported
    let typeName: String
    let members: @Sendable () -> (properties: [String: ErasedProperty], methods: [String: ErasedMethod])

    public init<T: ScrExported>(_ object: T) {
        self.object = object
        typeName = T.scrMembers.typeName
        members = { (T.scrMembers.properties, T.scrMembers.methods) }
    }

    public static func == (a: ScrHostObject, b: ScrHostObject) -> Bool { a.object === b.object }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(object)) }
}

extension ScrValue {
    /// `object`, exported to scripts live (see `ScrExported`).
    public static func exported<T: ScrExported>(_ object: T) -> ScrValue { .hostObject(ScrHostObject(object)) }

    /// The exported Swift object of type `T`, if this is one.
    public func exported<T: ScrExported>(as type: T.Type) -> T? {
        if case .hostObject(let host) = self { return host.object as? T }
        return nil
    }
}

/// A host object as scripts hold it: one per Swift object and runtime, so that identity (`==`)
/// holds in scripts too.
final class HostObjectBox: NativeObject {
    let host: ScrHostObject
    private let properties: [String: ErasedProperty]
    private let methods: [String: ErasedMethod]

    init(_ host: ScrHostObject) {
        self.host = host
        (properties, methods) = host.members()
    }

    override var typeName: String { host.typeName }
    override var methodNames: [String] { methods.keys.sorted() }
    override func hasMethod(_ name: String) -> Bool { methods[name] != nil }

    override func property(_ name: String) throws -> Value? {
        guard let property = properties[name] else { return nil }
        return Value(try property.get(host.object))
    }

    override func setProperty(_ name: String, _ value: Value, line: Int) throws {
        guard let property = properties[name] else {
            throw ScriptError("Undefined property '\(name)' on \(typeName).", line: line, class: .nameError)
        }
        guard let set = property.set else {
            throw ScriptError("Property '\(name)' of \(typeName) is read-only.", line: line, class: .typeError)
        }
        do {
            try set(host.object, ScrValue(value))
        } catch let error as HostError {
            throw ScriptError(error.message, line: line, class: error.errorClass)
        } catch let error as ScriptError {
            throw error
        } catch {
            let scriptError = ScriptError(hostErrorText(error), line: line)
            scriptError.underlying = error
            throw scriptError
        }
    }

    override func callMethod(_ call: NativeCall) throws -> Value? {
        guard let method = methods[call.name] else { return nil }
        let runtime = call.context.runtime
        guard call.arguments.count == method.arity else {
            throw ScriptError(runtime.arityMessage(method.arity...method.arity, call.arguments.count),
                              line: call.context.line, class: .typeError)
        }
        do {
            let result = try method.call(host.object, call.arguments.map { ScrValue($0, runtime: runtime) })
            return Value(result, runtime: runtime)
        } catch {
            throw call.context.hostError(error)
        }
    }
}

extension Runtime {
    /// The script object of an exported Swift object: the same one each time it comes in, while
    /// scripts hold it.
    func hostObject(_ host: ScrHostObject) -> Value {
        let key = ObjectIdentifier(host.object)
        if let box = hostObjects[key]?.box, box.host.object === host.object { return .object(box) }
        if hostObjects.count > 64 { hostObjects = hostObjects.filter { $0.value.box != nil } }
        let box = HostObjectBox(host)
        hostObjects[key] = WeakHostObject(box: box)
        return .object(box)
    }
}

struct WeakHostObject {
    weak var box: HostObjectBox?
}
