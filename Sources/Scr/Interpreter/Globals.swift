/// Global variables, each in a slot that analysis assigns by name. A slot holds nil until the global
/// is defined, so reading it first is the runtime error jlox reports.
final class Globals {
    private(set) var names: [String] = []
    private var slots: [String: Int] = [:]
    var values: ContiguousArray<Value?> = []

    func slot(for name: String) -> Int {
        if let slot = slots[name] { return slot }
        let slot = names.count
        slots[name] = slot
        names.append(name)
        values.append(nil)
        return slot
    }

    func define(_ name: String, _ value: Value) {
        values[slot(for: name)] = value
    }

    func value(of name: String) -> Value? {
        slots[name].flatMap { values[$0] }
    }

    /// The names of the globals that are defined now, for completion and inspection.
    var definedNames: [String] {
        names.indices.filter { values[$0] != nil }.map { names[$0] }
    }
}
