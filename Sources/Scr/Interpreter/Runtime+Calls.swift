/// Calling values: functions, bound methods, classes and natives.
extension Runtime {
    /// Runs a closure in a frame whose arguments are already in slots 1…arity (and the receiver in
    /// slot 0 for methods). An async function does not run: the call makes a coroutine, and its frame
    /// must then be a `HeapFrame`.
    @inline(__always)
    func invoke(_ closure: Closure, _ frame: Frame, line: Int, plain: Bool = false, boxFreeInitializer: Bool = false)
        throws -> Value
    {
        try closure.withCode { try run($0, frame, line: line, plain: plain, boxFreeInitializer: boxFreeInitializer) }
    }

    /// An error leaving the body adds the function's frame to its traceback; nothing is done for
    /// tracebacks on the way in (docs/internals.md, "Tracebacks").
    /// `plain`: the code is plain (`FunctionCode.plainArity`): no boxed parameters, not an initializer.
    /// `boxFreeInitializer`: the code is an initializer with no boxes (`FunctionCode.isBoxFree`).
    @inline(__always)
    private func run(_ code: FunctionCode, _ frame: Frame, line: Int, plain: Bool, boxFreeInitializer: Bool)
        throws -> Value
    {
        if !plain && !boxFreeInitializer && !code.boxedParameters.isEmpty { declareBoxedParameters(code, frame) }
        try checkStack(line: line)
        try checkInterrupt(line: line)
        let result: Value?
        do {
            result = try code.run(frame)
        } catch let error as ScriptError {
            error.leave(code.location)
            error.arrive(at: line)
            throw error
        }
        if boxFreeInitializer || (!plain && code.kind == .initializer) {
            // The receiver is moved out of the frame, which is popped next: a copy cost a retain here
            // and a release there, and the caller made the instance (`instantiate`) hands it over.
            let receiver = frame.slots.move()
            frame.slots.initialize(to: .nil)
            return receiver
        }
        return result ?? .nil
    }

    /// Calls a synchronous closure whose arity matches: its frame is pushed on the stack, the receiver
    /// is moved into it, and the arguments are evaluated (in the caller's frame) straight into it, with
    /// no array in between. The closure is unretained: the caller keeps it alive.
    ///
    /// `inlinesArguments`: the arguments are evaluated with `evalInline` (a local, a local plus a number,
    /// with no call of the node), for a function's call (fib −7.7% instructions). Not for a class's
    /// initializer: its arguments are rarely those shapes (`Tree(make(d - 1), nil)`), and the loop's test
    /// of each shape kept more values across the call of the node (binary_trees +1.2%).
    ///
    /// `plain`: the closure's code is plain (`FunctionCode.plainArity`), so the call leaves the box
    /// stack alone (docs/internals.md, "Plain calls").
    ///
    /// `receiverIsNil`: a function's call, whose `receiver` is `.nil` (see `FrameStack.pop`).
    ///
    /// `boxFreeInitializer`: the closure is an initializer with no boxes (`FunctionCode.isBoxFree`):
    /// its call leaves the box stack alone as a plain one does, and hands back the receiver.
    @inline(__always)
    func invoke(_ closure: Unmanaged<Closure>, receiver: consuming Value, arguments: NodeList<Expression>,
                from frame: Frame, line: Int, inlinesArguments: Bool = false, plain: Bool = false,
                boxFreeInitializer: Bool = false, receiverIsNil: Bool = false) throws -> Value
    {
        let boxFree = plain || boxFreeInitializer
        let mark = stack.mark
        let newFrame = try closure._withUnsafeGuaranteedRef { closure in
            try closure.withCode { code in
                try stack.push(code, captures: closure.captures, firstNil: arguments.count + 1, line: line, boxFree: boxFree)
            }
        }
        newFrame.slots.initialize(to: receiver)
        // The frame is popped on both ways out rather than in a `defer`, which the compiler makes a
        // function of its own: 15 instructions more per call.
        do {
            if inlinesArguments && arguments.count == 1 {
                // A function's one argument, the most common count, without the loop's counter and
                // its bounds (fib −6.0%, closures −2.4% instructions; for methods, whose calls often
                // take none, the test cost method_call 0.6% more).
                do {
                    (newFrame.slots + 1).initialize(to: try arguments.with(0) { try $0.evalInline(frame) })
                } catch {
                    (newFrame.slots + 1).initialize(to: .nil)
                    throw error
                }
            } else {
                for i in arguments.indices {
                    do {
                        (newFrame.slots + i + 1).initialize(to: try arguments.with(i) {
                            try inlinesArguments ? $0.evalInline(frame) : $0.eval(frame)
                        })
                    } catch {
                        (newFrame.slots + i + 1).initialize(repeating: .nil, count: arguments.count - i)
                        throw error
                    }
                }
            }
            let result = try closure._withUnsafeGuaranteedRef {
                try invoke($0, newFrame, line: line, plain: plain, boxFreeInitializer: boxFreeInitializer)
            }
            stack.pop(to: mark, boxFree: boxFree, receiverIsNil: receiverIsNil)
            return result
        } catch {
            // A box-free call's mark is read again here, its boxes unchanged: kept across the call, it
            // would take a register or a spill on the way that succeeds.
            if keepsFailedFrames { keepForPostMortem(error, closure, at: boxFree ? stack.mark(values: mark) : mark) }
            stack.pop(to: mark, boxFree: boxFree, receiverIsNil: receiverIsNil)
            throw error
        }
    }

