/// `import "path.scr";`: runs the module once per interpreter; its globals become everyone's.
final class ImportStatement: Statement {
    unowned(unsafe) let runtime: Runtime
    let path: String
    let line: Int

    init(runtime: Runtime, path: String, line: Int) {
        self.runtime = runtime
        self.path = path
        self.line = line
    }

    override func exec(_ frame: Frame) throws -> Value? {
        try runtime.importModule(path, line: line)
        return nil
    }
}

extension Runtime {
    func importModule(_ path: String, line: Int) throws {
        if importedModules.contains(path) { return }
        if let start = modulesBeingImported.firstIndex(of: path) {
            let cycle = (modulesBeingImported[start...] + [path]).joined(separator: " -> ")
            throw ScriptError("Import cycle: \(cycle).", line: line)
        }
        let source: String
        do {
            source = try SourceFile.read(path)
        } catch {
            throw ScriptError("Can't import '\(path)': \(error).", line: line)
        }
        let parsed = Parser.parse(source)
        guard parsed.isValid else {
            throw ScriptError("Error in module '\(path)':\n\(CompileError(parsed.diagnostics))", line: line)
        }
        let code: FunctionCode
        switch Analyzer.analyze(parsed.statements, runtime: self, mode: .script,
                                directory: SourceFile.directory(of: path)) {
        case .success(let analysed): code = analysed
        case .failure(let error): throw ScriptError("Error in module '\(path)':\n\(error)", line: line)
        }
        guard !code.body.suspends else {
            throw ScriptError("Module '\(path)' can't use 'await' at its top level.", line: line)
        }
        modulesBeingImported.append(path)
        defer { modulesBeingImported.removeLast() }
        _ = try code.body.exec(Frame.make(code, captures: []))
        importedModules.insert(path)
    }
}
