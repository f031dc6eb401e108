/// `import "path.scr";` and `import "path.scr" as name;` (see `Runtime+Modules`).
final class ImportStatement: Statement {
    let runtime: Runtime
    /// The module's path as written.
    let name: String
    /// The directory of the importing file, which the path is relative to.
    let directory: String
    /// Where `as name` binds the module's value.
    let alias: VariableLocation?

    init(runtime: Runtime, name: String, directory: String, alias: VariableLocation?, line: Int) {
        self.runtime = runtime
        self.name = name
        self.directory = directory
        self.alias = alias
        super.init(line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        let module = try runtime.importModule(name, from: directory, namespaced: alias != nil, line: line)
        alias?.declare(.module(module), in: frame, runtime)
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [name] + (alias.map { ["as \($0)"] } ?? [])
    }
}
