/// `callee(arguments)`.
final class CallNode: Expression {
    let runtime: Runtime
    let callee: Expression
    let arguments: [Expression]
    let line: Int

    init(runtime: Runtime, callee: Expression, arguments: [Expression], line: Int) {
        self.runtime = runtime
        self.callee = callee
        self.arguments = arguments
        self.line = line
        super.init(suspends: callee.suspends || arguments.anySuspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        let callee = try self.callee.eval(frame)
        // The common case: a script function with the right number of arguments. They are evaluated
        // straight into the new frame, with no array in between.
        if case .function(let closure) = callee, closure.code.arity == arguments.count {
            let code = closure.code
            if code.isAsync {
                let heap = HeapFrame(code, captures: closure.captures)
                for i in arguments.indices { heap.frame[i + 1] = try arguments[i].eval(frame) }
                return runtime.coroutine(closure, heap)
            }
            let mark = runtime.stack.mark
            defer { runtime.stack.pop(to: mark) }
            let newFrame = try runtime.stack.push(code, captures: closure.captures, line: line)
            for i in arguments.indices {
                newFrame[i + 1] = try arguments[i].eval(frame)
            }
            return try runtime.invoke(closure, newFrame, line: line)
        }
        var values: [Value] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments { values.append(try argument.eval(frame)) }
        return try runtime.call(callee, values, line: line)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let callee = try await self.callee.value(frame)
        var values: [Value] = []
        for argument in arguments { values.append(try await argument.value(frame)) }
        return try runtime.call(callee, values, line: line)
    }
}

/// `object.name(arguments)`: a method call that skips making a bound method.
final class InvokeNode: Expression {
    let runtime: Runtime
    let object: Expression
    let name: Token
    let symbol: Int
    let arguments: [Expression]
    let line: Int

    init(runtime: Runtime, object: Expression, name: Token, arguments: [Expression], line: Int) {
        self.runtime = runtime
        self.object = object
        self.name = name
        self.symbol = runtime.symbols.intern(name.lexeme)
        self.arguments = arguments
        self.line = line
        super.init(suspends: object.suspends || arguments.anySuspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        let receiver = try object.eval(frame)
        if case .instance(let instance) = receiver, instance.field(symbol) == nil,
           let method = instance.klass.findMethod(symbol), method.code.arity == arguments.count,
           !method.code.isAsync {
            let mark = runtime.stack.mark
            defer { runtime.stack.pop(to: mark) }
            let newFrame = try runtime.stack.push(method.code, captures: method.captures, line: line)
            newFrame[0] = receiver
            for i in arguments.indices {
                newFrame[i + 1] = try arguments[i].eval(frame)
            }
            return try runtime.invoke(method, newFrame, line: line)
        }
        if case .instance = receiver {
            let callee = try runtime.property(of: receiver, symbol, name)
            return try runtime.call(callee, evalArguments(frame), line: line)
        }
        return try runtime.invokeBuiltin(receiver, symbol, name, evalArguments(frame), line: line)
    }

    private func evalArguments(_ frame: Frame) throws -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments { values.append(try argument.eval(frame)) }
        return values
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let receiver = try await object.value(frame)
        if case .instance = receiver {
            let callee = try runtime.property(of: receiver, symbol, name)
            var values: [Value] = []
            for argument in arguments { values.append(try await argument.value(frame)) }
            return try runtime.call(callee, values, line: line)
        }
        var values: [Value] = []
        for argument in arguments { values.append(try await argument.value(frame)) }
        return try runtime.invokeBuiltin(receiver, symbol, name, values, line: line)
    }
}

/// `super.name(arguments)`.
final class SuperInvokeNode: Expression {
    let runtime: Runtime
    let superclass: Expression
    let receiver: Expression
    let name: Token
    let symbol: Int
    let arguments: [Expression]
    let line: Int

    init(runtime: Runtime, superclass: Expression, receiver: Expression, name: Token, arguments: [Expression],
         line: Int) {
        self.runtime = runtime
        self.superclass = superclass
        self.receiver = receiver
        self.name = name
        self.symbol = runtime.symbols.intern(name.lexeme)
        self.arguments = arguments
        self.line = line
        super.init(suspends: arguments.anySuspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        let method = try findMethod(frame)
        var values: [Value] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments { values.append(try argument.eval(frame)) }
        return try runtime.callClosure(method, receiver: receiver.eval(frame), values, line: line)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let method = try findMethod(frame)
        var values: [Value] = []
        for argument in arguments { values.append(try await argument.value(frame)) }
        return try runtime.callClosure(method, receiver: receiver.eval(frame), values, line: line)
    }

    private func findMethod(_ frame: Frame) throws -> Closure {
        guard case .class(let klass) = try superclass.eval(frame), let method = klass.findMethod(symbol) else {
            throw ScriptError("Undefined property '\(name.lexeme)'.", line: name.line)
        }
        return method
    }
}

/// `super.name`: the superclass's method bound to `this`.
final class SuperGetNode: Expression {
    let superclass: Expression
    let receiver: Expression
    let name: Token
    let symbol: Int

    init(superclass: Expression, receiver: Expression, name: Token, symbol: Int) {
        self.superclass = superclass
        self.receiver = receiver
        self.name = name
        self.symbol = symbol
    }

    override func eval(_ frame: Frame) throws -> Value {
        guard case .class(let klass) = try superclass.eval(frame), let method = klass.findMethod(symbol) else {
            throw ScriptError("Undefined property '\(name.lexeme)'.", line: name.line)
        }
        return .boundMethod(BoundMethod(receiver: try receiver.eval(frame), method: method))
    }
}

/// A function declaration's value: a new closure each time it runs.
final class ClosureNode: Expression {
    let runtime: Runtime
    let code: FunctionCode

    init(runtime: Runtime, code: FunctionCode) {
        self.runtime = runtime
        self.code = code
    }

    override func eval(_ frame: Frame) throws -> Value {
        .function(runtime.makeClosure(code, in: frame))
    }
}
