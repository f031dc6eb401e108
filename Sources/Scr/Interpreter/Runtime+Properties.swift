/// Reading and writing properties.
extension Runtime {
    /// `object.name`: a field, else a method bound to the object, else a built-in method of a string,
    /// list or map.
    func property(of object: Value, _ symbol: Int, _ name: Token) throws -> Value {
        switch object {
        case .instance(let instance):
            if let field = instance.field(symbol) { return field }
            if let method = instance.klass.findMethod(symbol) {
                return .boundMethod(track(BoundMethod(receiver: object, method: method)))
            }
            throw ScriptError("Undefined property '\(name.lexeme)'.", line: name.line, class: .nameError)
        case .module(let module):
            return try moduleMember(module, name)
        case .object(let object):
            return try property(of: object, name)
        default:
            if let method = builtinMethod(of: object, symbol) { return method }
            throw noProperty(object, name)
        }
    }
}

extension Runtime {
    /// `receiver.name(arguments)` on a list, map, string or task (`Value.hasProperties` is false).
    func invokeBuiltin(_ receiver: Value, _ symbol: Int, _ name: Token, _ arguments: [Value], line: Int) throws -> Value {
        if let result = try callBuiltin(receiver, symbol, arguments, line: line) { return result }
        throw noProperty(receiver, name)
    }

    /// jlox's error for a property of a Lox value that is not an instance; lists, maps and tasks have
    /// methods, so for them the name is what is wrong.
    func noProperty(_ receiver: Value, _ name: Token) -> ScriptError {
        switch receiver {
        case .list, .map, .task:
            ScriptError("Undefined property '\(name.lexeme)' on \(receiver.typeName).", line: name.line,
                        class: .nameError)
        default:
            ScriptError("Only instances have properties.", line: name.line, class: .typeError)
        }
    }
}
