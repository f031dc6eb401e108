/// Error values: the built-in `Error` classes, what a `catch` binds, `is`.
extension Runtime {
    /// The classes of the interpreter's errors, as scripts see them: `Error`, whose initializer sets
    /// the `message` field, and a subclass for each kind of runtime error. Scripts subclass them too
    /// (`class Overdrawn < Error {}`). Made here rather than compiled from source (which took 1.4
    /// million instructions), and only when first needed — when analysis meets one of their names, or
    /// a `catch` an error of the interpreter — for a start of `scr` costs 5 million in all.
    func installErrorClassesIfNeeded() {
        guard errorClasses.isEmpty else { return }
        // init(message) { this.message = message; }
        let location = CodeLocation(function: "init", file: nil)
        let message = Token(.identifier, "message", line: 0)
        let body = ExpressionStatement(
            PropertySetNode(object: SlotGetNode(0), name: message, symbol: Symbols.messageSymbol, value: SlotGetNode(1)),
            line: 0)
        let initializer = FunctionCode(
            name: "init", kind: .initializer, isAsync: false, arity: 1, line: 0, slotCount: 2, boxCount: 0,
            boxedParameters: [], captureSources: [], body: body, location: location)
        let root = track(ClassObject(name: ScriptError.ErrorClass.error.rawValue, superclass: nil,
                                     methods: [Symbols.initSymbol: makeClosure(initializer, in: HeapFrame(initializer, captures: noCaptures).frame)]))
        root.isErrorClass = true
        for errorClass in ScriptError.ErrorClass.allCases {
            let klass = errorClass == .error ? root
                : track(ClassObject(name: errorClass.rawValue, superclass: root, methods: [:]))
            errorClasses[errorClass] = klass
            // A script that named a global of its own so before the classes were needed keeps it.
            if globals.value(of: errorClass.rawValue) == nil { globals.define(errorClass.rawValue, .class(klass)) }
        }
    }

    /// A new instance of `klass`: an `ErrorInstance` for `Error` and its subclasses.
    @inline(__always)
    func makeInstance(_ klass: ClassObject) -> Instance {
        let unretained = Unmanaged.passUnretained(klass)
        return track(klass.isErrorClass ? ErrorInstance(klass: unretained) : Instance(klass: unretained))
    }

    /// The value a `catch` in the function at `location` binds for `error`: the thrown value, or an
    /// instance of the error's class for an error the interpreter raised. An error instance gets its
    /// `line`, `file` and `stack` (the traceback so far, as lines, with the catching function's frame
    /// if the error has not left it yet) and remembers the traceback.
    func caughtValue(_ error: ScriptError, at location: CodeLocation?) -> Value {
        let value: Value
        if let thrown = error.thrown {
            value = thrown.value
        } else {
            installErrorClassesIfNeeded()
            let klass = errorClasses[error.errorClass] ?? errorClasses[.error]!
            let instance = makeInstance(klass)
            instance.setField(Symbols.messageSymbol, .string(error.message))
            value = .instance(instance)
        }
        guard case .instance(let instance) = value, let errorInstance = instance as? ErrorInstance else { return value }
        var frames = error.frames.map(\.frame)
        if let location { frames.append(error.currentFrame(location).frame) }
        let stack = frames.map { Traceback.line($0, mainFile) }
        errorInstance.setField(symbols.intern("line"), .number(Double(frames.first?.line ?? error.line)))
        errorInstance.setField(symbols.intern("file"), frames.first?.file.map { .string($0) } ?? .nil)
        errorInstance.setField(symbols.intern("stack"), .list(track(ListObject(stack.map { .string($0) }))))
        errorInstance.raised = error.raisedTrace
        return value
    }

    /// `value is klass`: whether the value is an instance of the class or of a subclass of it.
    func isInstance(_ value: Value, of classValue: Value, line: Int) throws -> Bool {
        guard case .class(let klass) = classValue else {
            throw ScriptError("Right operand of 'is' must be a class.", line: line, class: .typeError)
        }
        guard case .instance(let instance) = value else { return false }
        return instance.klass.inherits(from: klass)
    }
}
