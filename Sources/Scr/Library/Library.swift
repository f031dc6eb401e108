/// The standard library: built-in modules that scripts import by name (`import "math" as math;`),
/// and the prelude, the globals every interpreter starts with. docs/stdlib.md documents each function.
///
/// A built-in module is made the first time a script imports it, once per interpreter, and is then
/// a module like any other: `math.floor` reads a member, a plain `import "math";` copies its members
/// into the globals, and completion lists them.
enum Library {
    static let moduleNames = ["http", "io", "json", "math", "net", "os", "process", "random", "time"]

    /// The members of the module an import names; nil if there is no built-in module of that name.
    static func members(ofModule name: String, _ runtime: Runtime) -> [(String, Value)]? {
        switch name {
        case "math": MathLibrary.members(runtime)
        case "io": FileLibrary.members(runtime)
        case "os": OSLibrary.members(runtime)
        case "time": TimeLibrary.members(runtime)
        case "json": JSONLibrary.members(runtime)
        case "random": RandomLibrary.members(runtime)
        case "net": NetLibrary.members(runtime)
        case "http": HTTPLibrary.members(runtime)
        case "process": ProcessLibrary.members(runtime)
        default: nil
        }
    }

    /// The globals beside jlox's `clock` and the async core: the functions scripts use most.
    static func installPrelude(in runtime: Runtime) {
        var members = Prelude.members(runtime) + MathLibrary.preludeMembers() + AsyncLibrary.members(runtime)
        // The script's arguments: the host (the `scr` command) sets them; none until then.
        members.append(("args", .list(runtime.track(ListObject([])))))
        for (name, value) in members { runtime.globals.define(name, value) }
    }
}

/// A member of a library module: a native function under its own name.
func native(_ name: String, _ arity: Int, _ body: @escaping (NativeCall) throws -> Value) -> (String, Value) {
    (name, .native(.library(name, arity, body)))
}

func native(_ name: String, _ arity: ClosedRange<Int>, _ body: @escaping (NativeCall) throws -> Value)
    -> (String, Value)
{
    (name, .native(.library(name, arity, body)))
}

extension Runtime {
    /// The built-in module `name`, made on first use; nil if there is none of that name.
    func builtinModule(_ name: String) -> ModuleObject? {
        let key = "builtin:" + name
        if let module = modules[key] { return module }
        guard let members = Library.members(ofModule: name, self) else { return nil }
        let module = ModuleObject(name: name, path: key, file: "<\(name)>", namespaced: true)
        for (member, value) in members { module.namespace!.define(member, value) }
        module.hasRun = true
        modules[key] = module
        return module
    }
}
