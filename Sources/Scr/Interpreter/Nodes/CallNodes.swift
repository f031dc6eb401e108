/// `callee(arguments)` on the general path: the arguments in an array, the call through
/// `Runtime.call`. The generic node; `DirectCallNode` is the specialised one.
class CallNode: Expression {
    let runtime: Runtime
    let callee: Expression
    let arguments: NodeList<Expression>
    let line: Int
    /// The function the call is in, for natives that note where they were called (`spawn`).
    let location: CodeLocation

    init(runtime: Runtime, callee: Expression, arguments: [Expression], line: Int, location: CodeLocation) {
        self.runtime = runtime
        self.callee = callee
        self.arguments = NodeList(arguments)
        self.line = line
        self.location = location
        super.init(suspends: callee.suspends || arguments.anySuspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        let callee = try callee.eval(frame)
        return try runtime.call(callee, arguments.values(frame), line: line, location: location)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let callee = try await self.callee.value(frame)
        return try await runtime.call(callee, arguments.values(frame), line: line, location: location)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(callee)] + dump.expressions(arguments.nodes)
    }
}

/// `callee(arguments)`, with the arguments of a script function or initializer evaluated straight
/// into its new frame (see `Runtime.invoke`).
class DirectCallNode: CallNode, ArgumentArrayCallSite {
    // Unchecked exclusivity: confined to the executor; taken before a call, given back after it.
    @exclusivity(unchecked) final var spareArguments = SpareArray<Value>()

    // The common cases: a synchronous script function, or a class whose initializer takes this many
    // arguments. The callee value keeps the function or class alive through the call, which borrows
    // it from there (binding it in a pattern would copy it: a retain and a release more on every call;
    // fib: 9% fewer instructions).
    override func eval(_ frame: Frame) throws -> Value {
        let callee = try callee.eval(frame)
        if let closure = callee.unretainedFunction.flatMap(plainFunction) {
            return try withExtendedLifetime(callee) {
                try runtime.invoke(closure, receiver: .nil, arguments: arguments, from: frame, line: line,
                                   inlinesArguments: true, plain: true, receiverIsNil: true)
            }
        }
        if let closure = synchronousFunction(callee) {
            return try withExtendedLifetime(callee) {
                try runtime.invoke(closure, receiver: .nil, arguments: arguments, from: frame, line: line,
                                   inlinesArguments: true, receiverIsNil: true)
            }
        }
        if let (klass, initializer) = classWithInitializer(callee) {
            return try withExtendedLifetime(callee) {
                try klass._withUnsafeGuaranteedRef { try instantiate($0, initializer, frame) }
            }
        }
        if case .function(let closure) = callee, closure.code.arity == arguments.count {
            return try coroutine(closure, frame)
        }
        return try callOther(callee, frame)
    }

    @inline(__always)
    private func synchronousFunction(_ callee: Value) -> Unmanaged<Closure>? {
        callee.unretainedFunction.flatMap(synchronousFunction)
    }

    /// The function, if it is plain (`FunctionCode.plainArity`) and takes this many arguments.
    @inline(__always)
    final func plainFunction(_ closure: Unmanaged<Closure>) -> Unmanaged<Closure>? {
        closure._withUnsafeGuaranteedRef({ $0.code.plainArity == arguments.count }) ? closure : nil
    }

    /// The function, if it is synchronous and takes this many arguments.
    @inline(__always)
    final func synchronousFunction(_ closure: Unmanaged<Closure>) -> Unmanaged<Closure>? {
        closure._withUnsafeGuaranteedRef({ $0.code.arity == arguments.count && !$0.code.isAsync }) ? closure : nil
    }

    @inline(__always)
    private func classWithInitializer(_ callee: Value) -> (Unmanaged<ClassObject>, Unmanaged<Closure>)? {
        guard let klass = callee.unretainedClass, let initializer = initializer(of: klass) else { return nil }
        return (klass, initializer)
    }

