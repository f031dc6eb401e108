/// Calling the built-in methods of strings, lists, maps and tasks.
extension Runtime {
    /// Calls a built-in method; nil if the receiver has no method of that name.
    func callBuiltin(_ receiver: Value, _ symbol: Int, _ arguments: [Value], line: Int) throws -> Value? {
        guard let method = BuiltinMethod(symbol: symbol) else { return nil }
        let call = MethodCall(method: method, arguments: arguments, context: CallContext(runtime: self, line: line))
        switch receiver {
        case .list(let list): return try list.call(call)
        case .map(let map): return try map.call(call)
        case .string(let text): return try StringMethods.call(text, call)
        case .task(let task): return try task.call(call)
        default: return nil
        }
    }

    /// The error `receiver.name` is when the value has no built-in method of that name: a call
    /// checks it before evaluating its arguments, as reading the property first would.
    func requireBuiltinMethod(_ receiver: Value, _ symbol: Int, _ name: Token) throws {
        guard BuiltinMethod.exists(symbol: symbol, on: receiver) else { throw noProperty(receiver, name) }
    }

    /// `receiver.name` as a value: the built-in method bound to its receiver, or nil. `map.push` is
    /// then the same "Undefined property 'push' on map." whether it is called at once or read first.
    func builtinMethod(of receiver: Value, _ symbol: Int) -> Value? {
        guard BuiltinMethod.exists(symbol: symbol, on: receiver), let method = BuiltinMethod(symbol: symbol) else {
            return nil
        }
        return .native(NativeFunction(method.name, arity: 0...255) { arguments, context in
            guard let result = try context.runtime.callBuiltin(receiver, symbol, arguments, line: context.line) else {
                throw context.error("Only instances have properties.")
            }
            return result
        })
    }
}

extension Value {
    /// Whether `value.name` is looked up by name (fields and methods, module members, a native
    /// object's members) rather than among the built-in methods of lists, maps, strings and tasks.
    var hasProperties: Bool {
        switch self {
        case .instance, .module, .object: true
        default: false
        }
    }
}

extension String {
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}

extension TaskObject {
    func call(_ call: MethodCall) throws -> Value? {
        switch call.method {
        case .cancel:
            try call.expect(0...0)
            signal(.cancelled)
            return .nil
        case .done:
            try call.expect(0...0)
            return .bool(isDone)
        default:
            return nil
        }
    }
}
