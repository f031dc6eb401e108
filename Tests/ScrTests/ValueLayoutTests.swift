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

    /// A frame is a pointer to its first slot; the pointers to its boxes and captures lie in the header
    /// before it, which must hold two pointers (Frame.swift; docs/internals.md, "A frame in one
    /// register"). A copy of the frame value reads the same header.
    @Test func aFramesHeaderHoldsItsBoxesAndCaptures() {
        #expect(MemoryLayout<Value>.stride * Frame.headerSize >= 2 * MemoryLayout<UnsafeRawPointer>.stride)
        let boxes = UnsafeMutablePointer<Box?>.allocate(capacity: 1)
        let captures = UnsafeMutablePointer<Capture>.allocate(capacity: 1)
        let header = UnsafeMutablePointer<Value>.allocate(capacity: Frame.headerSize + 2)
        defer { boxes.deallocate(); captures.deallocate(); header.deallocate() }
        let frame = Frame(header: header, boxes: boxes, captures: captures)
        frame.slots.initialize(to: .number(7))
        (frame.slots + 1).initialize(to: .string("text"))
        let copy = Frame(slots: frame.slots)
        #expect(copy.header == header)
        #expect(copy.boxes == boxes)
        #expect(copy.captures == captures)
        #expect(copy[0] == .number(7) && copy[1] == .string("text"))
        frame.slots.destroy(count: 2)
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

    /// The collector asks whether an array owns its buffer by the strong count of the object an array
    /// is (`Traversal.ownsItsBuffer`): an array is that one reference, counted once per sharer.
    @Test func anArrayIsOneReferenceToItsBuffer() {
        #expect(MemoryLayout<[Value]>.size == MemoryLayout<UnsafeRawPointer>.size)
        func made() -> [Value] { [.number(1), .string("two"), .nil] }
        #expect(Traversal.ownsItsBuffer(made()))
        let values = made()
        let sharer = values
        #expect(!Traversal.ownsItsBuffer(values))
        #expect(!Traversal.ownsItsBuffer(sharer))
        #expect(unsafeBitCast(values, to: UnsafeRawPointer.self) == unsafeBitCast(sharer, to: UnsafeRawPointer.self))
        #expect(values.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) }
                    > unsafeBitCast(values, to: UnsafeRawPointer.self))
    }
}