    /// The class's initializer, if it takes this many arguments.
    @inline(__always)
    final func initializer(of klass: Unmanaged<ClassObject>) -> Unmanaged<Closure>? {
        guard let initializer = klass._withUnsafeGuaranteedRef({ $0.initializer.map(Unmanaged.passUnretained) }),
              initializer._withUnsafeGuaranteedRef({ $0.code.arity == arguments.count })
        else { return nil }
        return initializer
    }

    /// Any other callee. `len(xs)`, `str(x)`: a native of one argument made with
    /// `NativeFunction(_:unary:)` gets it without the argument array and the dispatch of
    /// `Runtime.call` (lists −5% instructions; docs/internals.md, "Node shapes"); the rest go through
    /// `Runtime.call` with their arguments in an array. Out of line: `eval` is on the native stack
    /// once per level of nested calls, and each local it gains leaves less room for the deepest
    /// expressions: with the native test in `eval`, its frame grew from 928 to 1,152 bytes under
    /// AddressSanitizer and NestingTests overflowed the stack; with this out of line it is 832.
    @inline(never)
    private func callOther(_ callee: Value, _ frame: Frame) throws -> Value {
        // The callee, which the caller holds, keeps the native alive.
        if let native = callee.unretainedNative { return try native._withUnsafeGuaranteedRef { try callNative($0, frame) } }
        return try withArgumentArray(frame) { try runtime.call(callee, $0, line: line, location: location) }
    }

    /// Calls a native with this call's arguments: one of one argument made with
    /// `NativeFunction(_:unary:)` without the argument array, the others through one.
    @inline(__always)
    final func callNative(_ native: NativeFunction, _ frame: Frame) throws -> Value {
        if arguments.count == 1, native.hasUnary {
            let argument = try arguments.with(0) { try $0.eval(frame) }
            return try runtime.callUnary(native, argument, line: line, location: location)
        }
        return try withArgumentArray(frame) { try runtime.callNative(native, $0, line: line, location: location) }
    }

    /// A call of an async function with the right number of arguments: its arguments go straight into
    /// the frame of the coroutine the call makes.
    final func coroutine(_ closure: Closure, _ frame: Frame) throws -> Value {
        let heap = HeapFrame(closure.code, captures: closure.captures)
        for i in arguments.indices { heap.frame[i + 1] = try arguments.with(i) { try $0.eval(frame) } }
        return runtime.coroutine(closure, heap)
    }

    @inline(__always)
    final func instantiate(_ klass: ClassObject, _ initializer: Unmanaged<Closure>, _ frame: Frame) throws -> Value {
        // The initializer hands back the receiver it was given (`Runtime.run`): no copy kept here.
        if initializer._withUnsafeGuaranteedRef({ $0.code.isBoxFree }) {
            return try runtime.invoke(initializer, receiver: .instance(runtime.makeInstance(klass)),
                                      arguments: arguments, from: frame, line: line, boxFreeInitializer: true)
        }
        return try runtime.invoke(initializer, receiver: .instance(runtime.makeInstance(klass)), arguments: arguments,
                                  from: frame, line: line)
    }
}

/// `name(arguments)` where `name` is a global, as most calls are (`fib(n - 1)`, `Point(x, y)`,
/// `len(xs)`): a function or a class of the right arity, or a native, is called borrowed from the
/// global's cell, without the retain and release that reading it into a value costs (see
/// `BorrowableCallee`; fib −16% instructions). Any other callee, a wrong number of arguments, and an
/// undefined name take `DirectCallNode`'s path.
final class GlobalCallNode: DirectCallNode {
    let cell: Globals.Cell

    init(runtime: Runtime, callee: GlobalGetNode, arguments: [Expression], line: Int, location: CodeLocation) {
        cell = callee.cell
        super.init(runtime: runtime, callee: callee, arguments: arguments, line: line, location: location)
    }

    // The function's path spelled out, not through `borrowing`: a helper taking a closure here was
    // not inlined and cost fib 15% more instructions than before.
    override func eval(_ frame: Frame) throws -> Value {
        if let function = Globals.unretainedFunction(in: cell), let function = plainFunction(function) {
            let outermost = function.beginBorrowing()
            let result: Value
            do {
                result = try runtime.invoke(function, receiver: .nil, arguments: arguments, from: frame, line: line,
                                            inlinesArguments: true, plain: true, receiverIsNil: true)
            } catch {
                function.endBorrowing(outermost: outermost)
                throw error
            }
            function.endBorrowing(outermost: outermost)
            return result
        }
        return try callOtherGlobal(frame)
    }

