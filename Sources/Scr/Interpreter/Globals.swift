/// Global variables. Analysis gives each name a cell that never moves, and nodes hold the cell's
/// address: reading a global is one load, with no table, no bounds check and no reference counting.
/// A cell holds nil until the global is defined, so reading it first is the runtime error jlox
/// reports.
final class Globals {
    typealias Cell = UnsafeMutablePointer<Value?>

    /// What a page holds for each global: the cell, and the name beside it, so that a node holding
    /// only the cell can still name the global in an error (`name(of:)`) — a place that carried the
    /// name was 64 bytes, which the nodes holding one copied to read it (see `VariablePlace`).
    private struct Entry {
        var value: Value?
        let name: String
    }

    private static let pageSize = 256

    /// Calls `body` with the value of a defined global where it lies, to read without copying it out
    /// of its optional (a retain and a release). A `Value?` that holds a value has the layout of the
    /// `Value`: nil is a tag no value uses.
    @inline(__always)
    static func withDefinedValue<T>(_ cell: Cell, _ body: (UnsafeMutablePointer<Value>) throws -> T) rethrows -> T {
        try cell.withMemoryRebound(to: Value.self, capacity: 1, body)
    }

    /// Stores `value` in `cell`: every assignment of a global goes through here. A function, class or
    /// native that a running call borrowed from a global (`GlobalCallNode`, which does not retain it)
    /// is not released by the assignment, which may drop its last reference, but retires: it holds
    /// itself until the last call that borrowed it returns (see `BorrowableCallee`).
    @inline(__always)
    static func store(_ value: consuming Value?, in cell: Cell) {
        switch cell.pointee {
        case .function(let old)?: old.retireIfBorrowed()
        case .class(let old)?: old.retireIfBorrowed()
        case .native(let old)?: old.retireIfBorrowed()
        default: break
        }
        cell.pointee = value
    }

    /// The function a global holds, unretained; nil if it holds something else or is undefined.
    @inline(__always)
    static func unretainedFunction(in cell: Cell) -> Unmanaged<Closure>? {
        if case .function(let closure)? = cell.pointee { return Unmanaged.passUnretained(closure) }
        return nil
    }

    /// The class a global holds, unretained; nil if it holds something else or is undefined.
    @inline(__always)
    static func unretainedClass(in cell: Cell) -> Unmanaged<ClassObject>? {
        if case .class(let klass)? = cell.pointee { return Unmanaged.passUnretained(klass) }
        return nil
    }

    /// The native a global holds, unretained; nil if it holds something else or is undefined.
    @inline(__always)
    static func unretainedNative(in cell: Cell) -> Unmanaged<NativeFunction>? {
        if case .native(let native)? = cell.pointee { return Unmanaged.passUnretained(native) }
        return nil
    }

    /// The name of the global whose cell this is.
    static func name(of cell: Cell) -> String {
        UnsafeMutableRawPointer(cell).assumingMemoryBound(to: Entry.self).pointee.name
    }

    private(set) var names: [String] = []
    private var cells: [String: Cell] = [:]
    private var pages: [UnsafeMutablePointer<Entry>] = []
    private var used = Globals.pageSize

    deinit {
        for (index, page) in pages.enumerated() {
            page.deinitialize(count: index == pages.count - 1 ? used : Globals.pageSize)
            page.deallocate()
        }
    }

    func cell(for name: String) -> Cell {
        if let cell = cells[name] { return cell }
        if used == Globals.pageSize {
            pages.append(.allocate(capacity: Globals.pageSize))
            used = 0
        }
        let entry = pages[pages.count - 1] + used
        entry.initialize(to: Entry(value: nil, name: name))
        used += 1
        // The value is the entry's first field: the cell is the entry's address (`name(of:)`).
        let cell = entry.pointer(to: \.value)!
        precondition(UnsafeMutableRawPointer(cell) == UnsafeMutableRawPointer(entry))
        cells[name] = cell
        names.append(name)
        return cell
    }

    /// Undefines every global (cells stay valid for the nodes that point at them).
    func clear() {
        for cell in cells.values { Globals.store(nil, in: cell) }
    }

    func define(_ name: String, _ value: Value) {
        Globals.store(value, in: cell(for: name))
    }

    func value(of name: String) -> Value? {
        cells[name]?.pointee
    }

    /// The names of the globals that are defined now, for completion and inspection.
    var definedNames: [String] {
        names.filter { cells[$0]!.pointee != nil }
    }
}

/// A function, class or native that a call borrows from a global without retaining it
/// (`GlobalCallNode`): reading it into a value and destroying the value cost a retain and a release
/// per call, 18% of fib's instructions. The outermost call borrowing the callee marks it borrowed
/// (`isBorrowed`) until it returns; an assignment of a global that may drop its last reference
/// meanwhile makes it hold itself (`retiredWhileBorrowed`) until then (`Globals.store`, through
/// which every assignment of a global goes). docs/internals.md, "Borrowed references".
///
/// Only the outermost call marks and unmarks, because borrowing calls nest: script code runs on the
/// executor alone, and a synchronous call never suspends, so a call that borrows the callee while
/// another does began after it and returns before it. The calls nested in it (a recursion's) only
/// read the mark: a count, added to and taken from by every call, made each call's update wait for
/// the one before it through memory (fib 3% and async_fib 6% slower than with the mark, with about
/// the same instructions).
protocol BorrowableCallee: AnyObject {
    var isBorrowed: Bool { get set }
    var retiredWhileBorrowed: Self? { get set }
}

extension BorrowableCallee {
    /// For `Globals.store`, before a global that holds this callee is assigned.
    @inline(__always)
    func retireIfBorrowed() {
        if isBorrowed, retiredWhileBorrowed == nil { retiredWhileBorrowed = self }
    }
}

extension Unmanaged where Instance: BorrowableCallee {
    /// Marks the callee borrowed unless an enclosing call did; true if this call is the outermost.
    /// `endBorrowing(outermost:)` must follow, with the answer, on every way out of the call.
    @inline(__always)
    func beginBorrowing() -> Bool {
        _withUnsafeGuaranteedRef { callee in
            if callee.isBorrowed { return false }
            callee.isBorrowed = true
            return true
        }
    }

    /// Runs `body` with the callee, marked borrowed from before to after it on every way out.
    @inline(__always)
    func borrowing<Result>(_ body: (Instance) throws -> Result) rethrows -> Result {
        let outermost = beginBorrowing()
        let result: Result
        do {
            result = try _withUnsafeGuaranteedRef(body)
        } catch {
            endBorrowing(outermost: outermost)
            throw error
        }
        endBorrowing(outermost: outermost)
        return result
    }

    /// Ends a borrowing call. The outermost lets a retired callee go, after the call's last use of it.
    @inline(__always)
    func endBorrowing(outermost: Bool) {
        guard outermost else { return }
        let releases = _withUnsafeGuaranteedRef { callee -> Bool in
            callee.isBorrowed = false
            return callee.retiredWhileBorrowed != nil
        }
        // Out of line and only when there is one: destroying the optional every time called
        // `swift_release` with nil after each call not nested in another of the callee (empty_init
        // −1.9%, closures −0.5% instructions).
        if releases { releaseRetired() }
    }

    @inline(never)
    private func releaseRetired() {
        let retired = _withUnsafeGuaranteedRef { $0.retiredWhileBorrowed.take() }
        _ = consume retired
    }
}
