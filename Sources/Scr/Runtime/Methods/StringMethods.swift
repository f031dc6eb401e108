enum StringMethods {
    static func call(_ text: String, _ call: MethodCall) throws -> Value? {
        switch call.method {
        case .upper:
            try call.expect(0...0)
            return .string(text.uppercased())
        case .lower:
            try call.expect(0...0)
            return .string(text.lowercased())
        case .trim:
            try call.expect(0...0)
            return .string(text.trimmingWhitespace)
        case .split:
            try call.expect(0...1)
            if call.arguments.isEmpty {
                let words = text.split(whereSeparator: { $0.isWhitespace }).map { Value.string(String($0)) }
                return call.list(words)
            }
            let separator = try call.string(0, "separator")
            guard !separator.isEmpty else { throw call.error("split() separator can't be empty.", class: .valueError) }
            return call.list(text.split(separator: separator, omittingEmptySubsequences: false)
                .map { .string(String($0)) })
        case .contains:
            try call.expect(1...1)
            let part = try call.string(0, "argument")
            return .bool(part.isEmpty || text.contains(part))
        case .startsWith:
            try call.expect(1...1)
            return .bool(text.hasPrefix(try call.string(0, "prefix")))
        case .endsWith:
            try call.expect(1...1)
            return .bool(text.hasSuffix(try call.string(0, "suffix")))
        case .replace:
            try call.expect(2...2)
            let old = try call.string(0, "first argument")
            let new = try call.string(1, "second argument")
            guard !old.isEmpty else { throw call.error("replace() can't replace an empty string.", class: .valueError) }
            return .string(text.replacing(old, with: new))
        case .indexOf:
            try call.expect(1...1)
            let part = try call.string(0, "argument")
            guard let range = text.firstRange(of: part) else { return .number(-1) }
            return .number(Double(text.distance(from: text.startIndex, to: range.lowerBound)))
        case .slice:
            try call.expect(1...2)
            let characters = Array(text)
            return .string(String(characters[try sliceRange(call, count: characters.count)]))
        default:
            return nil
        }
    }
}
