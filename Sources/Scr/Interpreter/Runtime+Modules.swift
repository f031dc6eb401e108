/// Modules. A name without a path, `import "math" as math;`, is a built-in module (Library.swift),
/// found before any file. `import "path.scr";` runs a file once per interpreter, the first time it is imported,
/// with its globals in the program's global namespace; `import "path.scr" as m;` runs it in a
/// namespace of its own and binds `m` to the module's value, whose fields are its globals.
///
/// A module is known by its real path (`./m.scr`, `m.scr` and `sub/../m.scr` are one module). Paths
/// are relative to the importing file, then to each directory of `SCR_PATH`. The imports a program
/// starts with are compiled before anything runs, so that a syntax error in one of them is a compile
/// error of the program (exit status 65), as in the main file; a module first reached later is
/// compiled when its import runs, and its errors are runtime errors (`ImportError`) with the same text.
extension Runtime {
    /// Compiles the modules `statements` start by importing, and theirs, in turn.
    func compileLeadingImports(of statements: [Stmt], directory: String) throws(CompileError) {
        for statement in statements {
            guard case .import(_, let name, let alias) = statement else { return }
            if Library.moduleNames.contains(name.text) { continue }
            guard let path = modulePath(name.text, from: directory), modules[path] == nil,
                  let source = try? SourceFile.read(path)  // An unreadable file is the import's runtime error.
            else { continue }
            let module = ModuleObject(name: name.text, path: path, file: SourceFile.resolve(name.text, relativeTo: directory),
                                      namespaced: alias != nil)
            let statements = try compile(module, source)
            modules[path] = module
            try compileLeadingImports(of: statements, directory: SourceFile.directory(of: module.file))
        }
    }

    /// Imports the module `name` (as written, relative to `directory`): compiles it if need be, runs
    /// it if it has not run, and returns it. `namespaced`: the import binds the module's value.
    func importModule(_ name: String, from directory: String, namespaced: Bool, line: Int) throws -> ModuleObject {
        if let module = builtinModule(name) {
            if !namespaced { module.shareGlobals(with: globals) }
            return module
        }
        guard let path = modulePath(name, from: directory) else {
            throw ScriptError("Can't import '\(name)': No such file or directory.", line: line, class: .importError)
        }
        if let start = modulesBeingImported.firstIndex(where: { $0.path == path }) {
            let cycle = (modulesBeingImported[start...].map(\.name) + [name]).joined(separator: " -> ")
            throw ScriptError("Import cycle: \(cycle).", line: line, class: .importError)
        }
        let module = try modules[path] ?? compileLate(name, path: path, directory: directory, namespaced: namespaced,
                                                      line: line)
        if !module.hasRun { try run(module, name, line: line) }
        if !namespaced { module.shareGlobals(with: globals) }
        return module
    }

    private func run(_ module: ModuleObject, _ name: String, line: Int) throws {
        guard let code = module.code else { return }
        guard !code.body.suspends else {
            throw ScriptError("Module '\(name)' can't use 'await' at its top level.", line: line, class: .importError)
        }
        modulesBeingImported.append((name, module.path))
        defer { modulesBeingImported.removeLast() }
        let heap = HeapFrame(code, captures: noCaptures)
        do {
            _ = try withExtendedLifetime(heap) { try code.body.exec(heap.frame) }
        } catch let error as ScriptError {
            error.leave(code.location)
            error.arrive(at: line)
            throw error
        }
        module.hasRun = true
    }

    /// A module first reached after the program started: its compile errors are runtime errors.
    private func compileLate(_ name: String, path: String, directory: String, namespaced: Bool, line: Int) throws
        -> ModuleObject
    {
        let source: String
        do {
            source = try SourceFile.read(path)
        } catch let error as SourceFile.ReadError {
            throw ScriptError("Can't import '\(name)': \(error.reason).", line: line, class: .importError)
        }
        let module = ModuleObject(name: name, path: path, file: SourceFile.resolve(name, relativeTo: directory),
                                  namespaced: namespaced)
        do {
            _ = try compile(module, source)
        } catch {
            throw ScriptError(error.description, line: line, class: .importError)
        }
        modules[path] = module
        return module
    }