    /// Any other synchronous function, an async function, a class or a native, borrowed too; anything
    /// else (and a wrong number of arguments) as `DirectCallNode` calls it. Out of line, so that
    /// `eval`, on the native stack once per level of nested calls, stays as small as for plain
    /// functions alone (fib: 2% more instructions with the native's test in `eval`).
    @inline(never)
    private func callOtherGlobal(_ frame: Frame) throws -> Value {
        if let function = Globals.unretainedFunction(in: cell), let function = synchronousFunction(function) {
            let outermost = function.beginBorrowing()
            let result: Value
            do {
                result = try runtime.invoke(function, receiver: .nil, arguments: arguments, from: frame, line: line,
                                            inlinesArguments: true, receiverIsNil: true)
            } catch {
                function.endBorrowing(outermost: outermost)
                throw error
            }
            function.endBorrowing(outermost: outermost)
            return result
        }
        if let function = Globals.unretainedFunction(in: cell),
           function._withUnsafeGuaranteedRef({ $0.code.arity == arguments.count }) {
            // An async function: its coroutine, made with the arguments, retains it.
            return try function.borrowing { try coroutine($0, frame) }
        }
        if let klass = Globals.unretainedClass(in: cell), let initializer = initializer(of: klass) {
            // Spelled out too: through `borrowing`, empty_init counted 0.7% more instructions.
            let outermost = klass.beginBorrowing()
            let result: Value
            do {
                result = try klass._withUnsafeGuaranteedRef { try instantiate($0, initializer, frame) }
            } catch {
                klass.endBorrowing(outermost: outermost)
                throw error
            }
            klass.endBorrowing(outermost: outermost)
            return result
        }
        // `len(xs)`, `sleep(0)`, `spawn(f())`: a native, called as `DirectCallNode` calls one.
        if let native = Globals.unretainedNative(in: cell) { return try native.borrowing { try callNative($0, frame) } }
        return try super.eval(frame)
    }
}

/// `local(arguments)`, `local` in a slot that no argument can assign (`NodeSelection.call`): a plain
/// function is called borrowed from the slot, which keeps it alive through the call as a global's cell
/// does for `GlobalCallNode` — no retain and release of the callee, and no copy of it to destroy
/// (closures −5.9% instructions; docs/internals.md, "Node shapes"). Anything else takes `DirectCallNode`'s
/// path. Nothing can assign the slot meanwhile: the arguments cannot, they cannot suspend (so no other
/// code runs), and the callee's frame is another.
final class SlotCallNode: DirectCallNode {
    let slot: Int

    init(runtime: Runtime, callee: SlotGetNode, arguments: [Expression], line: Int, location: CodeLocation) {
        slot = callee.slot
        super.init(runtime: runtime, callee: callee, arguments: arguments, line: line, location: location)
    }

    override func eval(_ frame: Frame) throws -> Value {
        if let function = frame.slots[slot].unretainedFunction, let function = plainFunction(function) {
            return try runtime.invoke(function, receiver: .nil, arguments: arguments, from: frame, line: line,
                                      inlinesArguments: true, plain: true, receiverIsNil: true)
        }
        return try super.eval(frame)
    }
}

/// `len(argument)` while the global `len` holds the built-in one: the length is read from the value,
/// where a variable holds it, with no call, as CPython's `CALL_LEN` specialization does (lists −12%
/// instructions; docs/internals.md, "Node shapes"). Any other callee, and an undefined `len`, take
/// `general`'s way, before the argument runs.
final class LenNode: Expression {
    let runtime: Runtime
    let cell: Globals.Cell
    let argument: Expression
    /// Where the argument lies, when it is a variable: a list there is measured in place.
    private let argumentPlace: VariablePlace?
    /// The call as `GlobalCallNode` makes it, for any other callee.
    let general: GlobalCallNode

