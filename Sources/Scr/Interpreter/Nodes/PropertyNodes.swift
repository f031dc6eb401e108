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

    /// Where the field was last found: instances of one class usually agree.
    private var cachedIndex = 0

    override func eval(_ frame: Frame) throws -> Value {
        let object = try object.eval(frame)
        if case .instance(let instance) = object, let index = instance.index(of: symbol, hint: cachedIndex) {
            cachedIndex = index
            return instance.value(at: index)
        }
        return try runtime.property(of: object, symbol, name)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        try runtime.property(of: await object.value(frame), symbol, name)
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

    private var cachedIndex = 0

    override func eval(_ frame: Frame) throws -> Value {
        let instance = try self.instance(object.eval(frame))
        let value = try value.eval(frame)
        cachedIndex = instance.setField(symbol, value, hint: cachedIndex)
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
