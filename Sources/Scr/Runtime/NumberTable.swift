/// Positions of number keys: open addressing with linear probing, no SipHash. A whole number is
/// nearly its own hash, as in Python: neighbouring keys land in neighbouring slots, which keeps loops
/// over ranges of keys in cache (a scattering hash measured 50% slower on the maps benchmark); its high
/// bits are folded in, so that multiples of the table size do not all collide. Other numbers get a
/// multiplicative hash of their bits. Keys are never removed one by one (a map that loses a key rebuilds
/// its tables), so there are no tombstones.
struct NumberTable {
    private var keys: [UInt64] = []
    private var positions: [Int] = []  // -1: empty.
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

    subscript(key: Double) -> Int? {
        guard !positions.isEmpty else { return nil }
        let bits = key.bitPattern
        let mask = positions.count - 1
        var index = slot(for: key)
        while positions[index] >= 0 {
            if keys[index] == bits { return positions[index] }
            index = (index + 1) & mask
        }
        return nil
    }

    /// The position of `key`, after giving it `position` if it had none: one probe for a lookup that
    /// may insert.
    mutating func findOrInsert(_ key: Double, _ position: Int) -> Int? {
        if used * 4 >= positions.count * 3 { grow() }
        let bits = key.bitPattern
        let mask = positions.count - 1
        var index = slot(for: key)
        while positions[index] >= 0 {
            if keys[index] == bits { return positions[index] }
            index = (index + 1) & mask
        }
        keys[index] = bits
        positions[index] = position
        used += 1
        return nil
    }

    /// Sets the position of `key` (new or not).
    mutating func set(_ key: Double, _ position: Int) {
        if used * 4 >= positions.count * 3 { grow() }
        let bits = key.bitPattern
        let mask = positions.count - 1
        var index = slot(for: key)
        while positions[index] >= 0 {
            if keys[index] == bits {
                positions[index] = position
                return
            }
            index = (index + 1) & mask
        }
        keys[index] = bits
        positions[index] = position
        used += 1
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
            set(Double(bitPattern: bits), position)
        }
    }
}
