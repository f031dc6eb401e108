/// `object.name`, looked up by name each time: the generic node.
class PropertyGetNode: Expression {
    let runtime: Runtime
    let object: Expression
    let name: Token
    let symbol: Int

    init(runtime: Runtime, object: Expression, name: Token) {
        self.runtime = runtime
        self.object = object
        self.name = name
        self.symbol = runtime.symbols.intern(name.lexeme)
        super.init(suspends: object.suspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        try runtime.property(of: object.eval(frame), symbol, name)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        try runtime.property(of: await object.value(frame), symbol, name)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(object), name.lexeme]
    }
}

/// `object.name`, with the field's position cached per class (see `FieldCache`).
final class CachedPropertyGetNode: PropertyGetNode {
    // Unchecked exclusivity: confined to the executor; updated without calling out.
    @exclusivity(unchecked) private var cache = FieldCache()

    override func eval(_ frame: Frame) throws -> Value {
        let object = try object.eval(frame)
        if case .instance(let instance) = object, let position = cache.position(of: symbol, in: instance.klass),
           let field = instance[position] {
            return field
        }
        return try runtime.property(of: object, symbol, name)
    }
}

/// `variable.name` (`this.name` most often), with the instance read where the variable holds it
/// (see `VariablePlace`).
final class PlacePropertyGetNode: Expression {
    let runtime: Runtime
    let object: VariablePlace
    let name: Token
    let symbol: Int
    // Unchecked exclusivity: confined to the executor; updated without calling out.
    @exclusivity(unchecked) private var cache = FieldCache()

    init(runtime: Runtime, object: VariablePlace, name: Token) {
        self.runtime = runtime
        self.object = object
        self.name = name
        self.symbol = runtime.symbols.intern(name.lexeme)
    }

    override func eval(_ frame: Frame) throws -> Value {
        if let instance = object.instance(in: frame),
           let position = cache.position(of: symbol, in: instance.klass),
           let field = instance._withUnsafeGuaranteedRef({ $0[position] }) {
            return field
        }
        return try runtime.property(of: object.value(in: frame), symbol, name)
    }

    /// `this.left == nil`: the field is tested where the instance keeps it, not copied out (binary_trees
    /// and tree_walk −2.7% instructions; docs/internals.md, "Node shapes").
    override func isNil(_ frame: Frame) throws -> Bool {
        if let instance = object.instance(in: frame),
           let position = cache.position(of: symbol, in: instance.klass),
           let answer = instance._withUnsafeGuaranteedRef({ $0.holdsNil(at: position) }) {
            return answer
        }
        return try super.isNil(frame)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(object)", name.lexeme]
    }
}

/// `variable.name = value`, with the instance read where the variable holds it (see `VariablePlace`),
/// for a value that cannot assign the variable (`Expr.mayAssignLocals`, `mayAssignGlobals`): the
/// variable then keeps the instance alive until the value is stored.
final class PlacePropertySetNode: Expression {
    let object: VariablePlace
    let name: Token
    let symbol: Int
    let value: Expression
    // Unchecked exclusivity: confined to the executor; updated without calling out.
    @exclusivity(unchecked) private var cache = FieldCache()

    init(object: VariablePlace, name: Token, symbol: Int, value: Expression) {
        self.object = object
        self.name = name
        self.symbol = symbol
        self.value = value
    }

    override func eval(_ frame: Frame) throws -> Value {
        guard let instance = object.instance(in: frame) else {
            // An undefined global is that error first.
            return try setNativeProperty(of: object.value(in: frame), name, to: value, frame)
        }
        let value = try value.eval(frame)
        let position = cache.positionForSetting(symbol, in: instance.klass)
        instance._withUnsafeGuaranteedRef { $0[position] = value }
        return value
    }

    /// Runs the assignment as a statement (`PropertySetStatement`): the value is moved into the
    /// field, not copied to be returned as well.
    func assign(_ frame: Frame) throws {
        guard let instance = object.instance(in: frame) else {
            _ = try setNativeProperty(of: object.value(in: frame), name, to: value, frame)
            return
        }
        var value: Value? = try value.eval(frame)
        let position = cache.positionForSetting(symbol, in: instance.klass)
        instance._withUnsafeGuaranteedRef { $0[position] = value.take() }
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(object)", name.lexeme, dump.expression(value)]
    }
}

/// `object.name = value`, the field found by name each time: the generic node. As in jlox, the object
/// must be an instance before the value is evaluated.
class PropertySetNode: Expression {
    let object: Expression
    let name: Token
    let symbol: Int
    let value: Expression

    init(object: Expression, name: Token, symbol: Int, value: Expression) {
        self.object = object
        self.name = name
        self.symbol = symbol
        self.value = value
        super.init(suspends: object.suspends || value.suspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        let target = try object.eval(frame)
        guard case .instance(let instance) = target else { return try setNativeProperty(of: target, name, to: value, frame) }
        let value = try value.eval(frame)
        instance.setField(symbol, value)
        return value
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let target = try await object.value(frame)
        guard case .instance(let instance) = target else {
            let native = try nativeObject(of: target, name)
            let value = try await value.value(frame)
            try native.setProperty(name.lexeme, value, line: name.line)
            return value
        }
        let value = try await value.value(frame)
        instance.setField(symbol, value)
        return value
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(object), name.lexeme, dump.expression(value)]
    }
}

/// `object.name = value`, with the field's position cached per class (see `FieldCache`).
final class CachedPropertySetNode: PropertySetNode {
    // Unchecked exclusivity: confined to the executor; updated without calling out.
    @exclusivity(unchecked) private var cache = FieldCache()

    override func eval(_ frame: Frame) throws -> Value {
        let target = try object.eval(frame)
        guard case .instance(let instance) = target else { return try setNativeProperty(of: target, name, to: value, frame) }
        let value = try value.eval(frame)
        instance[cache.positionForSetting(symbol, in: instance.klass)] = value
        return value
    }
}

/// `object.name = value` where the object is not an instance: a native object's property (a host
/// object's, see `HostObject`), or jlox's error for anything else, before the value is evaluated.
private func setNativeProperty(of target: Value, _ name: Token, to value: Expression, _ frame: Frame) throws -> Value {
    let native = try nativeObject(of: target, name)
    let value = try value.eval(frame)
    try native.setProperty(name.lexeme, value, line: name.line)
    return value
}

private func nativeObject(of target: Value, _ name: Token) throws -> NativeObject {
    guard case .object(let native) = target else {
        throw ScriptError("Only instances have fields.", line: name.line, class: .typeError)
    }
    return native
}
