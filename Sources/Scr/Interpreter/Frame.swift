/// The locals of one activation of a function (or of a top-level input): value slots, the boxes of
/// locals that inner functions capture, and the running closure's captures. A frame is one pointer,
/// to its first slot; the value's worth of memory before it holds the pointers to its boxes and
/// captures (the header), so that every node passes the frame in one register rather than three
/// (docs/internals.md, "A frame in one register"). Who owns the memory depends on the frame's life:
///
/// - a call of a synchronous function takes its frame from the runtime's `FrameStack` and gives it
///   back when it returns. Synchronous code never suspends, so these frames come and go in strict
///   LIFO order even while many tasks interleave;
/// - an async function's body and a top-level input may suspend, so their frames are `HeapFrame`s,
///   owned by the coroutine or task that runs them.
struct Frame {
    let slots: UnsafeMutablePointer<Value>

    /// The values' worth of memory a frame's header takes before its slots: the two pointers, stored
    /// as raw bytes, never a value (`FrameStack.pop` and `HeapFrame` destroy the slots alone).
    static let headerSize = 1

    /// A frame whose header is written at `header`, its slots following it.
    @inline(__always)
    init(header: UnsafeMutablePointer<Value>, boxes: UnsafeMutablePointer<Box?>, captures: UnsafeMutablePointer<Capture>) {
        let raw = UnsafeMutableRawPointer(header)
        raw.storeBytes(of: boxes, as: UnsafeMutablePointer<Box?>.self)
        raw.storeBytes(of: captures, toByteOffset: MemoryLayout<UnsafeMutablePointer<Box?>>.stride,
                       as: UnsafeMutablePointer<Capture>.self)
        slots = header + Frame.headerSize
    }

    /// The frame whose first slot is at `slots`, its header written already.
    @inline(__always)
    init(slots: UnsafeMutablePointer<Value>) {
        self.slots = slots
    }

    /// Where the header begins: what the frame's owner frees.
    @inline(__always)
    var header: UnsafeMutablePointer<Value> { slots - Frame.headerSize }

    @inline(__always)
    var boxes: UnsafeMutablePointer<Box?> {
        UnsafeRawPointer(header).load(as: UnsafeMutablePointer<Box?>.self)
    }

    @inline(__always)
    var captures: UnsafeMutablePointer<Capture> {
        UnsafeRawPointer(header).load(fromByteOffset: MemoryLayout<UnsafeMutablePointer<Box?>>.stride,
                                      as: UnsafeMutablePointer<Capture>.self)
    }

    @inline(__always)
    subscript(slot: Int) -> Value {
        get { slots[slot] }
        nonmutating set { slots[slot] = newValue }
    }

    /// A slot's value, with a number read straight rather than through the compiler's out-of-line
    /// copy of a `Value` (a call and a switch on its case; fib −2.1%, lists −1.8% instructions: see
    /// docs/internals.md, "A call's body, in place"). For the nodes whose whole work is a read:
    /// `SlotGetNode`, `SlotReturnStatement`, `Statement.execInline`.
    @inline(__always)
    func read(_ slot: Int) -> Value {
        if case .number(let x) = slots[slot] { return .number(x) }
        return slots[slot]
    }

    /// Releases what a slot holds, leaving nil: a local's declaration does so before its initializer
    /// runs, so that the value of the loop's last turn dies before the next is made
    /// (docs/internals.md, "A local dies when it is declared again").
    @inline(__always)
    func empty(_ slot: Int) { slots[slot] = .nil }

    /// A slot's value moved out, leaving nil: for a return after which the frame's code reads the slot
    /// no more (`SlotReturnStatement.moves`), and the pop has nothing to release. A number, which has
    /// nothing to release, is read as `read` reads it.
    @inline(__always)
    func take(_ slot: Int) -> Value {
        if case .number(let x) = slots[slot] { return .number(x) }
        let value = (slots + slot).move()
        (slots + slot).initialize(to: .nil)
        return value
    }

