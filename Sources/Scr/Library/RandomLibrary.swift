/// `random`: numbers from xoshiro256** (Lua 5.4's generator), seeded from the system at first use
/// or by `seed(n)`, after which a run repeats exactly. Each interpreter has its own generator.
enum RandomLibrary {
    static func members(_ runtime: Runtime) -> [(String, Value)] {
        let generator = Xoshiro(seed: System.randomSeed())
        return [
            native("random", 0) { _ in .number(generator.unit()) },
            native("randomInt", 2) { call in
                let (low, high) = (try call.integer(0, "low"), try call.integer(1, "high"))
                guard low <= high else { throw call.valueError("randomInt() low \(low) is above high \(high).") }
                return .number(Double(low + Int(generator.below(UInt64(high - low) + 1))))
            },
            native("choice", 1) { call in
                let list = try call.list(0, "argument")
                guard !list.elements.isEmpty else { throw call.error("choice() from an empty list.", class: .indexError) }
                return list.elements[Int(generator.below(UInt64(list.elements.count)))]
            },
            native("shuffle", 1) { call in
                let list = try call.list(0, "argument")
                var elements = list.elements
                // Fisher–Yates, from the end.
                for index in stride(from: elements.count - 1, to: 0, by: -1) {
                    elements.swapAt(index, Int(generator.below(UInt64(index) + 1)))
                }
                list.elements = elements
                return .nil
            },
            native("seed", 1) { call in
                generator.reseed(UInt64(bitPattern: Int64(try call.integer(0, "seed"))))
                return .nil
            },
        ]
    }
}

/// xoshiro256** by Blackman and Vigna, seeded through splitmix64 as its authors advise.
/// Confined to the executor with the module that holds it.
final class Xoshiro {
    private var state: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(seed: UInt64) { reseed(seed) }

    func reseed(_ seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    /// Uniform in [0, 1), from the top 53 bits.
    func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [0, bound), without modulo bias (rejection, as Lua's `project`).
    func below(_ bound: UInt64) -> UInt64 {
        guard bound & (bound - 1) != 0 else { return bound == 0 ? next() : next() & (bound - 1) }
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let value = next()
            if value < limit { return value % bound }
        }
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
