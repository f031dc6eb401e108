/// The storage of a script map: keys in insertion order, found through hash tables of positions.
/// Numbers and strings, the usual keys, each have a table of their own without SipHash
/// (`NumberTable`, `StringTable`): a Swift dictionary keyed by the `Value` enum takes about 500 ns an
/// insert here. Other keys (objects, booleans, nil) are in a Swift dictionary.
///
/// A map of up to `linearLimit` keys has no tables: a scan of its keys finds one. Most maps are
/// records of a few fields (a JSON object, `{"x": 1, "y": 2}`), and building tables for them cost
/// 70% of `json.parse`: 2,500 instructions an insert, against 150 for the scan.
///
/// The tables live in an object of their own (`KeyTables`), made when the map outgrows the scan: a
/// small map is then two arrays and a nil, 24 bytes, not 80 — its `MapObject` fits an 80-byte malloc
/// block instead of a 128-byte one, and copying or freeing one touches three references, not six
/// (json_parse: 291 → 275 MB at its peak, 2.33 → 1.83 s; docs/internals.md, "What a collection costs").
struct OrderedMap: Sequence {
    static let linearLimit = 8

    /// The positions of the keys, by kind: numbers, strings, and the rest in a Swift dictionary.
    /// Shared between copies of a map until one of them changes (`uniqueTables`).
    fileprivate final class KeyTables {
        // Unchecked exclusivity: a map's tables are read and changed by the map alone, one access at a
        // time; checked, each access cost a `swift_beginAccess` call (maps: 4% of the instructions).
        @exclusivity(unchecked) var numbers = NumberTable()
        @exclusivity(unchecked) var strings = StringTable()
        @exclusivity(unchecked) var others: [Value: Int] = [:]

        init() {}

        init(copying other: KeyTables) {
            numbers = other.numbers
            strings = other.strings
            others = other.others
        }
    }

    /// The tables, once the map has more than `linearLimit` keys; nil while a scan finds a key.
    private var tables: KeyTables?
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

    /// A map's keys, in order, and their tables, without its values.
    struct KeySet {
        fileprivate let tables: KeyTables?
        let keys: [Value]
    }

    var keySet: KeySet { KeySet(tables: tables, keys: keys) }

    /// A map with these keys and `values`, one for each: the records of a JSON document share one
    /// keys array and one set of tables until one of them changes, as CPython's key-sharing
    /// dictionaries do (docs/internals.md, "What `json.parse` makes").
    init(keys: KeySet, values: [Value]) {
        precondition(values.count == keys.keys.count, "a value for each key")
        tables = keys.tables
        self.keys = keys.keys
        self.values = values
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
        tables = nil
        if keys.count > OrderedMap.linearLimit { index() }
        return value
    }

    /// The references a map holds: each key and value once in its array, and object keys once more
    /// in their table. `mutating` though it changes nothing: called on a class's stored map, a
    /// non-mutating method got a copy of the map (five retains and releases per map visited), an
    /// inout access gets the map in place.
    mutating func forEachReference(_ visit: inout Traversal) {
        visit.visit(keys)
        visit.visit(values)
        // Two copies of a map may share the tables: their keys are counted once, as a shared array's.
        if let tables, !tables.others.isEmpty, visit.isFirstVisit(to: tables) {
            for key in tables.others.keys { visit.visit(key) }
        }
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
        guard let tables else { return linearPosition(of: key) }
        return switch key {
        case .number(let n): tables.numbers[n == 0 ? 0 : n]  // 0 and -0 are one key.
        case .string(let s): tables.strings[s.value]
        default: tables.others[key]
        }
    }

    /// The position of an existing key, or nil after recording `position` for a new one: one hash
    /// for an insert instead of two.
    @inline(__always)
    private mutating func findOrInsert(_ key: Value, at position: Int) -> Int? {
        if tables == nil {
            if let existing = linearPosition(of: key) { return existing }
            guard keys.count >= OrderedMap.linearLimit else { return nil }
            index()
        }
        let tables = uniqueTables()
        switch key {
        case .number(let n):
            return tables.numbers.findOrInsert(n == 0 ? 0 : n, position)
        case .string(let s):
            return tables.strings.findOrInsert(s.value, position)
        default:
            if let existing = tables.others.updateValue(position, forKey: key) {
                tables.others[key] = existing
                return existing
            }
            return nil
        }
    }

    /// Makes the tables and records every key's position in them.
    private mutating func index() {
        let tables = KeyTables()
        for (position, key) in keys.enumerated() {
            switch key {
            case .number(let n): tables.numbers.set(n == 0 ? 0 : n, position)
            case .string(let s): tables.strings.set(s.value, position)
            default: tables.others[key] = position
            }
        }
        self.tables = tables
    }

    /// The tables, copied first if another map still shares them (a map's `copy()` shares them
    /// until either map changes, as Swift's arrays do).
    @inline(__always)
    private mutating func uniqueTables() -> KeyTables {
        if !isKnownUniquelyReferenced(&tables) { tables = KeyTables(copying: tables!) }
        return tables!
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
}