    /// Stores into a slot that holds nil, with nothing to release: only where no code that could
    /// assign the slot ran since `empty`.
    @inline(__always)
    func fill(_ slot: Int, with value: consuming Value) { (slots + slot).initialize(to: value) }

    /// The box of a captured local. A box exists from its declaration on; analysis never resolves a
    /// name to a declaration that has not run.
    @inline(__always)
    func box(_ index: Int) -> Box { boxes[index].unsafelyUnwrapped }

    @inline(__always)
    func declareBox(_ index: Int, _ box: Box) { boxes[index] = box }

    /// The value of a variable the running closure captured.
    @inline(__always)
    func captured(_ index: Int) -> Value { captures[index].value }

    /// Assigns a variable the running closure captured: its box, or, for one captured by value (which
    /// only the REPL assigns: `.enter f`), the closure's copy.
    @inline(__always)
    func assignCaptured(_ index: Int, _ value: consuming Value) {
        switch captures[index] {
        case .shared(let box): box.value = value
        case .value: captures[index] = .value(value)
        }
    }
}

/// The frames of synchronous calls, in two contiguous stacks (values and boxes) that are reserved
/// up front and committed by the system as they are touched. A value stored in the runtime rather
/// than an object of its own: every call reaches it, and reaching an object through another costs a
/// retain and a release.
struct FrameStack: ~Copyable {
    static let valueCapacity = 1 << 22
    static let boxCapacity = 1 << 20

    private let values = UnsafeMutablePointer<Value>.allocate(capacity: FrameStack.valueCapacity)
    private let boxes = UnsafeMutablePointer<Box?>.allocate(capacity: FrameStack.boxCapacity)
    private var valueTop = 0
    private var boxTop = 0

    /// Where the stack stands, to pop back to.
    struct Mark {
        fileprivate let values: Int
        fileprivate let boxes: Int
    }

    deinit {
        values.deallocate()
        boxes.deallocate()
    }

    var mark: Mark { Mark(values: valueTop, boxes: boxTop) }

    /// `mark` with the values' top of `earlier`: the mark of a box-free call, whose boxes stay put.
    func mark(values earlier: Mark) -> Mark { Mark(values: earlier.values, boxes: boxTop) }

    /// A fresh frame for `code`, with every slot from `firstNil` on nil: the caller initializes the
    /// ones before (the receiver and arguments), which then need not be destroyed first. `boxFree`: the
    /// code has no boxes (`FunctionCode.isBoxFree`), and the box stack is left as it is.
    @inline(__always)
    mutating func push(_ code: FunctionCode, captures: UnsafeMutablePointer<Capture>, firstNil: Int, line: Int,
                       boxFree: Bool = false) throws -> Frame
    {
        // Wrapping arithmetic: the tops stay within the capacities, far from overflow, and each checked
        // operation cost a test and a branch (with the borrowed callee's count, eight a call: fib −3.9%
        // instructions; docs/internals.md, "Variables and frames").
        guard valueTop &+ code.slotCount &+ Frame.headerSize <= FrameStack.valueCapacity,
              boxFree || boxTop &+ code.boxCount <= FrameStack.boxCapacity
        else {
            throw ScriptError("Stack overflow.", line: line, class: .stackOverflowError)
        }
        let frameBoxes = boxes + boxTop
        let frame = Frame(header: values + valueTop, boxes: frameBoxes, captures: captures)
        (frame.slots + firstNil).initialize(repeating: .nil, count: code.slotCount &- firstNil)
        valueTop &+= code.slotCount &+ Frame.headerSize
        if !boxFree {
            if code.boxCount > 0 { frameBoxes.initialize(repeating: nil, count: code.boxCount) }
            boxTop &+= code.boxCount
        }
        return frame
    }

