extension Value {
    /// Containers nested deeper than this print as `[...]` / `{...}`, as a container inside itself
    /// does: printing stays linear in what it prints, and its recursion bounded (docs/language.md).
    static let maxPrintDepth = 1_000

    /// The text `print` shows, exactly as jlox's `stringify` for Lox values.
    public var description: String {
        if case .string(let s) = self { return s.value }
        var printer = Printer()
        printer.write(self, quoted: false)
        return printer.output
    }

    /// The value as source would write it: strings in quotes, like an element inside a list.
    public var repr: String {
        var printer = Printer()
        printer.write(self, quoted: true)
        return printer.output
    }

    /// What the REPL echoes: `repr`, with at most `elements` elements of each list or map, the
    /// rest counted (`[0, 1, 2, … 9,997 more]`), and strings cut after `characters` (`.full` shows
    /// all). Printing stays bounded by what is shown, not by the size of the value.
    func abbreviatedRepr(elements: Int = 100, characters: Int = 10_000) -> String {
        var printer = Printer(elementLimit: elements, characterLimit: characters)
        printer.write(self, quoted: true)
        return printer.output
    }

    /// Writes values into one string (a nested container is not made into a string of its own and
    /// copied into its parent's, which made printing quadratic in the depth).
    private struct Printer {
        var output = ""
        /// The containers being printed, outermost first.
        var open: Set<ObjectIdentifier> = []
        var elementLimit = Int.max
        var characterLimit = Int.max

        init(elementLimit: Int = .max, characterLimit: Int = .max) {
            self.elementLimit = elementLimit
            self.characterLimit = characterLimit
        }

        /// `, … 9,997 more` after the elements shown of `count`.
        mutating func writeMore(_ count: Int) {
            guard count > elementLimit else { return }
            output += (elementLimit > 0 ? ", " : "") + "… \(Traceback.grouped(count - elementLimit)) more"
        }

        mutating func write(_ value: Value, quoted: Bool) {
            switch value {
            case .list(let list):
                writeContainer(list, "[", "]") { printer in
                    for (index, element) in list.elements.prefix(printer.elementLimit).enumerated() {
                        if index > 0 { printer.output += ", " }
                        printer.write(element, quoted: true)
                    }
                    printer.writeMore(list.elements.count)
                }
            case .map(let map):
                writeContainer(map, "{", "}") { printer in
                    var first = true
                    for (key, element) in map.entries.prefix(printer.elementLimit) {
                        if !first { printer.output += ", " }
                        first = false
                        printer.write(key, quoted: true)
                        printer.output += ": "
                        printer.write(element, quoted: true)
                    }
                    printer.writeMore(map.entries.count)
                }
            case .string(let s) where s.value.utf8.count > characterLimit && s.value.count > characterLimit:
                let more = s.value.count - characterLimit
                let shown = String(s.value.prefix(characterLimit))
                output += (quoted ? Value.quote(shown) : shown) + "… \(Traceback.grouped(more)) more characters"
            case .string(let s): output += quoted ? quote(s.value) : s.value
            default: output += Value.describeAtom(value)
            }
        }

        /// A container already being printed further up, or nested past `maxPrintDepth`, shows as
        /// `[...]` / `{...}`, as in Python.
        private mutating func writeContainer(_ object: AnyObject, _ openText: String, _ close: String,
                                             _ contents: (inout Printer) -> Void)
        {
            let id = ObjectIdentifier(object)
            guard open.count < Value.maxPrintDepth, open.insert(id).inserted else {
                output += openText + "..." + close
                return
            }
            output += openText
            contents(&self)
            output += close
            open.remove(id)
        }
    }

    /// The text of a value that is not a container.
    private static func describeAtom(_ value: Value) -> String {
        switch value {
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return NumberFormatting.format(n)
        case .string(let s): return s.value
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
        case .list: return "[...]"
        case .map: return "{...}"
        }
    }

    fileprivate static func quote(_ s: String) -> String {
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
