/// Global variables. Analysis gives each name a cell that never moves, and nodes hold the cell's
/// address: reading a global is one load, with no table, no bounds check and no reference counting.
/// A cell holds nil until the global is defined, so reading it first is the runtime error jlox
/// reports.
final class Globals {
    typealias Cell = UnsafeMutablePointer<Value?>

    private static let pageSize = 256

    /// Calls `body` with the value of a defined global where it lies, to read without copying it out
    /// of its optional (a retain and a release). A `Value?` that holds a value has the layout of the
    /// `Value`: nil is a tag no value uses.
    @inline(__always)
    static func withDefinedValue<T>(_ cell: Cell, _ body: (UnsafeMutablePointer<Value>) throws -> T) rethrows -> T {
        try cell.withMemoryRebound(to: Value.self, capacity: 1, body)
    }

    private(set) var names: [String] = []
    private var cells: [String: Cell] = [:]
    private var pages: [Cell] = []
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
            pages.append(Cell.allocate(capacity: Globals.pageSize))
            used = 0
        }
        let cell = pages[pages.count - 1] + used
        cell.initialize(to: nil)
        used += 1
        cells[name] = cell
        names.append(name)
        return cell
    }

    /// Undefines every global (cells stay valid for the nodes that point at them).
    func clear() {
        for cell in cells.values { cell.pointee = nil }
    }

    func define(_ name: String, _ value: Value) {
        cell(for: name).pointee = value
    }

    func value(of name: String) -> Value? {
        cells[name]?.pointee
    }

    /// The names of the globals that are defined now, for completion and inspection.
    var definedNames: [String] {
        names.filter { cells[$0]!.pointee != nil }
    }
}