    init(runtime: Runtime, argument: Expression, argumentPlace: VariablePlace?, general: GlobalCallNode) {
        self.runtime = runtime
        cell = general.cell
        self.argument = argument
        self.argumentPlace = argumentPlace
        self.general = general
    }

    override func eval(_ frame: Frame) throws -> Value {
        guard let native = Globals.unretainedNative(in: cell),
              native.toOpaque() == Unmanaged.passUnretained(runtime.lenNative).toOpaque()
        else {
            return try general.eval(frame)
        }
        if let list = argumentPlace?.list(in: frame) {
            return .number(Double(list._withUnsafeGuaranteedRef { $0.elements.count }))
        }
        let value = try argument.eval(frame)
        if case .list(let list) = value { return .number(Double(list.elements.count)) }
        // Strings, maps and the error for anything else, as the native answers them. The built-in
        // even if the argument assigned `len` meanwhile (`len(len = "xyz")`), as the generic path,
        // which reads the callee first, calls it; the runtime keeps it alive.
        return try runtime.callUnary(runtime.lenNative, value, line: general.line,
                                     location: general.location)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(argument)]
    }
}

/// `object.name(arguments)`: a method call that skips making a bound method.
final class InvokeNode: Expression, ArgumentArrayCallSite {
    let runtime: Runtime
    let object: Expression
    /// Where the receiver lies, when it is a variable: it is then read in place (see `VariablePlace`).
    private let receiverPlace: VariablePlace?
    let name: Token
    let symbol: Int
    let arguments: NodeList<Expression>
    let line: Int
    /// The function the call is in: a native called here (a module's `spawn`, `net.listen`) learns
    /// where it was called from, as it does through the generic `CallNode`.
    let location: CodeLocation
    // Unchecked exclusivity: confined to the executor; taken before a call, given back after it.
    @exclusivity(unchecked) var spareArguments = SpareArray<Value>()

    init(runtime: Runtime, object: Expression, receiverPlace: VariablePlace?, name: Token, arguments: [Expression],
         line: Int, location: CodeLocation) {
        self.runtime = runtime
        self.object = object
        self.receiverPlace = receiverPlace
        self.name = name
        self.symbol = runtime.symbols.intern(name.lexeme)
        self.arguments = NodeList(arguments)
        self.line = line
        self.location = location
        self.isPushOfOne = BuiltinMethod(symbol: symbol) == .push && arguments.count == 1
        super.init(suspends: object.suspends || arguments.anySuspends)
    }

    /// `list.push(x)`: appended here when the variable holds a list, without the argument array and
    /// the method dispatch of a built-in call (lists −15% instructions; docs/internals.md, "Node shapes").
    private let isPushOfOne: Bool

    /// The method last called here, and its class's id: a call on an instance of the same class skips
    /// the method table. Held unretained (the class's method table keeps the method alive while an
    /// instance of the class is at hand), because loading a mutable reference property costs a retain
    /// on every call. The id, unlike the class's address, is never reused by a later class.
    // Unchecked exclusivity: confined to the executor; updated without calling out.
    @exclusivity(unchecked) private var cachedClassID = 0
    // Unchecked exclusivity: confined to the executor; updated without calling out.
    @exclusivity(unchecked) private var cachedMethod: Unmanaged<Closure>?
    // Unchecked exclusivity: as `cachedMethod`, with which it changes.
    @exclusivity(unchecked) private var cachedMethodIsPlain = false

    /// The method to call on `instance` the fast way: a synchronous script method that takes this many
    /// arguments and that no field of the same name shadows; nil otherwise.
    ///
    /// Each step borrows through a closure small enough to be inlined: with the whole lookup in one
    /// closure, the compiler kept that closure out of line, a call of its own per method call
    /// (method_call −5.2%, wide_class −4.6% instructions; docs/internals.md, "Borrowing in small steps").
    @inline(__always)
    private func method(of instance: Unmanaged<Instance>) -> Unmanaged<Closure>? {
        let klass = instance.klass
        let (shadowable, id) = klass._withUnsafeGuaranteedRef { ($0.hasFieldsNamedLikeMethods, $0.id) }
        if shadowable, instance._withUnsafeGuaranteedRef({ $0.field(symbol) != nil }) { return nil }
        if id != cachedClassID { return klass._withUnsafeGuaranteedRef(cacheMethod) }
        return cachedMethod
    }

