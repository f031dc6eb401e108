/// A Swift type that converts to and from script values: what typed host functions take and return,
/// and what `get(_:as:)` and `set(_:to:)` accept without wrapping in `ScrValue`.
///
/// Int, Double, String, Bool, `ScrValue`, `ScrFunction`, and Optionals, Arrays and String-keyed
/// Dictionaries of convertible types conform; `Codable` types go through `get(_:decoding:)` and
/// `set(_:encoding:)` instead.
public protocol ScrValueConvertible: Sendable {
    /// Converts a script value; throws `ScrConversionError` when it has the wrong type.
    init(scrValue: ScrValue) throws
    var scrValue: ScrValue { get }
}

/// A script value of the wrong type for the Swift type asked for. Raised in a typed host function,
/// it becomes the script's `TypeError` naming the argument.
public struct ScrConversionError: Error, CustomStringConvertible {
    /// What was expected ("a number") and what came ("string").
    public let expected: String
    public let actual: String
    /// Where in the value: "" for the value itself, "[2]" or "[\"port\"]" inside one.
    public var path: String = ""

    public init(expected: String, actual: ScrValue) {
        self.expected = expected
        self.actual = actual.typeName
    }

    public var description: String {
        "Expected \(expected)\(path.isEmpty ? "" : " at \(path)") but got \(actual)."
    }

    func inside(_ step: String) -> ScrConversionError {
        var error = self
        error.path = step + error.path
        return error
    }
}

extension ScrValue {
    /// The script's name for the value's type, as `type()` says it.
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .list: "list"
        case .map: "map"
        case .function: "function"
        case .hostObject(let host): host.typeName
        case .object(let type, _): type
        }
    }
}

extension ScrValue: ScrValueConvertible {
    public init(scrValue: ScrValue) { self = scrValue }
    public var scrValue: ScrValue { self }
}

extension ScrValue {
    /// `converted`, or the error that the value is not `expected`.
    fileprivate func required<T>(_ converted: T?, _ expected: String) throws -> T {
        guard let converted else { throw ScrConversionError(expected: expected, actual: self) }
        return converted
    }

    fileprivate var function: ScrFunction? {
        if case .function(let function) = self { return function }
        return nil
    }
}

extension ScrFunction: ScrValueConvertible {
    public init(scrValue: ScrValue) throws { self = try scrValue.required(scrValue.function, "a function") }
    public var scrValue: ScrValue { .function(self) }
}

extension Double: ScrValueConvertible {
    public init(scrValue: ScrValue) throws { self = try scrValue.required(scrValue.double, "a number") }
    public var scrValue: ScrValue { .number(self) }
}

extension Int: ScrValueConvertible {
    /// A whole number in range; 2.5 is an error, not 2.
    public init(scrValue: ScrValue) throws { self = try scrValue.required(scrValue.int, "a whole number") }
    public var scrValue: ScrValue { .number(Double(self)) }
}

extension String: ScrValueConvertible {
    public init(scrValue: ScrValue) throws { self = try scrValue.required(scrValue.string, "a string") }
    public var scrValue: ScrValue { .string(self) }
}

extension Bool: ScrValueConvertible {
    public init(scrValue: ScrValue) throws { self = try scrValue.required(scrValue.bool, "a bool") }
    public var scrValue: ScrValue { .bool(self) }
}

extension Optional: ScrValueConvertible where Wrapped: ScrValueConvertible {
    /// `nil` is nil; anything else must convert to `Wrapped`.
    public init(scrValue: ScrValue) throws {
        self = scrValue == .nil ? nil : try Wrapped(scrValue: scrValue)
    }
    public var scrValue: ScrValue { self?.scrValue ?? .nil }
}

extension Array: ScrValueConvertible where Element: ScrValueConvertible {
    public init(scrValue: ScrValue) throws {
        guard case .list(let elements) = scrValue else { throw ScrConversionError(expected: "a list", actual: scrValue) }
        self = try elements.enumerated().map { index, element in
            do { return try Element(scrValue: element) } catch let error as ScrConversionError {
                throw error.inside("[\(index)]")
            }
        }
    }
    public var scrValue: ScrValue { .list(map(\.scrValue)) }
}

