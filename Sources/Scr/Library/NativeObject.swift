/// An object the library makes in Swift — an `Event`, a `Lock`, a `Queue`, later a connection — whose
/// value in scripts is `.object`. Its type names itself, prints itself, and has methods that scripts
/// call by name (`lock.release()`) or take as values (`var f = queue.put;`).
///
/// A native object that holds script values reports them to the cycle collector, like a list does.
package class NativeObject: CollectedObject {
    /// What `type()` returns.
    var typeName: String { "object" }

    /// What `print` shows.
    var description: String { "<\(typeName)>" }

    /// The names of its methods, for `completions` and `help`.
    var methodNames: [String] { [] }

    /// Whether it has a method of this name: asked at every call of one (a host object answers from its
    /// table, where `methodNames` sorts it).
    func hasMethod(_ name: String) -> Bool { methodNames.contains(name) }

    /// Calls the method `call.name`; nil if the object has no method of that name.
    func callMethod(_ call: NativeCall) throws -> Value? { nil }

    // Awaiting a method directly: `await object.name(…)` without the coroutine the call would make and
    // the await take apart (`AwaitMethodNode`; docs/internals.md, "Node shapes"). An object that offers
    // it has no property of the method's name, and makes its `callMethod` of the name from these
    // three, so the two ways are one code: the checks, then a coroutine of `awaitDirectly`.

    /// The operation `await object.name(…)` runs directly, or nil: the method is called the usual way.
    func directAwait(_ name: String) -> Int? { nil }

    /// The checks of the call's arguments, with the errors `callMethod` throws for them.
    func checkDirectAwait(_ operation: Int, _ call: NativeCall) throws {}

    /// The checked call's result when it is there at once — a write the channel takes, a line that has
    /// arrived — with no async call at all; nil: `awaitDirectly` runs it.
    func awaitNow(_ operation: Int, _ call: NativeCall) throws -> Value? { nil }

    /// What awaiting the coroutine of the checked call does.
    func awaitDirectly(_ operation: Int, _ call: NativeCall) async throws -> Value {
        preconditionFailure("\(typeName) awaits no method directly")
    }

    /// The value of a property that is not a method (`server.port`); nil if there is none.
    func property(_ name: String) throws -> Value? { nil }

    /// `object.name = value`: only objects with settable properties (a host's) have any.
    func setProperty(_ name: String, _ value: Value, line: Int) throws {
        throw ScriptError("Can't set property '\(name)' on \(typeName).", line: line, class: .typeError)
    }
}

extension Runtime {
    /// `object.name`: a property, else the method bound to its object.
    func property(of object: NativeObject, _ name: Token) throws -> Value {
        if let value = try object.property(name.lexeme) { return value }
        guard object.hasMethod(name.lexeme) else { throw noMember(object, name) }
        let method = name.lexeme
        return .native(NativeFunction(method, arity: 0...255) { arguments, context in
            try context.runtime.callMethod(of: object, method, arguments, line: context.line)
        })
    }

    /// Calls the method `method` of `object` (which has one of that name).
    func callMethod(of object: NativeObject, _ method: String, _ arguments: [Value], line: Int) throws -> Value {
        let call = NativeCall(name: method, arguments: arguments, context: CallContext(runtime: self, line: line))
        guard let result = try object.callMethod(call) else {
            throw ScriptError("Undefined property '\(method)' on \(object.typeName).", line: line, class: .nameError)
        }
        return result
    }

    func noMember(_ object: NativeObject, _ name: Token) -> ScriptError {
        ScriptError("Undefined property '\(name.lexeme)' on \(object.typeName).", line: name.line, class: .nameError)
    }
}