    private func declareBoxedParameters(_ code: FunctionCode, _ frame: Frame) {
        for parameter in code.boxedParameters {
            frame.declareBox(parameter.box, track(Box(frame[parameter.slot])))
        }
    }

    /// The frame of a call of an async function, its arguments in place: what its coroutine runs.
    func asyncFrame(_ closure: Closure, receiver: Value, _ arguments: [Value]) -> HeapFrame {
        let heap = HeapFrame(closure.code, captures: closure.captures)
        heap.frame[0] = receiver
        for (i, argument) in arguments.enumerated() { heap.frame[i + 1] = argument }
        declareBoxedParameters(closure.code, heap.frame)
        return heap
    }

    /// Makes the coroutine of a call of an async function, whose arguments are in `heap`.
    func coroutine(_ closure: Closure, _ heap: HeapFrame) -> Value {
        declareBoxedParameters(closure.code, heap.frame)
        return .coroutine(track(Coroutine(closure: closure, frame: heap)))
    }

    /// Calls any value with evaluated arguments; `location` is the function the call is in, if the
    /// call site knows it (natives that note where they were called, as `spawn`, read it).
    func call(_ callee: Value, _ arguments: [Value], line: Int, location: CodeLocation? = nil) throws -> Value {
        switch callee {
        case .function(let closure):
            return try callClosure(closure, receiver: .nil, arguments, line: line)
        case .boundMethod(let bound):
            return try callClosure(bound.method, receiver: bound.receiver, arguments, line: line)
        case .class(let klass):
            return try instantiate(klass, arguments, line: line)
        case .native(let native):
            return try callNative(native, arguments, line: line, location: location)
        default:
            throw ScriptError("Can only call functions and classes.", line: line, class: .typeError)
        }
    }

    /// Calls a native with evaluated arguments.
    func callNative(_ native: NativeFunction, _ arguments: [Value], line: Int, location: CodeLocation?) throws -> Value {
        guard native.arity.contains(arguments.count) else {
            throw ScriptError(arityMessage(native.arity, arguments.count), line: line, class: .typeError)
        }
        return try native.body(arguments, CallContext(runtime: self, line: line, location: location))
    }

    /// Calls a native of one argument without the argument array (`DirectCallNode`). Out of line: the
    /// context is made here, where the runtime and the location are borrowed; inlined into the node,
    /// it cost a retain and a release of each per call (docs/internals.md, "Node shapes").
    @inline(never)
    func callUnary(_ native: NativeFunction, _ argument: Value, line: Int, location: CodeLocation?) throws -> Value {
        try native.unary(argument, CallContext(runtime: self, line: line, location: location))
    }

    func callClosure(_ closure: Closure, receiver: Value, _ arguments: [Value], line: Int) throws -> Value {
        let code = closure.code
        guard code.arity == arguments.count else {
            throw ScriptError(arityMessage(code.arity...code.arity, arguments.count), line: line, class: .typeError)
        }
        if code.isAsync {
            return .coroutine(track(Coroutine(closure: closure, frame: asyncFrame(closure, receiver: receiver, arguments))))
        }
        let mark = stack.mark
        defer { stack.pop(to: mark) }
        let frame = try stack.push(code, captures: closure.captures, firstNil: arguments.count + 1, line: line)
        frame.slots.initialize(to: receiver)
        (frame.slots + 1).initialize(from: arguments, count: arguments.count)
        do {
            return try invoke(closure, frame, line: line)
        } catch {
            if keepsFailedFrames { keepForPostMortem(error, Unmanaged.passUnretained(closure), at: mark) }
            throw error
        }
    }

    private func instantiate(_ klass: ClassObject, _ arguments: [Value], line: Int) throws -> Value {
        // The initializer hands back the receiver it was given (`run`).
        if let initializer = klass.initializer {
            return try callClosure(initializer, receiver: .instance(makeInstance(klass)), arguments, line: line)
        }
        guard arguments.isEmpty else {
            throw ScriptError(arityMessage(0...0, arguments.count), line: line, class: .typeError)
        }
        return .instance(makeInstance(klass))
    }

    func arityMessage(_ arity: ClosedRange<Int>, _ count: Int) -> String {
        let expected = arity.count == 1 ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
        return "Expected \(expected) arguments but got \(count)."
    }

    /// Makes a closure of `code` in `frame`, capturing what it refers to.
    func makeClosure(_ code: FunctionCode, in frame: Frame) -> Closure {
        track(Closure(code: code, capturingFrom: frame))
    }
}
