/// `import "path.scr";`: runs the module once per interpreter; its globals become everyone's.
final class ImportStatement: Statement {
    let runtime: Runtime
    /// The module's path as written, for messages, and resolved against the importing file.
    let name: String
    let path: String

    init(runtime: Runtime, name: String, path: String, line: Int) {
        self.runtime = runtime
        self.name = name
        self.path = path
        super.init(line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        try runtime.importModule(name, at: path, line: line)
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [name]
    }
}
