/// The storage of a script map: keys in insertion order, found through hash tables of positions.
/// Numbers and strings, the usual keys, each have a table of their own without SipHash
/// (`NumberTable`, `StringTable`): a Swift dictionary keyed by the `Value` enum takes about 500 ns an
/// insert here. Other keys (objects, booleans, nil) are in a Swift dictionary.
///
/// A map of up to `linearLimit` keys has no tables: a scan of its keys finds one. Most maps are
/// records of a few fields (a JSON object, `{"x": 1, "y": 2}`), and building tables for them cost
/// 70% of `json.parse`: 2,500 instructions an insert, against 150 for the scan.
struct OrderedMap: Sequence {
    static let linearLimit = 8
    /// Whether the tables hold the positions; false while the map is small.
    private var indexed = false
    private var numbers = NumberTable()
    private var strings = StringTable()
    private var others: [Value: Int] = [:]
    private(set) var keys: [Value] = []
    private(set) var values: [Value] = []

    var count: Int { keys.count }

    init() {}

    /// An empty map with room for `capacity` entries: a map literal or a JSON object knows its size,
    /// and growing the two arrays 1 → 2 → 4 → 8 was half the cost of building a six-entry map.
    init(capacity: Int) {
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    subscript(key: Value) -> Value? {
        get { position(of: key).map { values[$0] } }
        set {
            guard let newValue else {
                removeValue(forKey: key)
                return
            }
            if let position = findOrInsert(key, at: keys.count) {
                values[position] = newValue
            } else {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Removes a key, keeping the order of the others (linear in the size, as in Python's dict).
    @discardableResult
    mutating func removeValue(forKey key: Value) -> Value? {
        guard let position = position(of: key) else { return nil }
        keys.remove(at: position)
        let value = values.remove(at: position)
        numbers = NumberTable()
        strings = StringTable()
        others = [:]
        indexed = keys.count > OrderedMap.linearLimit
        if indexed { for index in keys.indices { setPosition(index, for: keys[index]) } }
        return value
    }

    /// The references a map holds: each key and value once in its array, and object keys once more
    /// in their table. `mutating` though it changes nothing: called on a class's stored map, a
    /// non-mutating method got a copy of the map (five retains and releases per map visited), an
    /// inout access gets the map in place.
    mutating func forEachReference(_ visit: inout Traversal) {
        visit.visit(keys)
        visit.visit(values)
        for key in others.keys { visit.visit(key) }
    }

    mutating func removeAll() {
        self = OrderedMap()
    }

    func makeIterator() -> AnyIterator<(key: Value, value: Value)> {
        var index = 0
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            return (keys[index], values[index])
        }
    }

    @inline(__always)
    private func position(of key: Value) -> Int? {
        guard indexed else { return linearPosition(of: key) }
        return switch key {
        case .number(let n): numbers[n == 0 ? 0 : n]  // 0 and -0 are one key.
        case .string(let s): strings[s.value]
        default: others[key]
        }
    }

    /// The position of an existing key, or nil after recording `position` for a new one: one hash
    /// for an insert instead of two.
    @inline(__always)
    private mutating func findOrInsert(_ key: Value, at position: Int) -> Int? {
        if !indexed {
            if let existing = linearPosition(of: key) { return existing }
            guard keys.count >= OrderedMap.linearLimit else { return nil }
            indexed = true
            for index in keys.indices { setPosition(index, for: keys[index]) }
        }
        switch key {
        case .number(let n):
            return numbers.findOrInsert(n == 0 ? 0 : n, position)
        case .string(let s):
            return strings.findOrInsert(s.value, position)
        default:
            if let existing = others.updateValue(position, forKey: key) {
                others[key] = existing
                return existing
            }
            return nil
        }
    }

    /// The position of `key` in a small map, by a scan. A string key (the common case: records) is
    /// compared with the keys where they lie, unretained; copying each key into `isSameKey` cost a
    /// retain and a release per key passed.
    @inline(__always)
    private func linearPosition(of key: Value) -> Int? {
        keys.withUnsafeBufferPointer { keys in
            guard let text = key.unretainedString else { return keys.firstIndex { OrderedMap.isSameKey($0, key) } }
            return text._withUnsafeGuaranteedRef { text in
                for index in keys.indices {
                    if let other = keys[index].unretainedString,
                       other._withUnsafeGuaranteedRef({ $0.hasSameText(as: text) })
                    {
                        return index
                    }
                }
                return nil
            }
        }
    }

    /// Whether two keys are one key, as the tables judge: numbers by their bits (0 and -0 are one
    /// key, and a NaN finds itself), strings by their scalars, others by `==`.
    @inline(__always)
    private static func isSameKey(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): (x == 0 ? 0 : x).bitPattern == (y == 0 ? 0 : y).bitPattern
        case (.string(let x), .string(let y)): x.hasSameText(as: y)
        case (.number, _), (_, .number), (.string, _), (_, .string): false
        default: a == b
        }
    }

    @inline(__always)
    private mutating func setPosition(_ position: Int, for key: Value) {
        switch key {
        case .number(let n): numbers.set(n == 0 ? 0 : n, position)
        case .string(let s): strings.set(s.value, position)
        default: others[key] = position
        }
    }
}
