/// Loading modules: `import "path.scr";` runs a file once per interpreter, the first time it is
/// imported. The imports a program starts with are compiled before anything runs, so that a syntax
/// error in one of them is a compile error of the program (exit status 65), as in the main file; a
/// module first reached later is compiled when its import runs, and its errors are runtime errors
/// (`ImportError`) with the same text.
extension Runtime {
    /// Compiles the modules `statements` start by importing, and theirs, in turn.
    func compileLeadingImports(of statements: [Stmt], directory: String) throws(CompileError) {
        for statement in statements {
            guard case .import(_, let name) = statement else { return }
            let path = SourceFile.resolve(name.text, relativeTo: directory)
            guard compiledModules[path] == nil, !importedModules.contains(path),
                  let source = try? SourceFile.read(path)  // A missing file is the import's runtime error.
            else { continue }
            let parsed = Parser.parse(source)
            guard parsed.isValid else { throw CompileError(parsed.diagnostics, file: path, mainFile: mainFile) }
            let code = try analyzeModule(parsed.statements, path)
            compiledModules[path] = code
            try compileLeadingImports(of: parsed.statements, directory: SourceFile.directory(of: path))
        }
    }

    private func analyzeModule(_ statements: [Stmt], _ path: String) throws(CompileError) -> FunctionCode {
        switch Analyzer.analyze(statements, runtime: self, mode: .script, file: path) {
        case .success(let code): return code
        case .failure(let error): throw CompileError(error.diagnostics, file: path, mainFile: mainFile)
        }
    }

    func importModule(_ name: String, at path: String, line: Int) throws {
        if importedModules.contains(path) { return }
        if let start = modulesBeingImported.firstIndex(where: { $0.path == path }) {
            let cycle = (modulesBeingImported[start...].map(\.name) + [name]).joined(separator: " -> ")
            throw ScriptError("Import cycle: \(cycle).", line: line, class: .importError)
        }
        let code = try compiledModules[path] ?? compileModule(name, at: path, line: line)
        guard !code.body.suspends else {
            throw ScriptError("Module '\(name)' can't use 'await' at its top level.", line: line, class: .importError)
        }
        modulesBeingImported.append((name, path))
        defer { modulesBeingImported.removeLast() }
        let heap = HeapFrame(code, captures: noCaptures)
        do {
            _ = try withExtendedLifetime(heap) { try code.body.exec(heap.frame) }
        } catch let error as ScriptError {
            error.leave(code.location)
            error.arrive(at: line)
            throw error
        }
        importedModules.insert(path)
    }

    /// A module reached after the program started: its compile errors are runtime errors.
    private func compileModule(_ name: String, at path: String, line: Int) throws -> FunctionCode {
        let source: String
        do {
            source = try SourceFile.read(path)
        } catch let error as SourceFile.ReadError {
            throw ScriptError("Can't import '\(name)': \(error.reason).", line: line, class: .importError)
        }
        do {
            let parsed = Parser.parse(source)
            guard parsed.isValid else { throw CompileError(parsed.diagnostics, file: path, mainFile: mainFile) }
            let code = try analyzeModule(parsed.statements, path)
            compiledModules[path] = code
            return code
        } catch let error as CompileError {
            throw ScriptError(error.description, line: line, class: .importError)
        }
    }
}
