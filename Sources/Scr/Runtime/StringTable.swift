/// Positions of string keys: open addressing with linear probing, like `NumberTable`, with a cheap
/// hash instead of SipHash (which a Swift dictionary keyed by strings spends most of its time in:
/// 15% of the maps benchmark).
///
/// Keys are equal when their UTF-8 bytes are (scr's string equality: see Text.swift), so the bytes
/// are what is hashed, with FNV-1a.
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
        while slots[index].position >= 0 && (slots[index].hash != stored || !slots[index].key.isSameText(as: key)) {
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

    /// FNV-1a over the UTF-8 bytes, which are what makes two strings equal (see Text.swift).
    static func hash(_ key: String) -> Int {
        var key = key
        return key.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            // FNV-1a's low bits, which pick the slot, vary too little between keys like "key1",
            // "key2": a finishing mix (MurmurHash3's) spreads them.
            hash = (hash ^ (hash >> 33)) &* 0xff51_afd7_ed55_8ccd
            hash = (hash ^ (hash >> 33)) &* 0xc4ce_b9fe_1a85_ec53
            // 32 bits, as slots store it, so that growing re-places a key where probing looks.
            return Int(UInt32(truncatingIfNeeded: hash ^ (hash >> 33)))
        }
    }
}
