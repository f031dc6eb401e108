/// `math`: rounding, elementary functions, constants and number formatting. `abs`, `min`, `max`,
/// `round`, `floor` and `ceil` are globals too.
enum MathLibrary {
    /// The members that are globals too.
    static func preludeMembers() -> [(String, Value)] {
        [
            unary("floor") { $0.rounded(.down) },
            unary("ceil") { $0.rounded(.up) },
            unary("abs") { Swift.abs($0) },
            native("round", 1...2) { call in
                let x = try call.number(0, "argument")
                guard call.count > 1 else { return .number(x.rounded(.toNearestOrAwayFromZero)) }
                let digits = try call.integer(1, "digits")
                guard x.isFinite else { return .number(x) }
                return .number(DecimalText(x).rounded(fractionDigits: digits).value)
            },
            native("min", 1...255) { call in try extreme(call, less: true) },
            native("max", 1...255) { call in try extreme(call, less: false) },
        ]
    }

    static func members(_ runtime: Runtime) -> [(String, Value)] {
        preludeMembers() + [
            unary("trunc") { $0.rounded(.towardZero) },
            unary("sqrt") { $0.squareRoot() },
            unary("exp", CMath.exp),
            unary("sin", CMath.sin), unary("cos", CMath.cos), unary("tan", CMath.tan),
            unary("asin", CMath.asin), unary("acos", CMath.acos), unary("atan", CMath.atan),
            unary("log2", CMath.log2), unary("log10", CMath.log10),
            native("log", 1...2) { call in
                let x = try call.number(0, "argument")
                guard call.count > 1 else { return .number(CMath.log(x)) }
                return .number(CMath.log(x) / CMath.log(try call.number(1, "base")))
            },
            binary("pow", CMath.pow),
            binary("atan2", CMath.atan2),
            binary("hypot", CMath.hypot),
            native("clamp", 3) { call in
                let (x, low, high) = (try call.number(0, "value"), try call.number(1, "low"), try call.number(2, "high"))
                guard low <= high else { throw call.valueError("clamp() low \(NumberFormatting.format(low)) is above high \(NumberFormatting.format(high)).") }
                return .number(Swift.min(Swift.max(x, low), high))
            },
            native("div", 2) { call in
                let (a, b) = (try call.number(0, "dividend"), try call.number(1, "divisor"))
                guard b != 0 else { throw call.valueError("div() by zero.") }
                return .number((a / b).rounded(.down))
            },
            native("isNaN", 1) { call in .bool(try call.number(0, "argument").isNaN) },
            native("isFinite", 1) { call in .bool(try call.number(0, "argument").isFinite) },
            native("isInteger", 1) { call in
                guard case .number(let x) = call.arguments[0] else { return .bool(false) }
                return .bool(x.isFinite && x == x.rounded())
            },
            native("toFixed", 2) { call in
                let x = try call.number(0, "argument")
                let digits = try call.integer(1, "digits")
                guard (0...100).contains(digits) else { throw call.valueError("toFixed() digits must be 0 to 100, not \(digits).") }
                return .string(NumberFormatSpec(".\(digits)f")!.format(x)!)
            },
            native("format", 2) { call in
                let x = try call.number(0, "argument")
                let text = try call.string(1, "spec")
                guard let spec = NumberFormatSpec(text) else { throw call.valueError("format() spec \"\(text)\" is not valid.") }
                guard let formatted = spec.format(x) else {
                    throw call.valueError("format() spec \"\(text)\" takes a whole number, not \(NumberFormatting.format(x)).")
                }
                return .string(formatted)
            },
            ("pi", .number(Double.pi)),
            ("e", .number(2.718281828459045)),
            ("inf", .number(Double.infinity)),
            ("nan", .number(Double.nan)),
        ]
    }

    private static func unary(_ name: String, _ function: @escaping (Double) -> Double) -> (String, Value) {
        native(name, 1) { call in .number(function(try call.number(0, "argument"))) }
    }

    private static func binary(_ name: String, _ function: @escaping (Double, Double) -> Double) -> (String, Value) {
        native(name, 2) { call in .number(function(try call.number(0, "first argument"), try call.number(1, "second argument"))) }
    }

    /// `min(a, b, …)` / `max(…)`, or of one list: numbers with numbers, strings with strings.
    private static func extreme(_ call: NativeCall, less: Bool) throws -> Value {
        var values = call.arguments
        if values.count == 1 {
            values = try call.list(0, "argument").elements
            guard !values.isEmpty else { throw call.valueError("\(call.name)() of an empty list.") }
        }
        var best = values[0]
        for value in values.dropFirst() {
            let better = less ? try Comparison.less(value, best, line: call.context.line)
                              : try Comparison.less(best, value, line: call.context.line)
            if better { best = value }
        }
        return best
    }
}
