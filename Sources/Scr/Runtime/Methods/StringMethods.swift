/// The methods of strings. Positions count Unicode scalars, as `len` and indexing do (Text.swift).
enum StringMethods {
    static func call(_ string: StringObject, _ call: MethodCall) throws -> Value? {
        let text = string.value
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
        case .trimStart:
            try call.expect(0...0)
            let scalars = text.unicodeScalars
            return .string(String(scalars[(scalars.firstIndex { !$0.isSpace } ?? scalars.endIndex)...]))
        case .trimEnd:
            try call.expect(0...0)
            let scalars = text.unicodeScalars
            guard let last = scalars.lastIndex(where: { !$0.isSpace }) else { return .string("") }
            return .string(String(scalars[...last]))
        case .split:
            try call.expect(0...1)
            if call.arguments.isEmpty {
                let words = text.unicodeScalars.split(whereSeparator: \.isSpace).map { Value.string(String($0)) }
                return call.list(words)
            }
            let separator = try call.string(0, "separator")
            guard !separator.isEmpty else { throw call.valueError("split() separator can't be empty.") }
            return call.list(text.splitText(by: separator).map { .string($0) })
        case .join:
            try call.expect(1...1)
            let list = try call.list(0, "argument")
            return .string(list.elements.map(\.description).joined(separator: text))
        case .contains:
            try call.expect(1...1)
            let part = try call.string(0, "argument")
            return .bool(part.isEmpty || !text.byteRanges(of: part, limit: 1).isEmpty)
        case .startsWith:
            try call.expect(1...1)
            return .bool(text.utf8.starts(with: try call.string(0, "prefix").utf8))
        case .endsWith:
            try call.expect(1...1)
            return .bool(text.utf8.reversed().starts(with: try call.string(0, "suffix").utf8.reversed()))
        case .replace:
            try call.expect(2...2)
            let old = try call.string(0, "first argument")
            let new = try call.string(1, "second argument")
            guard !old.isEmpty else { throw call.valueError("replace() can't replace an empty string.") }
            return .string(text.replacingBytes(text.byteRanges(of: old), with: new))
        case .indexOf, .find:
            try call.expect(1...2)
            return .number(Double(try indexOf(string, call)))
        case .slice:
            try call.expect(1...2)
            return .string(string.slice(try sliceRange(call, count: string.count)))
        case .padStart, .padEnd:
            try call.expect(1...2)
            let width = try call.integer(0, "width")
            let fill = call.count > 1 ? try call.string(1, "fill") : " "
            guard !fill.isEmpty else { throw call.valueError("\(call.name)() fill can't be empty.") }
            let missing = width - string.count
            guard missing > 0 else { return .string(text) }
            let fillScalars = Array(fill.unicodeScalars)
            var padding = String.UnicodeScalarView()
            for index in 0..<missing { padding.append(fillScalars[index % fillScalars.count]) }
            return .string(call.method == .padStart ? String(padding) + text : text + String(padding))
        case .repeat:
            try call.expect(1...1)
            let times = try call.integer(0, "count")
            guard times >= 0 else { throw call.valueError("repeat() count can't be negative: \(times).") }
            let (bytes, overflow) = text.utf8.count.multipliedReportingOverflow(by: times)
            guard !overflow && bytes <= Runtime.maxStringBytes else {
                throw call.valueError("repeat() would make a string longer than \(Runtime.maxStringBytes) bytes.")
            }
            return .string(String(repeating: text, count: times))
        case .chars:
            try call.expect(0...0)
            return call.list(text.unicodeScalars.map { .string(String($0)) })
        case .codePoint:
            try call.expect(0...1)
            let index = call.count > 0 ? try call.integer(0, "index") : 0
            let position = index < 0 ? index + string.count : index
            guard position >= 0 && position < string.count else {
                throw call.error("Index \(index) out of range for string of length \(string.count).", class: .indexError)
            }
            return .number(Double(string.scalar(at: position).unicodeScalars.first!.value))
        case .isDigit, .isAlpha, .isSpace:
            try call.expect(0...0)
            let test: (Unicode.Scalar) -> Bool = switch call.method {
            case .isDigit: { $0.properties.numericType == .decimal }
            case .isAlpha: { $0.properties.isAlphabetic }
            default: { $0.isSpace }
            }
            return .bool(!text.isEmpty && text.unicodeScalars.allSatisfy(test))
        default:
            return nil
        }
    }

    /// `indexOf(part, start?)`: the scalar position of the first occurrence at or after `start`; -1.
    private static func indexOf(_ string: StringObject, _ call: MethodCall) throws -> Int {
        let part = try call.string(0, "argument")
        var start = call.count > 1 ? try call.integer(1, "start") : 0
        if start < 0 { start = max(0, start + string.count) }
        guard start <= string.count else { return -1 }
        let bytes = Array(string.value.utf8)
        // The byte offset of scalar `start`, and back from a byte offset to a scalar position.
        var byteStart = 0, scalars = 0
        while scalars < start {
            byteStart += 1
            while byteStart < bytes.count && bytes[byteStart] & 0xC0 == 0x80 { byteStart += 1 }
            scalars += 1
        }
        if part.isEmpty { return start }
        guard let found = bytes.firstByteRange(of: Array(part.utf8), from: byteStart) else { return -1 }
        return start + bytes[byteStart..<found.lowerBound].reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
    }
}
