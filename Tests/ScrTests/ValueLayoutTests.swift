import Testing
@testable import Scr

/// The layout promises the fast paths rest on (docs/internals.md, "Equality in place").
struct ValueLayoutTests {
    /// `Globals.withDefinedValue` reads a global's `Value?` cell as a `Value`: an optional that holds a
    /// value must be laid out exactly as the value, nil being a tag no value uses.
    @Test func anOptionalValueIsLaidOutAsTheValue() {
        #expect(MemoryLayout<Value?>.size == MemoryLayout<Value>.size)
        #expect(MemoryLayout<Value?>.stride == MemoryLayout<Value>.stride)
        #expect(MemoryLayout<Value?>.alignment == MemoryLayout<Value>.alignment)
    }

    @Test func aDefinedGlobalIsReadInItsCell() {
        let cell = Globals.Cell.allocate(capacity: 1)
        defer { cell.deinitialize(count: 1); cell.deallocate() }
        let samples: [Value] = [.nil, .bool(true), .bool(false), .number(-0.0), .number(1.5), .string("text"),
                                .list(ListObject([.number(1)]))]
        for sample in samples {
            cell.initialize(to: sample)
            #expect(Globals.withDefinedValue(cell) { $0.pointee == sample })
            #expect(Globals.withDefinedValue(cell) { Value.equal(at: $0, $0) } == (sample == sample))
            cell.deinitialize(count: 1)
        }
        cell.initialize(to: nil)
    }
}
