/// `json`: `parse(text)` and `stringify(value, indent?)`, round-tripping lists, maps, strings,
/// numbers, booleans and nil. Parsing reads the UTF-8 bytes directly (no intermediate tree), which
/// is what keeps a 10 MB document within reach of CPython's C parser (bench/json_parse.scr).
enum JSONLibrary {
    static func members(_ runtime: Runtime) -> [(String, Value)] {
        [
            native("parse", 1) { call in
                var text = try call.string(0, "text")
                return try text.withUTF8 { bytes in
                    var parser = JSONParser(bytes: bytes, runtime: call.runtime)
                    do {
                        return try parser.document()
                    } catch let failure as JSONParser.Failure {
                        let (line, column) = parser.location(of: failure.offset)
                        throw call.valueError("json.parse: \(failure.message) at line \(line), column \(column).")
                    }
                }
            },
            native("stringify", 1...2) { call in
                var indent = ""
                if let width = call.optional(1) {
                    switch width {
                    case .number: indent = String(repeating: " ", count: min(10, max(0, try call.integer(1, "indent"))))
                    case .string(let text): indent = text.value
                    default: throw call.error("stringify() takes a number or a string as its indent, not \(width.typeName).")
                    }
                }
                var writer = JSONWriter(indent: indent, call: call)
                try writer.write(call.arguments[0], depth: 0)
                return .string(writer.output)
            },
        ]
    }
}

/// A recursive-descent parser over UTF-8 bytes. Nesting is limited (`maxDepth`) so that a hostile
/// document of a million `[` is an error, not a stack overflow.
struct JSONParser {
    struct Failure: Error {
        let message: String
        let offset: Int
    }

    static let maxDepth = 10_000

    private let bytes: UnsafeBufferPointer<UInt8>
    private let runtime: Runtime
    private var index = 0
    private var depth = 0
    /// Keys seen lately, by a hash of their bytes: the records of a document repeat their keys, and
    /// reusing one string object saves an allocation for each (CPython's parser memoizes keys too).
    private var recentKeys = [StringObject?](repeating: nil, count: 256)
    /// The entries of the objects being read, innermost last: an object's map is made once its size
    /// is known, with room for exactly its entries.
    private var pendingEntries: [(key: StringObject, value: Value)] = []

    init(bytes: UnsafeBufferPointer<UInt8>, runtime: Runtime) {
        self.bytes = bytes
        self.runtime = runtime
    }

    mutating func document() throws -> Value {
        skipSpace()
        let value = try self.value()
        skipSpace()
        guard index == bytes.count else { throw fail("Unexpected text after the value") }
        return value
    }

