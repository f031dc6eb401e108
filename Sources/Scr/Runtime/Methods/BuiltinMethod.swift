/// The methods of strings, lists, maps and tasks. Their names are interned first, right after `init`
/// and `message`, so a call site's symbol maps to a method with a subtraction, not a string lookup.
enum BuiltinMethod: String, CaseIterable {
    // Lists.
    case push, pop, insert, remove, contains, indexOf, slice, join, sort, reverse, map, filter
    // Maps.
    case keys, values, has, get, items, clear
    // Strings.
    case upper, lower, trim, split, startsWith, endsWith, replace
    // Tasks.
    case cancel, done

    static let firstSymbol = 2
    private static let bySymbol = allCases

    init?(symbol: Int) {
        let index = symbol - BuiltinMethod.firstSymbol
        guard BuiltinMethod.bySymbol.indices.contains(index) else { return nil }
        self = BuiltinMethod.bySymbol[index]
    }

    /// The name: the raw value. (`String(describing:)` reflects: 2.6 million instructions at every start.)
    var name: String { rawValue }
}

/// What a built-in method receives.
struct MethodCall {
    let method: BuiltinMethod
    let arguments: [Value]
    let context: CallContext

    var name: String { method.name }

    func error(_ message: String) -> ScriptError { context.error(message) }

    /// A new list, as a method's result.
    func list(_ elements: [Value]) -> Value {
        .list(context.runtime.track(ListObject(elements)))
    }

    /// Checks the number of arguments.
    func expect(_ arity: ClosedRange<Int>) throws {
        guard arity.contains(arguments.count) else {
            throw error("\(name)() " + context.runtime.arityMessage(arity, arguments.count).lowercasedFirst)
        }
    }

    func string(_ index: Int, _ what: String) throws -> String {
        guard case .string(let text) = arguments[index] else {
            throw error("\(name)() takes a string as its \(what), not \(arguments[index].typeName).")
        }
        return text.value
    }

    func integer(_ index: Int, _ what: String) throws -> Int {
        guard case .number(let number) = arguments[index], number == number.rounded(), abs(number) < 1e15 else {
            throw error("\(name)() takes a whole number as its \(what), not \(arguments[index].repr).")
        }
        return Int(number)
    }
}

extension Runtime {
    /// Calls a built-in method; nil if the receiver has no method of that name.
    func callBuiltin(_ receiver: Value, _ symbol: Int, _ arguments: [Value], line: Int) throws -> Value? {
        guard let method = BuiltinMethod(symbol: symbol) else { return nil }
        let call = MethodCall(method: method, arguments: arguments, context: CallContext(runtime: self, line: line))
        switch receiver {
        case .list(let list): return try list.call(call)
        case .map(let map): return try map.call(call)
        case .string(let text): return try StringMethods.call(text.value, call)
        case .task(let task): return try task.call(call)
        default: return nil
        }
    }

    /// `receiver.name` as a value: the built-in method bound to its receiver, or nil.
    func builtinMethod(of receiver: Value, _ symbol: Int) -> Value? {
        guard let method = BuiltinMethod(symbol: symbol), receiver.hasBuiltinMethods else { return nil }
        return .native(NativeFunction(method.name, arity: 0...255) { arguments, context in
            guard let result = try context.runtime.callBuiltin(receiver, symbol, arguments, line: context.line) else {
                throw context.error("Only instances have properties.")
            }
            return result
        })
    }
}

extension Value {
    fileprivate var hasBuiltinMethods: Bool {
        switch self {
        case .list, .map, .string, .task: true
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
