/// Reading and writing properties.
extension Runtime {
    /// `object.name`: a field, else a method bound to the object, else a built-in method of a string,
    /// list or map.
    func property(of object: Value, _ symbol: Int, _ name: Token) throws -> Value {
        switch object {
        case .instance(let instance):
            if let field = instance.field(symbol) { return field }
            if let method = instance.klass.findMethod(symbol) {
                return .boundMethod(BoundMethod(receiver: object, method: method))
            }
            throw ScriptError("Undefined property '\(name.lexeme)'.", line: name.line)
        default:
            if let method = builtinMethod(of: object, name.lexeme) { return method }
            throw ScriptError("Only instances have properties.", line: name.line)
        }
    }
}