    /// The frame pushed at `mark`, the last one pushed (to copy it before it is popped).
    func frame(at mark: Mark) -> Frame {
        Frame(slots: values + mark.values + Frame.headerSize)
    }

    /// Releases the frame pushed at `mark`, if its push succeeded: its slots, after its header. A slot
    /// that holds nil, a boolean or a number has nothing to release and is skipped without the call
    /// that destroying a `Value` makes (fib: two such calls a call of `fib`, −3.5% instructions;
    /// docs/internals.md, "Variables and frames").
    /// `boxFree`: the frame was pushed `boxFree`, and the boxes are where they were.
    /// `receiverIsNil`: a function's frame, whose slot 0 (a method's receiver) nothing writes: it is
    /// not looked at (fib −4.6% instructions; docs/internals.md, "A call's body, in place").
    @inline(__always)
    mutating func pop(to mark: Mark, boxFree: Bool = false, receiverIsNil: Bool = false) {
        var slot = values + mark.values + Frame.headerSize + (receiverIsNil ? 1 : 0)
        let end = values + valueTop
        while slot < end {
            if !slot.pointee.isTrivial { _ = slot.move() }
            slot += 1
        }
        valueTop = mark.values
        if !boxFree {
            (boxes + mark.boxes).destroy(count: boxTop &- mark.boxes)
            boxTop = mark.boxes
        }
    }
}

/// A frame that may outlive a suspension: it owns its memory.
final class HeapFrame {
    let frame: Frame
    private let slotCount: Int
    private let boxCount: Int
    /// How many captures the frame owns: only a copy (`init(copying:of:)`) owns them.
    private let ownedCaptures: Int?

    init(_ code: FunctionCode, captures: UnsafeMutablePointer<Capture>) {
        slotCount = code.slotCount
        boxCount = code.boxCount
        let header = Buffer.allocate(Value.self, capacity: Frame.headerSize + slotCount)
        let boxes = Buffer.allocate(Box?.self, capacity: boxCount)
        boxes.initialize(repeating: nil, count: boxCount)
        frame = Frame(header: header, boxes: boxes, captures: captures)
        frame.slots.initialize(repeating: .nil, count: slotCount)
        ownedCaptures = nil
    }

    /// A copy of `frame`, a frame of `code`, that owns everything it points to, its captures too:
    /// what an error keeps of a frame it left (`PostMortem`) once the frame itself is gone.
    init(copying frame: Frame, of code: FunctionCode) {
        slotCount = code.slotCount
        boxCount = code.boxCount
        let captureCount = code.captureSources.count
        ownedCaptures = captureCount
        let header = Buffer.allocate(Value.self, capacity: Frame.headerSize + slotCount)
        let boxes = Buffer.allocate(Box?.self, capacity: boxCount)
        boxes.initialize(from: frame.boxes, count: boxCount)
        let captures = Buffer.allocate(Capture.self, capacity: captureCount)
        captures.initialize(from: frame.captures, count: captureCount)
        self.frame = Frame(header: header, boxes: boxes, captures: captures)
        self.frame.slots.initialize(from: frame.slots, count: slotCount)
    }

    /// Reports the frame's values and boxes, for the coroutine that alone holds the frame before it
    /// starts (see `Coroutine`).
    func forEachReference(_ visit: inout Traversal) {
        for slot in 0..<slotCount { visit.visit(frame.slots[slot]) }
        for index in 0..<boxCount { if let box = frame.boxes[index] { visit.visit(box) } }
    }

    deinit {
        // The boxes and captures are found through the header: freed last.
        frame.boxes.destroy(count: boxCount)
        Buffer.deallocate(frame.boxes, capacity: boxCount)
        if let ownedCaptures {
            frame.captures.destroy(count: ownedCaptures)
            Buffer.deallocate(frame.captures, capacity: ownedCaptures)
        }
        frame.slots.destroy(count: slotCount)
        Buffer.deallocate(frame.header, capacity: Frame.headerSize + slotCount)
    }
}
