/// A set of addresses for the collector's traversal (the array buffers it has visited): open
/// addressing over a power-of-two table, hashed by a multiply of the address. Swift's `Set` hashes
/// with SipHash and was a third of a collection's instructions (docs/internals.md, "What a collection costs").
struct AddressSet {
    /// Zero marks an empty slot: no buffer lives at address 0.
    private var slots: [UInt]
    private var count = 0

    init() { slots = [UInt](repeating: 0, count: 64) }

    /// Adds `address`; returns whether it was not there yet.
    mutating func insert(_ address: UnsafeRawPointer) -> Bool {
        let key = UInt(bitPattern: address)
        let mask = slots.count - 1
        // Fibonacci hashing: the high bits of the product mix every bit of the address.
        var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while true {
            let slot = slots[index]
            if slot == key { return false }
            if slot == 0 { break }
            index = (index &+ 1) & mask
        }
        slots[index] = key
        count += 1
        if count * 2 > slots.count { grow() }
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt](repeating: 0, count: old.count * 2)
        count = 0
        for key in old where key != 0 { _ = insert(UnsafeRawPointer(bitPattern: key)!) }
    }
}