    /// The line and column (in scalars) of a byte offset, both from 1.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var (line, column) = (1, 1)
        for byte in bytes[0..<min(offset, bytes.count)] {
            if byte == 0x0A {
                (line, column) = (line + 1, 1)
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    private func fail(_ message: String) -> Failure { Failure(message: message, offset: index) }

    @inline(__always)
    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws -> Value {
        guard index < bytes.count else { throw fail("Unexpected end of text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .nil)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("Unexpected character '\(String(decoding: [bytes[index]], as: UTF8.self))'")
        }
    }

    private mutating func literal(_ word: StaticString, _ value: Value) throws -> Value {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              UnsafeBufferPointer(start: word.utf8Start, count: count).elementsEqual(bytes[index..<index + count])
        else { throw fail("Unexpected character '\(String(decoding: [bytes[index]], as: UTF8.self))'") }
        index += count
        return value
    }

    private mutating func nest() throws {
        depth += 1
        guard depth <= JSONParser.maxDepth else { throw fail("Nested more than \(JSONParser.maxDepth) deep") }
    }

    private mutating func object() throws -> Value {
        try nest()
        index += 1
        skipSpace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .map(runtime.track(MapObject()))
        }
        let first = pendingEntries.count
        defer { pendingEntries.removeSubrange(first...) }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("Expected a string key") }
            let key = try self.key()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("Expected ':' after a key") }
            index += 1
            skipSpace()
            pendingEntries.append((key, try value()))
            skipSpace()
            guard index < bytes.count else { throw fail("Unexpected end of text") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw fail("Expected ',' or '}'") }
            index += 1
            depth -= 1
            // A repeated key keeps its first place and its last value, as in Python's json.
            var entries = OrderedMap(capacity: pendingEntries.count - first)
            for entry in pendingEntries[first...] { entries[.string(entry.key)] = entry.value }
            return .map(runtime.track(MapObject(entries)))
        }
    }

    private mutating func array() throws -> Value {
        try nest()
        index += 1
        var elements: [Value] = []
        skipSpace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .list(runtime.track(ListObject(elements)))
        }
        while true {
            skipSpace()
            elements.append(try value())
            skipSpace()
            guard index < bytes.count else { throw fail("Unexpected end of text") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw fail("Expected ',' or ']'") }
            index += 1
            depth -= 1
            return .list(runtime.track(ListObject(elements)))
        }
    }

    /// A key: a string, reused from `recentKeys` when it has no escapes and was seen lately.
    private mutating func key() throws -> StringObject {
        let start = index + 1
        var end = start
        var hash: UInt32 = 2_166_136_261
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            hash = (hash ^ UInt32(byte)) &* 16_777_619
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return StringObject(try string()) }
        let slot = Int(hash & 255)
        let candidate = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if let cached = recentKeys[slot] {
            // Counts, then bytes with memcmp: the generic `elementsEqual` went byte by byte.
            let text = cached.value
            if text.utf8.count == candidate.count,
               text.utf8.withContiguousStorageIfAvailable({
                   candidate.isEmpty || System.compareBytes($0.baseAddress!, candidate.baseAddress!, count: candidate.count) == 0
               }) == true {
                index = end + 1
                return cached
            }
        }
        let key = StringObject(String(decoding: candidate, as: UTF8.self))
        recentKeys[slot] = key
        index = end + 1
        return key
    }

    /// A string at `index` (its opening quote). Runs without escapes are copied as they are.
    private mutating func string() throws -> String {
        index += 1
        let start = index
        // The common case: no escape before the closing quote.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw fail("Control character in a string") }
            index += 1
        }
        var scratch = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail("Unexpected end of text") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"): scratch.append(contentsOf: String(try unicodeEscape()).utf8)
                default:
                    index -= 1
                    throw fail("Unknown escape '\\\(String(decoding: [escape], as: UTF8.self))'")
                }
            default:
                guard byte >= 0x20 else { throw fail("Control character in a string") }
                scratch.append(byte)
                index += 1
            }
        }
        throw fail("Unterminated string")
    }

    /// The scalar of `\uXXXX` (after the `u`), joining a surrogate pair; a lone surrogate is U+FFFD.
    private mutating func unicodeEscape() throws -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800..<0xDC00).contains(high), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
           bytes[index + 1] == UInt8(ascii: "u")
        {
            let save = index
            index += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) {
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            index = save
        }
        return Unicode.Scalar(high) ?? "\u{FFFD}"
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("Bad \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("Bad \\u escape")
            }
            value = value * 16 + UInt32(digit)
            index += 1
        }
        return value
    }

    /// A number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private mutating func number() throws -> Double {
        let start = index
        var whole: Int64 = 0
        var simple = true  // Only digits, few enough to be exact: no need to parse text.
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("Expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count && isDigit(bytes[index]) {
                whole = whole &* 10 &+ Int64(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
        }
        if index - start > 15 { simple = false }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            simple = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("Expected a digit after '.'") }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            simple = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("Expected a digit in the exponent") }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if simple { return bytes[start] == UInt8(ascii: "-") ? (whole == 0 ? -0.0 : -Double(whole)) : Double(whole) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return Double(text)!
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}

