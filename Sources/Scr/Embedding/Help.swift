/// `.help NAME`: what a name is, in a line or two. Library functions and methods come with their
/// signature and what docs/stdlib.md says of them (`LibraryDocs`, generated from it); script
/// functions and classes with their parameters and where they were defined; other values with their
/// type and abbreviated value. `NAME` may be dotted: `math.floor`, `xs.push` (a list's method),
/// `conn.read`, `Point.norm`.
extension Runtime {
    func help(for name: String, in frame: ScriptFrame?) -> String {
        if let entry = LibraryDocs.entries[name] { return LibraryDocs.text(entry) }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, let root = frame?.value(of: first) ?? globals.value(of: first) else {
            return "No '\(parts[0])' here: .help takes a global, a variable of the entered frame, or a library name "
                + "such as len, math.floor, List.push.\n"
        }
        guard parts.count == 2 else {
            return parts.count == 1 ? describe(root, named: name) : "'.help' takes a name or name.member.\n"
        }
        let member = parts[1]
        let typeName: String?
        switch root {
        case .string: typeName = "String"
        case .list: typeName = "List"
        case .map: typeName = "Map"
        case .module(let module): typeName = module.name
        default: typeName = nil
        }
        if let typeName, let entry = LibraryDocs.entries[typeName + "." + member] { return LibraryDocs.text(entry) }
        switch root {
        case .module(let module):
            if let value = module.member(member, shared: globals) { return describe(value, named: name) }
        case .instance(let instance):
            if let field = instance.field(symbols.intern(member)) { return describe(field, named: name) }
            if let method = instance.klass.findMethod(symbols.intern(member)) { return describe(.function(method), named: name) }
        case .class(let klass):
            if let method = klass.findMethod(symbols.intern(member)) { return describe(.function(method), named: name) }
        case .object(let object) where object.hasMethod(member):
            return "\(name)(…)\n  a method of \(object.typeName) (docs/stdlib.md)\n"
        default:
            break
        }
        return "\(first) (\(root.typeName)) has no member '\(member)'.\n"
    }

    private func describe(_ value: Value, named name: String) -> String {
        switch value {
        case .native(let native):
            if let entry = LibraryDocs.entries[native.name] { return LibraryDocs.text(entry) }
            return "\(native.name)(…)\n  a built-in function\n"
        case .function(let closure):
            return "\(closure.code.signature)\n  a function defined at \(closure.code.definedAt)\n"
        case .boundMethod(let bound):
            return "\(bound.method.code.signature)\n  a method defined at \(bound.method.code.definedAt)\n"
        case .class(let klass):
            var text = "class \(klass.name)"
            if let superclass = klass.superclass { text += " < \(superclass.name)" }
            if let initializer = klass.initializer {
                text += "\n  \(klass.name)(\(initializer.code.parameterNames.joined(separator: ", ")))"
            }
            let methods = klass.methodSymbols.map { symbols.name($0) }.filter { $0 != "init" }.sorted()
            if !methods.isEmpty { text += "\n  methods: " + methods.joined(separator: ", ") }
            return text + "\n"
        case .module(let module):
            let names = (module.namespace?.definedNames ?? module.topLevelNames).sorted()
            return "module \(module.name)\n  members: \(names.joined(separator: ", "))\n"
        default:
            return "\(name): a \(value.typeName), \(value.abbreviated)\n"
        }
    }
}

extension LibraryDocs {
    static func text(_ entry: (signature: String, summary: String)) -> String {
        "\(entry.signature)\n  \(entry.summary)\n"
    }
}

extension FunctionCode {
    /// The parameters' names: declared first, after the receiver of a method.
    var parameterNames: [String] {
        let receiver = kind == .method || kind == .initializer ? 1 : 0
        return variables.dropFirst(receiver).prefix(arity).map(\.name)
    }

    /// `async area(w, h)`.
    var signature: String {
        (isAsync ? "async " : "") + (name.hasPrefix("<") ? "fun " : name) + "(" + parameterNames.joined(separator: ", ") + ")"
    }

    /// `app.scr:3`.
    var definedAt: String {
        TaskSummary.Frame.position(file: location.file, line: line)
    }
}
