/// What a native function or a built-in method receives, and the checks each makes of its arguments.
/// A value of the wrong type is a `TypeError`, a value out of range a `ValueError`, and both name the
/// function and the argument: `padStart() takes a whole number as its width, not "a".`
protocol ArgumentChecking {
    /// The function's name, as messages show it (`padStart`).
    var name: String { get }
    var arguments: [Value] { get }
    var context: CallContext { get }
}

/// A call of a library native (see `NativeFunction.library`).
struct NativeCall: ArgumentChecking {
    let name: String
    let arguments: [Value]
    let context: CallContext

    var runtime: Runtime { context.runtime }
}

extension NativeFunction {
    /// A native of the standard library, whose body checks its arguments through `NativeCall`.
    static func library(_ name: String, _ arity: ClosedRange<Int>, _ body: @escaping (NativeCall) throws -> Value)
        -> NativeFunction
    {
        NativeFunction(name, arity: arity) { arguments, context in
            try body(NativeCall(name: name, arguments: arguments, context: context))
        }
    }

    static func library(_ name: String, _ arity: Int, _ body: @escaping (NativeCall) throws -> Value) -> NativeFunction {
        library(name, arity...arity, body)
    }
}

extension ArgumentChecking {
    var count: Int { arguments.count }

    func error(_ message: String, class errorClass: ScriptError.ErrorClass = .typeError) -> ScriptError {
        context.error(message, class: errorClass)
    }

    /// A `ValueError`: an argument of the right type but not a value the function can take.
    func valueError(_ message: String) -> ScriptError {
        context.error(message, class: .valueError)
    }

    /// Checks the number of arguments (natives are checked by their arity; methods check here).
    func expect(_ arity: ClosedRange<Int>) throws {
        guard arity.contains(arguments.count) else {
            throw error("\(name)() " + context.runtime.arityMessage(arity, arguments.count).lowercasedFirst)
        }
    }

    private func wrongType(_ index: Int, _ expected: String, _ what: String) -> ScriptError {
        error("\(name)() takes \(expected) as its \(what), not \(arguments[index].typeName).")
    }

    func number(_ index: Int, _ what: String = "argument") throws -> Double {
        guard case .number(let number) = arguments[index] else { throw wrongType(index, "a number", what) }
        return number
    }

    /// A whole number small enough to be exact (below 2^53 in size).
    func integer(_ index: Int, _ what: String = "argument") throws -> Int {
        guard case .number(let number) = arguments[index], number == number.rounded(), abs(number) < 9.007e15 else {
            throw wrongType(index, "a whole number", what)
        }
        return Int(number)
    }

    func string(_ index: Int, _ what: String = "argument") throws -> String {
        guard case .string(let text) = arguments[index] else { throw wrongType(index, "a string", what) }
        return text.value
    }

    func stringObject(_ index: Int, _ what: String = "argument") throws -> StringObject {
        guard case .string(let text) = arguments[index] else { throw wrongType(index, "a string", what) }
        return text
    }

    func bool(_ index: Int, _ what: String = "argument") throws -> Bool {
        guard case .bool(let flag) = arguments[index] else { throw wrongType(index, "true or false", what) }
        return flag
    }

    func list(_ index: Int, _ what: String = "argument") throws -> ListObject {
        guard case .list(let list) = arguments[index] else { throw wrongType(index, "a list", what) }
        return list
    }

    func map(_ index: Int, _ what: String = "argument") throws -> MapObject {
        guard case .map(let map) = arguments[index] else { throw wrongType(index, "a map", what) }
        return map
    }

    /// A value that can be called: a function, a bound method, a native or a class.
    func callable(_ index: Int, _ what: String = "argument") throws -> Value {
        switch arguments[index] {
        case .function, .boundMethod, .native, .class: return arguments[index]
        default: throw wrongType(index, "a function", what)
        }
    }

    /// The argument at `index` if it was passed and is not nil.
    func optional(_ index: Int) -> Value? {
        guard index < arguments.count, case let value = arguments[index], value != .nil else { return nil }
        return value
    }

    /// Calls a script function with `arguments`.
    func call(_ function: Value, _ arguments: [Value]) throws -> Value {
        try context.runtime.call(function, arguments, line: context.line)
    }

    /// A new list, as a result.
    func list(_ elements: [Value]) -> Value {
        .list(context.runtime.track(ListObject(elements)))
    }

    /// A new map, as a result.
    func map(_ entries: [(String, Value)]) -> Value {
        let map = MapObject()
        for (key, value) in entries { map.entries[.string(key)] = value }
        return .map(context.runtime.track(map))
    }

    /// An awaitable result: a coroutine that runs `body` in the task that awaits it.
    func awaitable(_ body: @escaping () async throws -> Value) -> Value {
        .coroutine(Coroutine(name: name, body: body))
    }
}