    /// The method of a class this call has not seen last, cached if it can be called the fast way.
    @inline(never)
    private func cacheMethod(of klass: ClassObject) -> Unmanaged<Closure>? {
        guard let method = klass.findMethod(symbol), method.code.arity == arguments.count, !method.code.isAsync
        else { return nil }
        cachedClassID = klass.id
        cachedMethod = Unmanaged.passUnretained(method)
        cachedMethodIsPlain = method.code.plainArity >= 0
        return cachedMethod
    }

    override func eval(_ frame: Frame) throws -> Value {
        if let place = receiverPlace {
            if let instance = place.instance(in: frame), let method = method(of: instance) {
                return try call(method, on: .instance(instance.takeUnretainedValue()), frame)
            }
            if isPushOfOne, let list = place.list(in: frame) {
                // Retained: the argument may assign the variable, and the old list is the receiver.
                let list = list.takeUnretainedValue()
                let element = try arguments.with(0) { try $0.eval(frame) }
                list.elements.append(element)
                return .nil
            }
            return try callProperty(of: place.value(in: frame), frame)
        }
        let receiver = try object.eval(frame)
        // The method found through an unretained instance: binding the instance out of the value kept
        // a second reference to it across the call (a retain and a release: method_call −2.7%, tree_walk
        // −1.7% instructions).
        if let instance = receiver.unretainedInstance, let method = method(of: instance) {
            return try call(method, on: receiver, frame)
        }
        return try callProperty(of: receiver, frame)
    }

    /// The receiver, read as `eval` reads it (for `AwaitMethodNode`, which then calls `call(on:)`).
    func receiver(_ frame: Frame) throws -> Value {
        if let place = receiverPlace { return try place.value(in: frame) }
        return try object.eval(frame)
    }

    /// The call `eval` makes, on a receiver already read: `list.push(x)`'s shortcut aside (the
    /// built-in method it skips does the same), the same steps.
    func call(on receiver: Value, _ frame: Frame) throws -> Value {
        if let instance = receiver.unretainedInstance, let method = method(of: instance) {
            return try call(method, on: receiver, frame)
        }
        return try callProperty(of: receiver, frame)
    }

    /// The receiver is handed over to the new frame, not copied into it. A plain method
    /// (`FunctionCode.plainArity`) leaves the box stack alone.
    @inline(__always)
    private func call(_ method: Unmanaged<Closure>, on receiver: consuming Value, _ frame: Frame) throws -> Value {
        if cachedMethodIsPlain {
            return try runtime.invoke(method, receiver: receiver, arguments: arguments, from: frame, line: line,
                                      plain: true)
        }
        return try runtime.invoke(method, receiver: receiver, arguments: arguments, from: frame, line: line)
    }

    /// The general case: whatever the property is (a field holding a function, say), call it. As on
    /// the generic path, a missing property is an error before the arguments are evaluated.
    private func callProperty(of receiver: Value, _ frame: Frame) throws -> Value {
        if receiver.hasProperties {
            if case .object(let object) = receiver { return try callMember(of: object, frame) }
            let callee = try runtime.property(of: receiver, symbol, name)
            return try withArgumentArray(frame) { try runtime.call(callee, $0, line: line, location: location) }
        }
        try runtime.requireBuiltinMethod(receiver, symbol, name)
        return try withArgumentArray(frame) {
            try runtime.invokeBuiltin(receiver, symbol, name, $0, line: line)
        }
    }

