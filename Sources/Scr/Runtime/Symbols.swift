/// Interned property and method names. Analysis turns every name after a `.` into a small integer so
/// that field and method lookup compares integers, not strings.
final class Symbols {
    static let initSymbol = 0
    static let messageSymbol = 1

    private var ids: [String: Int] = [:]
    private(set) var names: [String] = []

    init() {
        _ = intern("init")
        _ = intern("message")
        for method in BuiltinMethod.allCases { _ = intern(method.name) }
    }

    func intern(_ name: String) -> Int {
        if let id = ids[name] { return id }
        let id = names.count
        ids[name] = id
        names.append(name)
        return id
    }

    func name(_ symbol: Int) -> String { names[symbol] }
}
