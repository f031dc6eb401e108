/// Error values: the built-in `Error` classes, what a `catch` binds, `is`.
extension Runtime {
    /// The classes of the interpreter's errors, as scripts see them: `Error`, with a `message` field
    /// its initializer sets, and a subclass for each kind of runtime error. Scripts subclass them too
    /// (`class Overdrawn < Error {}`).
    static let errorClassesSource = """
        class Error { init(message) { this.message = message; } }
        """ + ScriptError.ErrorClass.allCases.dropFirst().map { "class \($0.rawValue) < Error {}" }.joined(separator: "\n")

    func installErrorClasses() {
        let parsed = Parser.parse(Runtime.errorClassesSource)
        guard case .success(let code) = Analyzer.analyze(parsed.statements, runtime: self, mode: .script) else {
            preconditionFailure("the built-in error classes do not compile")
        }
        let heap = HeapFrame(code, captures: noCaptures)
        _ = try? withExtendedLifetime(heap) { try code.body.exec(heap.frame) }
        for errorClass in ScriptError.ErrorClass.allCases {
            guard case .class(let klass)? = globals.value(of: errorClass.rawValue) else { continue }
            klass.isErrorClass = true
            errorClasses[errorClass] = klass
        }
    }

    /// A new instance of `klass`: an `ErrorInstance` for `Error` and its subclasses.
    @inline(__always)
    func makeInstance(_ klass: ClassObject) -> Instance {
        track(klass.isErrorClass ? ErrorInstance(klass: klass) : Instance(klass: klass))
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
