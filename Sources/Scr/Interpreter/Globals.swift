/// Global variables. Analysis gives each name a cell that never moves, and nodes hold the cell's
/// address: reading a global is one load, with no table, no bounds check and no reference counting.
/// A cell holds nil until the global is defined, so reading it first is the runtime error jlox
/// reports.
final class Globals {
    typealias Cell = UnsafeMutablePointer<Value?>

    private static let pageSize = 256

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
