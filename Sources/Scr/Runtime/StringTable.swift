/// Positions of string keys: open addressing with linear probing, like `NumberTable`, with a cheap
/// hash instead of SipHash (which a Swift dictionary keyed by strings spends most of its time in:
/// 15% of the maps benchmark).
///
/// Keys are equal when Swift's `==` says so, which compares canonical forms: the hash must agree.
/// An ASCII string is its own canonical form, so its bytes are hashed with FNV-1a; so are the bytes
/// of a string whose canonical form is ASCII (three characters decompose to an ASCII one). Any other
/// string is hashed by Swift, canonically.
struct StringTable {
    /// A slot's hash, position and key together, in 24 bytes: a lookup misses the cache once, not
    /// three times.
    private struct Slot {
        var hash: Int32 = 0
        var position: Int32 = -1  // -1: empty.
        var key = ""
    }

    private var slots: [Slot] = []
    private var used = 0

    /// The slot holding `key`, or the empty slot where it would go. The table must not be empty.
    @inline(__always)
    private func probe(_ key: String, _ hash: Int) -> Int {
        let mask = slots.count - 1
        let stored = Int32(truncatingIfNeeded: hash)
        var index = hash & mask
        while slots[index].position >= 0 && (slots[index].hash != stored || slots[index].key != key) {
            index = (index + 1) & mask
        }
        return index
    }

    subscript(key: String) -> Int? {
        guard !slots.isEmpty else { return nil }
        let index = probe(key, StringTable.hash(key))
        return slots[index].position >= 0 ? Int(slots[index].position) : nil
    }

    /// The position of `key`, after giving it `position` if it had none.
    mutating func findOrInsert(_ key: String, _ position: Int) -> Int? {
        if used * 4 >= slots.count * 3 { grow() }
        let hash = StringTable.hash(key)
        let index = probe(key, hash)
        if slots[index].position >= 0 { return Int(slots[index].position) }
        slots[index] = Slot(hash: Int32(truncatingIfNeeded: hash), position: Int32(position), key: key)
        used += 1
        return nil
    }

    /// Sets the position of `key` (new or not).
    mutating func set(_ key: String, _ position: Int) {
        if used * 4 >= slots.count * 3 { grow() }
        let hash = StringTable.hash(key)
        let index = probe(key, hash)
        if slots[index].position < 0 { used += 1 }
        slots[index] = Slot(hash: Int32(truncatingIfNeeded: hash), position: Int32(position), key: key)
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: max(16, slots.count * 2))
        let mask = slots.count - 1
        for slot in old where slot.position >= 0 {
            var index = Int(UInt32(bitPattern: slot.hash)) & mask
            while slots[index].position >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }

    static func hash(_ key: String) -> Int {
        var key = key
        let fast = key.withUTF8 { bytes -> Int? in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                guard byte < 0x80 else { return nil }
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            // FNV-1a's low bits, which pick the slot, vary too little between keys like "key1",
            // "key2": a finishing mix (MurmurHash3's) spreads them.
            hash = (hash ^ (hash >> 33)) &* 0xff51_afd7_ed55_8ccd
            hash = (hash ^ (hash >> 33)) &* 0xc4ce_b9fe_1a85_ec53
            return Int(truncatingIfNeeded: hash ^ (hash >> 33))
        }
        return fast ?? hashOfNonASCII(key)
    }

    /// U+037E GREEK QUESTION MARK, U+1FEF GREEK VARIA and U+212A KELVIN SIGN are canonically the
    /// ASCII `;`, `` ` `` and `K`: the only non-ASCII characters whose canonical form is ASCII.
    private static let asciiEquivalents: [UInt32: UInt8] = [0x037E: 0x3B, 0x1FEF: 0x60, 0x212A: 0x4B]

    private static func hashOfNonASCII(_ key: String) -> Int {
        var bytes: [UInt8] = []
        for scalar in key.unicodeScalars {
            if scalar.isASCII {
                bytes.append(UInt8(scalar.value))
            } else if let ascii = asciiEquivalents[scalar.value] {
                bytes.append(ascii)
            } else {
                return key.hashValue
            }
        }
        return hash(String(decoding: bytes, as: UTF8.self))
    }
}
