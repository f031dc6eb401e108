extension Value {
    /// The text `print` shows, exactly as jlox's `stringify` for Lox values.
    public var description: String {
        var visiting: [ObjectIdentifier] = []
        return Value.describe(self, quoted: false, visiting: &visiting)
    }

    /// The text the REPL echoes: strings in quotes, like an element inside a list.
    public var repr: String {
        var visiting: [ObjectIdentifier] = []
        return Value.describe(self, quoted: true, visiting: &visiting)
    }

    private static func describe(_ value: Value, quoted: Bool, visiting: inout [ObjectIdentifier]) -> String {
        switch value {
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return NumberFormatting.format(n)
        case .string(let s): return quoted ? quote(s.value) : s.value
        case .function(let closure):
            return closure.code.name == FunctionDecl.anonymousName ? "<fn>" : "<fn \(closure.code.name)>"
        case .boundMethod(let bound): return "<fn \(bound.method.code.name)>"
        case .native: return "<native fn>"
        case .class(let klass): return klass.name
        case .instance(let instance): return "\(instance.klass.name) instance"
        case .coroutine(let coroutine): return "<coroutine \(coroutine.name)>"
        case .task(let task): return "<task \(task.name)>"
        case .module(let module): return "<module \(module.name)>"
        case .object(let object): return object.description
        case .list(let list):
            return describeContainer(list, open: "[", close: "]", visiting: &visiting) { visiting in
                list.elements.map { describe($0, quoted: true, visiting: &visiting) }
            }
        case .map(let map):
            return describeContainer(map, open: "{", close: "}", visiting: &visiting) { visiting in
                map.entries.map {
                    describe($0.key, quoted: true, visiting: &visiting) + ": "
                        + describe($0.value, quoted: true, visiting: &visiting)
                }
            }
        }
    }

    /// A container that is already being printed further up shows as `[...]` / `{...}`, as in Python.
    private static func describeContainer(
        _ object: AnyObject, open: String, close: String, visiting: inout [ObjectIdentifier],
        parts: (inout [ObjectIdentifier]) -> [String]
    ) -> String {
        let id = ObjectIdentifier(object)
        if visiting.contains(id) { return open + "..." + close }
        visiting.append(id)
        defer { visiting.removeLast() }
        return open + parts(&visiting).joined(separator: ", ") + close
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