extension Dictionary: ScrValueConvertible where Key == String, Value: ScrValueConvertible {
    /// A map whose keys are all strings.
    public init(scrValue: ScrValue) throws {
        guard case .map(let entries) = scrValue else { throw ScrConversionError(expected: "a map", actual: scrValue) }
        var result: [String: Value] = [:]
        for entry in entries {
            guard let key = entry.key.string else {
                throw ScrConversionError(expected: "a string key", actual: entry.key)
            }
            do { result[key] = try Value(scrValue: entry.value) } catch let error as ScrConversionError {
                throw error.inside("[\"\(key)\"]")
            }
        }
        self = result
    }
    /// Keys in sorted order, so that the map a script sees does not depend on hashing.
    public var scrValue: ScrValue {
        .map(sorted { $0.key < $1.key }.map { ScrValue.Entry(key: .string($0.key), value: $0.value.scrValue) })
    }
}

extension Interpreter {
    /// Sets the global `name` to `value`, converted (`set("port", to: 8080)`).
    public func set<T: ScrValueConvertible>(_ name: String, to value: T) async {
        await set(name, to: value.scrValue)
    }

    /// The global `name` converted to `T`; throws `ScrConversionError` if it has another type, and a
    /// `nameError` `ScriptError` if it is not defined.
    public func get<T: ScrValueConvertible>(_ name: String, as type: T.Type) async throws -> T {
        guard let value = await get(name) else {
            throw ScriptError("Undefined variable '\(name)'.", line: 0, class: .nameError)
        }
        return try T(scrValue: value)
    }
}

extension Interpreter {
    /// Makes `name` a global function of scripts from a typed Swift function: its arity is the
    /// function's, each argument is converted to its parameter's type, and the result back
    /// (`define("add") { (a: Double, b: Double) in a + b }`). A wrong argument is a script
    /// `TypeError` naming it: `add() argument 2: Expected a number but got string.`
    public func define<each Argument: ScrValueConvertible, Result: ScrValueConvertible>(
        _ name: String, _ function: @escaping @Sendable (repeat each Argument) throws -> Result
    ) async {
        let arity = Interpreter.count(repeat (each Argument).self)
        await define(name, arity: arity...arity) { arguments in
            var index = 0
            let converted = (repeat try Interpreter.argument((each Argument).self, arguments, &index, name))
            return try function(repeat each converted).scrValue
        }
    }

    /// The async form of the typed `define`: `await name(…)` in scripts runs `function`. The
    /// arguments are checked when the script calls it, before anything is awaited.
    public func defineAsync<each Argument: ScrValueConvertible, Result: ScrValueConvertible>(
        _ name: String, _ function: @escaping @concurrent @Sendable (repeat each Argument) async throws -> Result
    ) async {
        let arity = Interpreter.count(repeat (each Argument).self)
        _ = try? await onExecutor { runtime in
            runtime.globals.define(name, .native(NativeFunction.hostAsync(name, arity: arity...arity) { arguments in
                var index = 0
                let converted = (repeat try Interpreter.argument((each Argument).self, arguments, &index, name))
                return { try await function(repeat each converted).scrValue }
            }))
        }
    }

    private static func count<each T>(_ types: repeat (each T).Type) -> Int {
        var count = 0
        for _ in repeat each types { count += 1 }
        return count
    }

    static func argument<T: ScrValueConvertible>(_ type: T.Type, _ arguments: [ScrValue], _ index: inout Int,
                                                         _ function: String) throws -> T {
        defer { index += 1 }
        do {
            return try T(scrValue: arguments[index])
        } catch let error as ScrConversionError {
            throw HostError("\(function)() argument \(index + 1): \(error)", class: .typeError)
        }
    }
}
