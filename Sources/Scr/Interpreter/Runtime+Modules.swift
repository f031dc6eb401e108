/// Loading modules: `import "path.scr";` runs a file once per interpreter.
extension Runtime {
    func importModule(_ name: String, at path: String, line: Int) throws {
        if importedModules.contains(path) { return }
        if let start = modulesBeingImported.firstIndex(where: { $0.path == path }) {
            let cycle = (modulesBeingImported[start...].map(\.name) + [name]).joined(separator: " -> ")
            throw ScriptError("Import cycle: \(cycle).", line: line)
        }
        let source: String
        do {
            source = try SourceFile.read(path)
        } catch let error as SourceFile.ReadError {
            throw ScriptError("Can't import '\(name)': \(error.reason).", line: line)
        }
        let parsed = Parser.parse(source)
        guard parsed.isValid else {
            throw ScriptError("Error in module '\(name)':\n\(CompileError(parsed.diagnostics))", line: line)
        }
        let code: FunctionCode
        switch Analyzer.analyze(parsed.statements, runtime: self, mode: .script,
                                directory: SourceFile.directory(of: path)) {
        case .success(let analysed): code = analysed
        case .failure(let error): throw ScriptError("Error in module '\(name)':\n\(error)", line: line)
        }
        guard !code.body.suspends else {
            throw ScriptError("Module '\(name)' can't use 'await' at its top level.", line: line)
        }
        modulesBeingImported.append((name, path))
        defer { modulesBeingImported.removeLast() }
        let heap = HeapFrame(code, captures: noCaptures)
        _ = try withExtendedLifetime(heap) { try code.body.exec(heap.frame) }
        importedModules.insert(path)
    }
}
