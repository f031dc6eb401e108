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

    func error(_ message: String, class errorClass: ScriptError.ErrorClass = .typeError) -> ScriptError {
        context.error(message, class: errorClass)
    }

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
