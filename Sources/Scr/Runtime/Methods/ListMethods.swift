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
            try call.expect(0...1)
            elements = try Sorting.sort(elements, comparator: call.count > 0 ? try call.callable(0, "comparator") : nil, call)
            return .nil
        case .sortBy:
            try call.expect(1...1)
            let key = try call.callable(0, "key")
            let snapshot = elements
            let keys = try snapshot.map { try call.call(key, [$0]) }
            elements = try Sorting.order(keys, call).map { snapshot[$0] }
            return .nil
        case .reverse:
            try call.expect(0...0)
            elements.reverse()
            return .nil
        case .reversed:
            try call.expect(0...0)
            return call.list(elements.reversed())
        // The callbacks below run over a copy: they are script code, which may change the list
        // meanwhile (and `elements` is not checked for exclusive access; see Confined.swift).
        case .map:
            try call.expect(1...1)
            let function = try call.callable(0, "function")
            let snapshot = elements
            return call.list(try snapshot.map { try call.call(function, [$0]) })
        case .filter:
            try call.expect(1...1)
            let function = try call.callable(0, "function")
            let snapshot = elements
            return call.list(try snapshot.filter { try call.call(function, [$0]).isTruthy })
        case .reduce:
            try call.expect(1...2)
            let function = try call.callable(0, "function")
            var snapshot = elements[...]
            guard var result = call.count > 1 ? arguments[1] : snapshot.popFirst() else {
                throw call.valueError("reduce() of an empty list needs an initial value.")
            }
            for element in snapshot { result = try call.call(function, [result, element]) }
            return result
        case .find:
            try call.expect(1...1)
            let function = try call.callable(0, "function")
            let snapshot = elements
            return try snapshot.first { try call.call(function, [$0]).isTruthy } ?? .nil
        case .any, .all:
            try call.expect(0...1)
            let function = call.count > 0 ? try call.callable(0, "function") : nil
            let snapshot = elements
            let test = { (element: Value) throws -> Bool in
                try function.map { try call.call($0, [element]).isTruthy } ?? element.isTruthy
            }
            return .bool(call.method == .any ? try snapshot.contains(where: test) : try snapshot.allSatisfy(test))
        case .sum:
            try call.expect(0...0)
            var total = 0.0
            for (index, element) in elements.enumerated() {
                guard case .number(let number) = element else {
                    throw call.error("sum() takes a list of numbers, not \(element.typeName) at index \(index).")
                }
                total += number
            }
            return .number(total)
        case .min, .max:
            try call.expect(0...0)
            guard var best = elements.first else { throw call.valueError("\(call.name)() of an empty list.") }
            let line = call.context.line
            for element in elements.dropFirst() {
                let better = call.method == .min ? try Comparison.less(element, best, line: line)
                                                 : try Comparison.less(best, element, line: line)
                if better { best = element }
            }
            return best
        case .clear:
            try call.expect(0...0)
            elements.removeAll()
            return .nil
        case .copy:
            try call.expect(0...0)
            return call.list(elements)
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

/// Ordering for `sort()`, `min()`, `max()`: numbers with numbers, strings with strings.
enum Comparison {
    static func less(_ a: Value, _ b: Value, line: Int) throws -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.string(let x), .string(let y)): return x.value.precedesText(y.value)
        default: throw ScriptError("Can't compare \(a.typeName) with \(b.typeName).", line: line, class: .typeError)
        }
    }
}
