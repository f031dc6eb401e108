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
    /// Strings seen lately, by a hash of their bytes: keys in one table, short string values in the
    /// other. The records of a document repeat their keys and many of their values, and reusing one
    /// string object saves an allocation and 64 bytes for each (CPython's parser memoizes keys; Lua
    /// interns every short string). Scripts cannot tell: strings are immutable and compared by text.
    private var recentStrings = [StringObject?](repeating: nil, count: 2 * JSONParser.tableSize)
    private static let tableSize = 256
    private enum Table {
        case keys, values
        var offset: Int { self == .keys ? 0 : JSONParser.tableSize }
    }
    /// Longer string values are not looked for (nor kept): few repeat, and hashing them costs.
    static let longestSharedValue = 24
    /// The elements of the arrays and the values of the objects being read, innermost last, and the
    /// keys of the objects: a list or a map is made once its size is known, with room for exactly
    /// its elements (growing an array of two by appending cost 480 instructions).
    private let pendingValues = PendingValues()
    private let pendingKeys = PendingValues()
    /// The key sets of objects read lately, by their first key and count: an object whose keys are the
    /// same string objects in the same order (the records of a document, their keys from `recentStrings`)
    /// shares its keys and tables with the others (`OrderedMap.init(keys:values:)`).
    private var recentKeySets = [OrderedMap.KeySet?](repeating: nil, count: 64)

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
        case UInt8(ascii: "\""): return .string(try sharedString(.values))
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
        // The pending values may hold the elements of arrays around this object: the two stacks have
        // a start each.
        let (firstKey, firstValue) = (pendingKeys.count, pendingValues.count)
        defer {
            pendingKeys.drop(from: firstKey)
            pendingValues.drop(from: firstValue)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("Expected a string key") }
            let key = try sharedString(.keys)
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("Expected ':' after a key") }
            index += 1
            skipSpace()
            let value = try value()
            pendingKeys.push(.string(key))
            pendingValues.push(value)
            skipSpace()
            guard index < bytes.count else { throw fail("Unexpected end of text") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw fail("Expected ',' or '}'") }
            index += 1
            depth -= 1
            return .map(runtime.track(MapObject(entries(keysFrom: firstKey, valuesFrom: firstValue))))
        }
    }

    private mutating func array() throws -> Value {
        try nest()
        index += 1
        skipSpace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .list(runtime.track(ListObject([])))
        }
        let first = pendingValues.count
        defer { pendingValues.drop(from: first) }
        while true {
            skipSpace()
            let element = try value()
            pendingValues.push(element)
            skipSpace()
            guard index < bytes.count else { throw fail("Unexpected end of text") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw fail("Expected ',' or ']'") }
            index += 1
            depth -= 1
            return .list(runtime.track(ListObject(pendingValues.take(from: first))))
        }
    }

    /// The map of the object whose keys and values are pending from these positions on. Its keys are
    /// shared with an object read lately when they are the same string objects in the same order;
    /// otherwise they are inserted one by one, a repeated key keeping its first place and its last
    /// value (as in Python's json), and an object without repeated keys becomes the one to share.
    private mutating func entries(keysFrom firstKey: Int, valuesFrom firstValue: Int) -> OrderedMap {
        let count = pendingKeys.count - firstKey
        let firstKeyAddress = UInt(bitPattern: pendingKeys.unretainedString(at: firstKey)?.toOpaque())
        let slot = Int(truncatingIfNeeded: firstKeyAddress >> 4 &+ UInt(count)) & (recentKeySets.count - 1)
        if let keySet = recentKeySets[slot], keySet.keys.count == count, sameKeys(keySet.keys, from: firstKey) {
            return OrderedMap(keys: keySet, values: pendingValues.take(from: firstValue))
        }
        var entries = OrderedMap(capacity: count)
        for offset in 0..<count { entries[pendingKeys[firstKey + offset]] = pendingValues[firstValue + offset] }
        if entries.count == count { recentKeySets[slot] = entries.keySet }
        return entries
    }

    /// Whether `keys` are the pending keys from `first` on, the same objects in the same order.
    private func sameKeys(_ keys: [Value], from first: Int) -> Bool {
        keys.withUnsafeBufferPointer { keys in
            keys.indices.allSatisfy { offset in
                keys[offset].unretainedString?.toOpaque() == pendingKeys.unretainedString(at: first + offset)?.toOpaque()
            }
        }
    }

    /// A string at `index` (its opening quote), reused from its table of `recentStrings` when it has
    /// no escapes and was seen lately; a string value longer than `longestSharedValue` bytes is made
    /// afresh.
    private mutating func sharedString(_ table: Table) throws -> StringObject {
        let start = index + 1
        var end = start
        var hash: UInt32 = 2_166_136_261
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            hash = (hash ^ UInt32(byte)) &* 16_777_619
            end += 1
            if table == .values && end - start > JSONParser.longestSharedValue { break }
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\""),
              table == .keys || end - start <= JSONParser.longestSharedValue
        else { return StringObject(try string()) }
        let slot = table.offset + (Int(hash) & (JSONParser.tableSize - 1))
        let candidate = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if let cached = recentStrings[slot] {
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
        let string = StringObject(String(decoding: candidate, as: UTF8.self))
        recentStrings[slot] = string
        index = end + 1
        return string
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
        // The digits as an integer, and how many of them follow the point: while there are at most 15
        // digits and 22 after the point, both the integer and the power of ten are exact doubles, so
        // their quotient is the correctly rounded value (Clinger's fast path) and no text is parsed.
        var digits: Int64 = 0
        var digitCount = 0
        var fractionCount = 0
        var simple = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("Expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count && isDigit(bytes[index]) {
                digits = digits &* 10 &+ Int64(bytes[index] - UInt8(ascii: "0"))
                digitCount += 1
                index += 1
            }
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("Expected a digit after '.'") }
            while index < bytes.count && isDigit(bytes[index]) {
                digits = digits &* 10 &+ Int64(bytes[index] - UInt8(ascii: "0"))
                digitCount += 1
                fractionCount += 1
                index += 1
            }
        }
        if digitCount > 15 || fractionCount > 22 { simple = false }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            simple = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("Expected a digit in the exponent") }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if simple {
            let magnitude = fractionCount == 0 ? Double(digits) : Double(digits) / JSONParser.powersOfTen[fractionCount]
            return bytes[start] == UInt8(ascii: "-") ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return Double(text)!
    }

    /// 10^0 … 10^22, each exact in a double.
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { power, _ in power * 10 }
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