    /// Compiles a module's source into its code, in its namespace; returns its statements.
    private func compile(_ module: ModuleObject, _ source: String) throws(CompileError) -> [Stmt] {
        let parsed = Parser.parse(source)
        guard parsed.isValid else { throw CompileError(parsed.diagnostics, file: module.file, mainFile: mainFile) }
        let namespace = module.namespace.map { Analyzer.Namespace(module: $0, statements: parsed.statements, shared: globals) }
        switch Analyzer.analyze(parsed.statements, runtime: self, mode: .script, file: module.file, namespace: namespace) {
        case .success(let code): module.code = code
        case .failure(let error): throw CompileError(error.diagnostics, file: module.file, mainFile: mainFile)
        }
        module.topLevelNames = parsed.statements.compactMap(\.declaredName)
        return parsed.statements
    }

    /// The real path of the module `name` imported from `directory`: beside the importing file, else
    /// in a directory of `SCR_PATH`; nil if there is none.
    func modulePath(_ name: String, from directory: String) -> String? {
        if name.hasPrefix("/") { return System.realPath(name) }
        if let path = System.realPath(SourceFile.resolve(name, relativeTo: directory)) { return path }
        for entry in (System.environment("SCR_PATH") ?? "").split(separator: ":") where !entry.isEmpty {
            if let path = System.realPath(String(entry) + "/" + name) { return path }
        }
        return nil
    }

    /// `module.name` in a script.
    func moduleMember(_ module: ModuleObject, _ name: Token) throws -> Value {
        if let value = module.member(name.lexeme, shared: globals) { return value }
        throw ScriptError("Module '\(module.name)' has no '\(name.lexeme)'.", line: name.line, class: .nameError)
    }
}

/// A module: where its file is, its code, and, for one imported `as` a name, its namespace. Its value
/// in scripts is the module (`import "geometry.scr" as geo;` then `geo.area(…)`).
package final class ModuleObject {
    /// The module's path as first imported, for messages.
    let name: String
    /// Its real path: its identity.
    let path: String
    /// Its path relative to the importing file, for tracebacks.
    let file: String
    /// Its own globals, for a module first imported `as` a name; nil when it runs in the program's.
    let namespace: Globals?
    var code: FunctionCode?
    var hasRun = false
    /// The names its top level declares: its members, when it ran in the program's namespace.
    var topLevelNames: [String] = []
    /// Whether its globals were copied into the program's namespace (a plain import after an `as`).
    private var shared = false

    init(name: String, path: String, file: String, namespaced: Bool) {
        self.name = name
        self.path = path
        self.file = file
        namespace = namespaced ? Globals() : nil
    }

    /// The value of the member `name`; nil if the module has none.
    func member(_ name: String, shared globals: Globals) -> Value? {
        if let namespace { return namespace.value(of: name) }
        return topLevelNames.contains(name) ? globals.value(of: name) : nil
    }

    /// A plain import of a module that runs in a namespace of its own copies its globals into the
    /// program's namespace (once, as they are then): their values, not the variables.
    func shareGlobals(with globals: Globals) {
        guard let namespace, !shared else { return }
        shared = true
        for name in namespace.definedNames { globals.define(name, namespace.value(of: name)!) }
    }
}

extension Stmt {
    /// The global a top-level statement declares, if it declares one.
    var declaredName: String? {
        switch self {
        case .variable(let name, _): name.lexeme
        case .function(let declaration): declaration.name.lexeme
        case .class(let declaration): declaration.name.lexeme
        case .import(_, _, let alias?): alias.lexeme
        default: nil
        }
    }
}