    /// `connection.write(text)`, `queue.put(x)`: a native object's method is called without the bound
    /// native function that reading `object.method` makes, an allocation and a closure a call (the echo
    /// server: two a round trip). A property is called as any value; a name that is neither is the
    /// error `Runtime.property(of:)` gives, before the arguments run.
    private func callMember(of object: NativeObject, _ frame: Frame) throws -> Value {
        if let value = try object.property(name.lexeme) {
            return try withArgumentArray(frame) { try runtime.call(value, $0, line: line, location: location) }
        }
        guard object.hasMethod(name.lexeme) else { throw runtime.noMember(object, name) }
        return try withArgumentArray(frame) { try runtime.callMethod(of: object, name.lexeme, $0, line: line) }
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let receiver = try await object.value(frame)
        if receiver.hasProperties {
            let callee = try runtime.property(of: receiver, symbol, name)
            return try await runtime.call(callee, arguments.values(frame), line: line, location: location)
        }
        try runtime.requireBuiltinMethod(receiver, symbol, name)
        return try await runtime.invokeBuiltin(receiver, symbol, name, arguments.values(frame), line: line)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [receiverPlace.map { "\($0)" } ?? dump.expression(object), name.lexeme] + dump.expressions(arguments.nodes)
    }
}

/// `super.name(arguments)`.
final class SuperInvokeNode: Expression {
    let runtime: Runtime
    let superclass: Expression
    let receiver: Expression
    let name: Token
    let symbol: Int
    let arguments: NodeList<Expression>
    let line: Int

    init(runtime: Runtime, superclass: Expression, receiver: Expression, name: Token, arguments: [Expression],
         line: Int) {
        self.runtime = runtime
        self.superclass = superclass
        self.receiver = receiver
        self.name = name
        self.symbol = runtime.symbols.intern(name.lexeme)
        self.arguments = NodeList(arguments)
        self.line = line
        super.init(suspends: arguments.anySuspends)
    }

    override func eval(_ frame: Frame) throws -> Value {
        let method = try findMethod(frame)
        return try runtime.callClosure(method, receiver: receiver.eval(frame), arguments.values(frame), line: line)
    }

    override func evalAsync(_ frame: Frame) async throws -> Value {
        let method = try findMethod(frame)
        let values = try await arguments.values(frame)
        return try runtime.callClosure(method, receiver: receiver.eval(frame), values, line: line)
    }

    private func findMethod(_ frame: Frame) throws -> Closure {
        guard case .class(let klass) = try superclass.eval(frame), let method = klass.findMethod(symbol) else {
            throw ScriptError("Undefined property '\(name.lexeme)'.", line: name.line, class: .nameError)
        }
        return method
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [name.lexeme] + dump.expressions(arguments.nodes)
    }
}

/// `super.name`: the superclass's method bound to `this`.
final class SuperGetNode: Expression {
    let runtime: Runtime
    let superclass: Expression
    let receiver: Expression
    let name: Token
    let symbol: Int

    init(runtime: Runtime, superclass: Expression, receiver: Expression, name: Token, symbol: Int) {
        self.runtime = runtime
        self.superclass = superclass
        self.receiver = receiver
        self.name = name
        self.symbol = symbol
    }

    override func eval(_ frame: Frame) throws -> Value {
        guard case .class(let klass) = try superclass.eval(frame), let method = klass.findMethod(symbol) else {
            throw ScriptError("Undefined property '\(name.lexeme)'.", line: name.line, class: .nameError)
        }
        return .boundMethod(runtime.track(BoundMethod(receiver: try receiver.eval(frame), method: method)))
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [name.lexeme]
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

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        dump.function(made: code)
        return [code.name]
    }
}

/// A call site some of whose calls take their arguments in an array (natives, built-in methods).
protocol ArgumentArrayCallSite: AnyObject {
    var arguments: NodeList<Expression> { get }
    var spareArguments: SpareArray<Value> { get set }
}

extension ArgumentArrayCallSite {
    /// Calls `body` with the arguments in an array: the one the call site keeps, if it is free.
    @inline(__always)
    func withArgumentArray(_ frame: Frame, _ body: ([Value]) throws -> Value) throws -> Value {
        var values = spareArguments.take()
        try arguments.values(frame, into: &values)
        let result = try body(values)
        spareArguments.giveBack(&values)
        return result
    }
}
