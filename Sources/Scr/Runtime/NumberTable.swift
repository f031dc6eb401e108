/// Positions of number keys: open addressing with linear probing, no SipHash. A whole number is
/// nearly its own hash, as in Python: neighbouring keys land in neighbouring slots, which keeps loops
/// over ranges of keys in cache (a scattering hash measured 50% slower on the maps benchmark); its high
/// bits are folded in, so that multiples of the table size do not all collide. Other numbers get a
/// multiplicative hash of their bits. Keys are never removed one by one (a map that loses a key rebuilds
/// its tables), so there are no tombstones.
struct NumberTable {
    private var keys: [UInt64] = []
    private var positions: [Int32] = []  // -1: empty. (32 bits: a map of a million keys is 8 MB smaller.)
    private var used = 0
    private var shift = 64

    @inline(__always)
    private func slot(for key: Double) -> Int {
        let mask = positions.count - 1
        if let whole = Int64(exactly: key) {
            return Int(truncatingIfNeeded: whole ^ (whole >> 16) ^ (whole >> 32)) & mask
        }
        return Int(truncatingIfNeeded: (key.bitPattern &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
    }

    /// The slot holding `key`, or the empty slot where it would go. The table must not be empty.
    @inline(__always)
    private func probe(_ key: Double) -> Int {
        let bits = key.bitPattern
        let mask = positions.count - 1
        var index = slot(for: key)
        while positions[index] >= 0 && keys[index] != bits { index = (index + 1) & mask }
        return index
    }

    subscript(key: Double) -> Int? {
        guard !positions.isEmpty else { return nil }
        let index = probe(key)
        return positions[index] >= 0 ? Int(positions[index]) : nil
    }

    /// The position of `key`, after giving it `position` if it had none: one probe for a lookup that
    /// may insert.
    mutating func findOrInsert(_ key: Double, _ position: Int) -> Int? {
        if used * 4 >= positions.count * 3 { grow() }
        let index = probe(key)
        if positions[index] >= 0 { return Int(positions[index]) }
        keys[index] = key.bitPattern
        positions[index] = Int32(position)
        used += 1
        return nil
    }

    /// Sets the position of `key` (new or not).
    mutating func set(_ key: Double, _ position: Int) {
        if used * 4 >= positions.count * 3 { grow() }
        let index = probe(key)
        if positions[index] < 0 {
            keys[index] = key.bitPattern
            used += 1
        }
        positions[index] = Int32(position)
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldPositions = positions
        let capacity = max(16, positions.count * 2)
        keys = Array(repeating: 0, count: capacity)
        positions = Array(repeating: -1, count: capacity)
        shift = 64 - capacity.trailingZeroBitCount
        used = 0
        for (bits, position) in zip(oldKeys, oldPositions) where position >= 0 {
            set(Double(bitPattern: bits), Int(position))
        }
    }
}
