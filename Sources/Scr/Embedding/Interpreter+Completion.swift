extension Interpreter {
    /// Completions for the word before the cursor: keywords and defined globals, or after a `.`, the
    /// fields and methods of the value the dotted name before it refers to. Reads variables and fields
    /// only: completing never runs script code.
    public func completions(for word: String) async -> [String] {
        let result = try? await onExecutor { runtime in runtime.completions(for: word) }
        return result?.value ?? []
    }
}

extension Runtime {
    /// Keywords, globals and the variables of `frame` (a frame a session entered) that start with
    /// `word`; after a dot, the members of what the words before name.
    func completions(for word: String, in frame: ScriptFrame? = nil) -> [String] {
        let parts = word.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else {
            let names = Set(TokenKind.keywords.keys).union(globals.definedNames)
                .union(frame?.visible.map(\.name) ?? [])
            return names.filter { $0.hasPrefix(word) }.sorted()
        }
        guard var value = frame?.value(of: parts[0]) ?? globals.value(of: parts[0]) else { return [] }
        for name in parts.dropFirst().dropLast() {
            switch value {
            case .instance(let instance):
                guard let field = instance.field(symbols.intern(name)) else { return [] }
                value = field
            case .module(let module):
                guard let member = module.member(name, shared: globals) else { return [] }
                value = member
            default:
                return []
            }
        }
        let stem = parts.dropLast().joined(separator: ".") + "."
        let prefix = parts[parts.count - 1]
        return memberNames(of: value).filter { $0.hasPrefix(prefix) }.sorted().map { stem + $0 }
    }

    private func memberNames(of value: Value) -> Set<String> {
        switch value {
        case .instance(let instance):
            let fields = instance.fieldSymbols.map { symbols.name($0) }
            let methods = instance.klass.methodSymbols.map { symbols.name($0) }
            return Set(fields + methods)
        case .module(let module):
            return Set(module.namespace?.definedNames ?? module.topLevelNames)
        case .list: return names(BuiltinMethod.ofLists)
        case .map: return names(BuiltinMethod.ofMaps)
        case .string: return names(BuiltinMethod.ofStrings)
        case .task: return names(BuiltinMethod.ofTasks)
        case .object(let object):
            return Set(object.methodNames)
        default:
            return []
        }
    }

    private func names(_ methods: [BuiltinMethod]) -> Set<String> {
        Set(methods.map(\.name))
    }
}
