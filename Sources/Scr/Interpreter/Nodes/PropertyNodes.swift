/// `object.name`.
final class GetNode: Expression {
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

/// `local.name` (`this.name` most often): the instance is read where it lies in the frame, so it
/// is not retained and released for each read (method_call: 10% faster).
final class LocalGetNode: Expression {
    let runtime: Runtime
    let slot: Int
    let name: Token
    let symbol: Int
    private var cache = FieldCache()

    init(runtime: Runtime, slot: Int, name: Token) {
        self.runtime = runtime
        self.slot = slot
        self.name = name
        self.symbol = runtime.symbols.intern(name.lexeme)
    }

    override func eval(_ frame: Frame) throws -> Value {
        if case .instance(let instance) = frame.slots[slot],
           let position = cache.position(of: symbol, in: instance.klass), let field = instance[position] {
            return field
        }
        return try runtime.property(of: frame[slot], symbol, name)
    }
}

/// `local.name = value`, for a value that cannot assign the local (see `Expr.assignsNoVariable`): the
/// instance then stays in its slot, which keeps it alive, and is not retained for the assignment.
final class LocalSetNode: Expression {
    let slot: Int
    let name: Token
    let symbol: Int
    let value: Expression
    private var cache = FieldCache()

    init(slot: Int, name: Token, symbol: Int, value: Expression) {
        self.slot = slot
        self.name = name
        self.symbol = symbol
        self.value = value
    }

    override func eval(_ frame: Frame) throws -> Value {
        guard case .instance(let instance) = frame.slots[slot] else {
            throw ScriptError("Only instances have fields.", line: name.line)
        }
        let unretained = Unmanaged.passUnretained(instance)
        let value = try value.eval(frame)
        unretained._withUnsafeGuaranteedRef { $0[cache.positionForSetting(symbol, in: $0.klass)] = value }
        return value
    }
}

/// `object.name = value`. As in jlox, the object must be an instance before the value is evaluated.
final class SetNode: Expression {
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
