/// `str`, `num`, `type` and `len`: converting and inspecting values.
extension Natives {
    static func installConversions(in runtime: Runtime) {
        let natives: [NativeFunction] = [
            NativeFunction("str") { argument, _ in .string(argument.description) },
            NativeFunction("type") { argument, _ in .string(argument.typeName) },
            NativeFunction("num") { argument, context in
                switch argument {
                case .number: return argument
                case .bool(let b): return .number(b ? 1 : 0)
                case .string(let text):
                    let trimmed = text.value.trimmingWhitespace
                    guard let number = Double(trimmed), !trimmed.isEmpty else {
                        throw context.error("Can't convert \(argument.repr) to a number.", class: .valueError)
                    }
                    return .number(number)
                default:
                    throw context.error("Can't convert \(argument.typeName) to a number.")
                }
            },
            runtime.lenNative,
            NativeFunction("input", arity: 0...1) { arguments, context in
                if let prompt = arguments.first { context.runtime.writeOutput(prompt.description) }
                context.runtime.flushOutput()
                return readLine().map(Value.string) ?? .nil
            },
        ]
        for native in natives {
            runtime.globals.define(native.name, .native(native))
        }
    }

    /// `len`, made with the runtime: `LenNode` knows it by identity.
    static func makeLen() -> NativeFunction {
        NativeFunction("len") { argument, context in
            switch argument {
            case .string(let text): return .number(Double(text.count))
            case .list(let list): return .number(Double(list.elements.count))
            case .map(let map): return .number(Double(map.entries.count))
            default: throw context.error("len() takes a string, list or map, not \(argument.typeName).")
            }
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
