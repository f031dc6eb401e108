/// scr's strings are sequences of Unicode scalars, as Python's are of code points: `len`, indexing,
/// slicing, `for-in`, equality, ordering and map keys all count and compare scalars. Swift's own
/// `String` counts grapheme clusters and compares by canonical equivalence ("é" precomposed equals
/// "e" + U+0301); scr does neither, so that equal strings have equal lengths and the same elements.
/// Two strings are equal when their UTF-8 bytes are, and UTF-8's byte order is scalar order.
extension String {
    /// Equal as scalars: the same UTF-8 bytes.
    @inline(__always)
    func isSameText(as other: String) -> Bool {
        let count = utf8.count
        guard count == other.utf8.count else { return false }
        return compareText(other, count: count) == 0
    }

    /// Ordered before `other` in Unicode scalar order.
    @inline(__always)
    func precedesText(_ other: String) -> Bool {
        let (mine, theirs) = (utf8.count, other.utf8.count)
        let order = compareText(other, count: Swift.min(mine, theirs))
        return order < 0 || (order == 0 && mine < theirs)
    }

    /// The order of the first `count` bytes of the two texts, as `memcmp` gives it.
    func compareText(_ other: String, count: Int) -> Int32 {
        guard count > 0 else { return 0 }
        // In place, for the native strings scripts make: `withUTF8` needs a copy of each (a retain and
        // a release).
        if let order = utf8.withContiguousStorageIfAvailable({ x in
            other.utf8.withContiguousStorageIfAvailable { y in
                System.compareBytes(x.baseAddress!, y.baseAddress!, count: count)
            }
        }), let order { return order }
        var (a, b) = (self, other)
        return a.withUTF8 { x in
            b.withUTF8 { y in System.compareBytes(x.baseAddress!, y.baseAddress!, count: count) }
        }
    }

    /// The number of Unicode scalars: the UTF-8 bytes that do not continue a scalar.
    var scalarCount: Int {
        var text = self
        return text.withUTF8 { bytes in
            var count = 0
            for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
            return count
        }
    }
}

extension StringObject {
    /// The number of scalars (`len`), counted once.
    var count: Int {
        if cachedCount < 0 { cachedCount = value.scalarCount }
        return cachedCount
    }

    /// Whether every scalar is one byte: positions are then byte offsets.
    var isASCII: Bool { count == value.utf8.count }

    /// The scalar at `position` (valid), as a string.
    func scalar(at position: Int) -> String {
        if isASCII {
            var text = value
            return text.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[position..<position + 1]), as: UTF8.self) }
        }
        return String(scalars[position])
    }

    /// The scalars in `range` (valid), as a string.
    func slice(_ range: Range<Int>) -> String {
        if isASCII {
            var text = value
            return text.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[range])
        return String(result)
    }

    /// The scalars of a string that is not ASCII, made on first use: indexing is then O(1).
    private var scalars: [Unicode.Scalar] {
        if let cachedScalars { return cachedScalars }
        let scalars = Array(value.unicodeScalars)
        cachedScalars = scalars
        return scalars
    }
}

/// A string as a dictionary key with scr's equality (the same bytes), not Swift's canonical one.
struct TextKey: Hashable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: TextKey, b: TextKey) -> Bool { a.text.isSameText(as: b.text) }
    func hash(into hasher: inout Hasher) { hasher.combine(StringTable.hash(text)) }
}

extension String {
    /// The byte offsets of the non-overlapping occurrences of `part` (not empty), from the start.
    /// UTF-8 never starts a scalar inside another, so a byte match is a scalar match.
    func byteRanges(of part: String, limit: Int = .max) -> [Range<Int>] {
        let (text, pattern) = (Array(utf8), Array(part.utf8))
        var ranges: [Range<Int>] = []
        var start = 0
        while ranges.count < limit, let found = text.firstByteRange(of: pattern, from: start) {
            ranges.append(found)
            start = found.upperBound
        }
        return ranges
    }

    /// The text with each range (ordered, not overlapping) of bytes replaced by `replacement`.
    func replacingBytes(_ ranges: [Range<Int>], with replacement: String) -> String {
        let bytes = Array(utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var last = 0
        for range in ranges {
            result.append(contentsOf: bytes[last..<range.lowerBound])
            result.append(contentsOf: replacement.utf8)
            last = range.upperBound
        }
        result.append(contentsOf: bytes[last...])
        return String(decoding: result, as: UTF8.self)
    }

    /// The pieces between the occurrences of `separator`.
    func splitText(by separator: String) -> [String] {
        let bytes = Array(utf8)
        var pieces: [String] = []
        var last = 0
        for range in byteRanges(of: separator) {
            pieces.append(String(decoding: bytes[last..<range.lowerBound], as: UTF8.self))
            last = range.upperBound
        }
        pieces.append(String(decoding: bytes[last...], as: UTF8.self))
        return pieces
    }
}

extension Array where Element == UInt8 {
    func firstByteRange(of pattern: [UInt8], from start: Int) -> Range<Int>? {
        guard !pattern.isEmpty, count - start >= pattern.count else { return nil }
        let first = pattern[0]
        var index = start
        let last = count - pattern.count
        while index <= last {
            if self[index] == first && self[index..<index + pattern.count].elementsEqual(pattern) {
                return index..<index + pattern.count
            }
            index += 1
        }
        return nil
    }
}

extension Unicode.Scalar {
    /// White space as Unicode defines it (`trim`, `split()`, `isSpace`).
    var isSpace: Bool { properties.isWhitespace }
}
