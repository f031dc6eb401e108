/// `object.name`.
final class PropertyGetNode: Expression {
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

    private var cache = FieldCache()

    override func eval(_ frame: Frame) throws -> Value {
        let object = try object.eval(frame)
        if case .instance(let instance) = object, let position = cache.position(of: symbol, in: instance.klass),
           let field = instance[position] {
            return field
        }
        return try runtime.property(of: object, symbol, name)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        try runtime.property(of: await object.value(frame), symbol, name)
    }
}

/// `variable.name` (`this.name` most often), with the instance read where the variable holds it
/// (see `VariablePlace`).
final class PlacePropertyGetNode: Expression {
    let runtime: Runtime
    let object: VariablePlace
    let name: Token
    let symbol: Int
    private var cache = FieldCache()

    init(runtime: Runtime, object: VariablePlace, name: Token) {
        self.runtime = runtime
        self.object = object
        self.name = name
        self.symbol = runtime.symbols.intern(name.lexeme)
    }

    override func eval(_ frame: Frame) throws -> Value {
        if let field = object.instance(in: frame)?._withUnsafeGuaranteedRef({ instance in
            cache.position(of: symbol, in: instance.klass).flatMap { instance[$0] }
        }) {
            return field
        }
        return try runtime.property(of: object.value(in: frame), symbol, name)
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
    private var cache = FieldCache()

    init(object: VariablePlace, name: Token, symbol: Int, value: Expression) {
        self.object = object
        self.name = name
        self.symbol = symbol
        self.value = value
    }

    override func eval(_ frame: Frame) throws -> Value {
        guard let instance = object.instance(in: frame) else {
            _ = try object.value(in: frame)  // An undefined global is that error first.
            throw ScriptError("Only instances have fields.", line: name.line)
        }
        let value = try value.eval(frame)
        instance._withUnsafeGuaranteedRef { $0[cache.positionForSetting(symbol, in: $0.klass)] = value }
        return value
    }
}

/// `object.name = value`. As in jlox, the object must be an instance before the value is evaluated.
final class PropertySetNode: Expression {
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

    private var cache = FieldCache()

    override func eval(_ frame: Frame) throws -> Value {
        let instance = try self.instance(object.eval(frame))
        let value = try value.eval(frame)
        instance[cache.positionForSetting(symbol, in: instance.klass)] = value
        return value
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let instance = try self.instance(await object.value(frame))
        let value = try await value.value(frame)
        instance.setField(symbol, value)
        return value
    }

    private func instance(_ object: Value) throws -> Instance {
        guard case .instance(let instance) = object else {
            throw ScriptError("Only instances have fields.", line: name.line)
        }
        return instance
    }
}
