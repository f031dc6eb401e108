/// The methods of strings, lists, maps and tasks. Their names are interned first, right after `init`
/// and `message`, so a call site's symbol maps to a method with a subtraction, not a string lookup.
enum BuiltinMethod: String, CaseIterable {
    // Lists (and, where the name fits, strings and maps).
    case push, pop, insert, remove, contains, indexOf, slice, join, sort, reverse, map, filter
    case sortBy, reduce, find, any, all, reversed, sum, min, max, copy
    // Maps.
    case keys, values, has, get, items, clear, merge
    // Strings.
    case upper, lower, trim, trimStart, trimEnd, split, startsWith, endsWith, replace, padStart, padEnd
    case `repeat`, chars, codePoint, isDigit, isAlpha, isSpace
    // Tasks.
    case cancel, done

    static let firstSymbol = 2
    private static let bySymbol = allCases

    init?(symbol: Int) {
        let index = symbol - BuiltinMethod.firstSymbol
        guard BuiltinMethod.bySymbol.indices.contains(index) else { return nil }
        self = BuiltinMethod.bySymbol[index]
    }

    /// The methods of each kind of receiver: what completion offers, and what `value.name` finds.
    static let ofStrings: [BuiltinMethod] = [
        .upper, .lower, .trim, .trimStart, .trimEnd, .split, .join, .contains, .startsWith, .endsWith, .replace,
        .indexOf, .find, .slice, .padStart, .padEnd, .repeat, .chars, .codePoint, .isDigit, .isAlpha, .isSpace,
    ]
    static let ofLists: [BuiltinMethod] = [
        .push, .pop, .insert, .remove, .contains, .indexOf, .slice, .join, .sort, .sortBy, .reverse, .reversed,
        .map, .filter, .reduce, .find, .any, .all, .sum, .min, .max, .clear, .copy,
    ]
    static let ofMaps: [BuiltinMethod] = [.keys, .values, .items, .has, .contains, .get, .remove, .clear, .copy, .merge]
    static let ofTasks: [BuiltinMethod] = [.cancel, .done]

    /// Whether a value of `value`'s kind has the method whose name is `symbol`: two array reads and a
    /// mask, for `InvokeNode` asks before evaluating the arguments of every built-in call (a scan of
    /// the lists above would cost a comparison per method).
    static func exists(symbol: Int, on value: Value) -> Bool {
        let index = symbol - firstSymbol
        guard kindsBySymbol.indices.contains(index) else { return false }
        return kindsBySymbol[index] & kind(of: value) != 0
    }

    /// The kinds of value that have each method, a bit each (`kind(of:)`), by the method's symbol.
    private static let kindsBySymbol: [UInt8] = bySymbol.map { method in
        (ofLists.contains(method) ? 1 : 0) | (ofMaps.contains(method) ? 2 : 0)
            | (ofStrings.contains(method) ? 4 : 0) | (ofTasks.contains(method) ? 8 : 0)
    }

    private static func kind(of value: Value) -> UInt8 {
        switch value {
        case .list: 1
        case .map: 2
        case .string: 4
        case .task: 8
        default: 0
        }
    }

    /// The name: the raw value. (`String(describing:)` reflects: 2.6 million instructions at every start.)
    var name: String { rawValue }
}

/// What a built-in method receives (its checks: `ArgumentChecking`).
struct MethodCall: ArgumentChecking {
    let method: BuiltinMethod
    let arguments: [Value]
    let context: CallContext

    var name: String { method.name }
}
