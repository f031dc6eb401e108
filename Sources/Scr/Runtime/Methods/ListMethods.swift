extension ListObject {
    func call(_ call: MethodCall) throws -> Value? {
        let arguments = call.arguments
        switch call.method {
        case .push:
            try call.expect(1...1)
            elements.append(arguments[0])
            return .nil
        case .pop:
            try call.expect(0...0)
            guard let last = elements.popLast() else { throw call.error("pop() from an empty list.", class: .indexError) }
            return last
        case .insert:
            try call.expect(2...2)
            let index = try call.integer(0, "index")
            let position = index < 0 ? index + elements.count : index
            guard position >= 0 && position <= elements.count else {
                throw call.error("Index \(index) out of range for list of length \(elements.count).", class: .indexError)
            }
            elements.insert(arguments[1], at: position)
            return .nil
        case .remove:
            try call.expect(1...1)
            let position = try Indexing.position(arguments[0], count: elements.count, of: "list", line: call.context.line)
            return elements.remove(at: position)
        case .contains:
            try call.expect(1...1)
            return .bool(elements.contains(arguments[0]))
        case .indexOf:
            try call.expect(1...1)
            return .number(elements.firstIndex(of: arguments[0]).map(Double.init) ?? -1)
        case .slice:
            try call.expect(1...2)
            let range = try sliceRange(call, count: elements.count)
            return call.list(Array(elements[range]))
        case .join:
            try call.expect(0...1)
            let separator = arguments.isEmpty ? "" : try call.string(0, "separator")
            return .string(elements.map(\.description).joined(separator: separator))
        case .sort:
            try call.expect(0...0)
            try elements.sort { try Comparison.less($0, $1, line: call.context.line) }
            return .nil
        case .reverse:
            try call.expect(0...0)
            elements.reverse()
            return .nil
        case .map:
            // Over a copy: the callback is script code, which may change the list meanwhile (and
            // `elements` is not checked for exclusive access; see Confined.swift).
            try call.expect(1...1)
            let runtime = call.context.runtime
            let snapshot = elements
            return call.list(try snapshot.map { try runtime.call(arguments[0], [$0], line: call.context.line) })
        case .filter:
            try call.expect(1...1)
            let runtime = call.context.runtime
            let snapshot = elements
            return call.list(try snapshot.filter {
                try runtime.call(arguments[0], [$0], line: call.context.line).isTruthy
            })
        default:
            return nil
        }
    }
}

/// `slice(start, end)` bounds, Python-style: negative positions count from the end, out-of-range ones
/// are clamped.
func sliceRange(_ call: MethodCall, count: Int) throws -> Range<Int> {
    func clamp(_ position: Int) -> Int { min(max(position < 0 ? position + count : position, 0), count) }
    let start = clamp(try call.integer(0, "start"))
    let end = call.arguments.count > 1 ? clamp(try call.integer(1, "end")) : count
    return start..<max(start, end)
}

/// Ordering for `sort()`: numbers with numbers, strings with strings.
enum Comparison {
    static func less(_ a: Value, _ b: Value, line: Int) throws -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.string(let x), .string(let y)): return x.value < y.value
        default: throw ScriptError("Can't compare \(a.typeName) with \(b.typeName).", line: line, class: .typeError)
        }
    }
}