/// The values of the lists and maps a parser is reading, innermost last, in memory of its own so that
/// a finished list or map takes its values by moving them: `Array(stack[first...])` copied them (a
/// retain each) and `removeSubrange` released the originals (900 instructions a six-field object).
private final class PendingValues {
    private(set) var count = 0
    private var capacity = 0
    private var storage: UnsafeMutablePointer<Value>?

    deinit {
        guard let storage else { return }
        storage.destroy(count: count)
        storage.deallocate()
    }

    func push(_ value: consuming Value) {
        if count == capacity { grow() }
        (storage! + count).initialize(to: value)
        count += 1
    }

    subscript(position: Int) -> Value {
        precondition(position >= 0 && position < count, "a pending value")
        return storage![position]
    }

    /// The string at `position`, unretained: the stack keeps it alive until it is taken or dropped.
    func unretainedString(at position: Int) -> Unmanaged<StringObject>? {
        precondition(position >= 0 && position < count, "a pending value")
        return storage![position].unretainedString
    }

    /// The values from `first` to the top, moved out into an array of their own.
    func take(from first: Int) -> [Value] {
        precondition(first >= 0 && first <= count, "pending values")
        let taken = count - first
        guard taken > 0, let storage else { return [] }
        count = first
        // Reserved, then appended to: `Array(unsafeUninitializedCapacity:)` and `Array(repeating:count:)`
        // allocated through the runtime's unspecialized paths (690 and 780 instructions an array).
        var values: [Value] = []
        values.reserveCapacity(taken)
        for position in first..<first + taken { values.append((storage + position).move()) }
        return values
    }

    /// Releases the values from `first` to the top (those of an object whose keys it shares with
    /// another, or of a document that turned out malformed).
    func drop(from first: Int) {
        precondition(first >= 0 && first <= count, "pending values")
        guard first < count, let storage else { return }
        (storage + first).destroy(count: count - first)  // Buffer.swift: not the generic `deinitialize`.
        count = first
    }

    private func grow() {
        let newCapacity = max(64, capacity * 2)
        let newStorage = UnsafeMutablePointer<Value>.allocate(capacity: newCapacity)
        if let storage {
            newStorage.moveInitialize(from: storage, count: count)
            storage.deallocate()
        }
        storage = newStorage
        capacity = newCapacity
    }
}