/// Writes a value as JSON: numbers whole below 2^53 without a fraction, other numbers in Swift's
/// shortest form; map keys that are numbers, booleans or nil as strings (as Python does).
struct JSONWriter {
    let indent: String
    let call: NativeCall
    /// The text written so far, as UTF-8: appending bytes to an array is a store, where appending to a
    /// `String` checked its capacity and its ASCII-ness at each piece (stringify: 70% of its time).
    private var bytes: [UInt8] = []
    /// The lists and maps being written, to refuse a cycle.
    private var open: Set<ObjectIdentifier> = []

    init(indent: String, call: NativeCall) {
        self.indent = indent
        self.call = call
    }

    var output: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func write(_ value: Value, depth: Int) throws {
        switch value {
        case .nil: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number): append(try text(of: number))
        case .string(let text): writeString(text.value)
        case .list(let list):
            try enter(list, depth) {
                $0.bytes.append(UInt8(ascii: "["))
                for (index, element) in list.elements.enumerated() {
                    if index > 0 { $0.bytes.append(UInt8(ascii: ",")) }
                    $0.newline(depth + 1)
                    try $0.write(element, depth: depth + 1)
                }
                if !list.elements.isEmpty { $0.newline(depth) }
                $0.bytes.append(UInt8(ascii: "]"))
            }
        case .map(let map):
            try enter(map, depth) {
                $0.bytes.append(UInt8(ascii: "{"))
                var first = true
                for (key, element) in map.entries {
                    if !first { $0.bytes.append(UInt8(ascii: ",")) }
                    first = false
                    $0.newline(depth + 1)
                    try $0.writeKey(key)
                    $0.append($0.indent.isEmpty ? ":" : ": ")
                    try $0.write(element, depth: depth + 1)
                }
                if !first { $0.newline(depth) }
                $0.bytes.append(UInt8(ascii: "}"))
            }
        default:
            throw call.error("Can't convert \(value.typeName) to JSON.")
        }
    }

    private mutating func enter(_ object: AnyObject, _ depth: Int, _ body: (inout JSONWriter) throws -> Void) throws {
        guard open.insert(ObjectIdentifier(object)).inserted else {
            throw call.valueError("Can't convert a value that contains itself to JSON.")
        }
        guard depth < JSONParser.maxDepth else { throw call.valueError("Can't convert a value nested more than \(JSONParser.maxDepth) deep to JSON.") }
        try body(&self)
        open.remove(ObjectIdentifier(object))
    }

    private mutating func newline(_ depth: Int) {
        guard !indent.isEmpty else { return }
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<depth { append(indent) }
    }

    private mutating func writeKey(_ key: Value) throws {
        switch key {
        case .string(let text): writeString(text.value)
        case .number(let number): writeString(try text(of: number))
        case .bool, .nil: writeString(key == .nil ? "null" : key.description)
        default: throw call.error("Can't convert a map key of type \(key.typeName) to JSON.")
        }
    }

    private func text(of number: Double) throws -> String {
        guard number.isFinite else { throw call.valueError("Can't convert \(NumberFormatting.format(number)) to JSON.") }
        if number == number.rounded() && Swift.abs(number) < 9.007_199_254_740_992e15 {
            return number == 0 && number.sign == .minus ? "-0" : String(Int64(number))
        }
        return number.description
    }

    /// A string in quotes, its UTF-8 copied in runs between the bytes that need escaping (quotes,
    /// backslashes, control characters); everything else, non-ASCII included, as it is.
    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: utf8[start..<index])
                escape(byte)
                start = index + 1
            }
            bytes.append(contentsOf: utf8[start...])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case UInt8(ascii: "\n"): append("\\n")
        case UInt8(ascii: "\r"): append("\\r")
        case UInt8(ascii: "\t"): append("\\t")
        case 0x08: append("\\b")
        case 0x0C: append("\\f")
        default:
            let hex = String(byte, radix: 16)
            append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        }
    }
}
