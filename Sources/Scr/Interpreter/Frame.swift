/// The locals of one activation of a function (or of a top-level input): a fixed number of value
/// slots, allocated in one block with the frame, plus the boxes of locals that inner functions capture.
final class Frame: ManagedBuffer<FrameHeader, Value> {
    static func make(_ code: FunctionCode, captures: ContiguousArray<Box>) -> Frame {
        let buffer = Frame.create(minimumCapacity: code.slotCount) { _ in
            FrameHeader(
                slotCount: code.slotCount,
                boxes: code.boxCount == 0 ? [] : ContiguousArray(repeating: nil, count: code.boxCount),
                captures: captures)
        }
        let frame = unsafeDowncast(buffer, to: Frame.self)
        frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .nil, count: code.slotCount) }
        return frame
    }

    deinit {
        _ = withUnsafeMutablePointers { header, slots in
            slots.deinitialize(count: header.pointee.slotCount)
        }
    }

    @inline(__always)
    subscript(slot: Int) -> Value {
        get { withUnsafeMutablePointerToElements { $0[slot] } }
        set { withUnsafeMutablePointerToElements { $0[slot] = newValue } }
    }

    /// The box of a captured local. A box exists from its declaration on; analysis never resolves a
    /// name to a declaration that has not run.
    @inline(__always)
    func box(_ index: Int) -> Box { header.boxes[index].unsafelyUnwrapped }

    @inline(__always)
    func declareBox(_ index: Int, _ value: Value) { header.boxes[index] = Box(value) }

    @inline(__always)
    func capture(_ index: Int) -> Box { header.captures[index] }
}

struct FrameHeader {
    let slotCount: Int
    var boxes: ContiguousArray<Box?>
    let captures: ContiguousArray<Box>
}
