/// `throw value;`. An error instance thrown for the first time gets the line and file it was thrown
/// at; one caught before is thrown again with its traceback.
final class ThrowStatement: Statement {
    let runtime: Runtime
    let value: Expression
    let location: CodeLocation

    init(runtime: Runtime, _ value: Expression, location: CodeLocation, line: Int) {
        self.runtime = runtime
        self.value = value
        self.location = location
        super.init(line: line, suspends: value.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        throw error(throwing: try value.eval(frame))
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        throw error(throwing: try await value.value(frame))
    }

    private func error(throwing value: Value) -> ScriptError {
        if case .instance(let instance) = value, let error = instance as? ErrorInstance, error.raised == nil {
            error.setField(runtime.symbols.intern("line"), .number(Double(line)))
            error.setField(runtime.symbols.intern("file"), location.file.map { .string($0) } ?? .nil)
        }
        return ScriptError(thrown: value, line: line, executor: runtime.executor)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(value)]
    }
}

/// `try { body } catch (e: Class) { handler } … finally { cleanup }`. The first clause whose class
/// the error is an instance of (or that names none) handles it; an error no clause handles goes on,
/// with its traceback, after the cleanup has run.
final class TryStatement: Statement {
    struct Handler {
        /// Where the clause binds the error, if it names a variable.
        let variable: VariableLocation?
        /// The class the error must be an instance of, if the clause names one.
        let errorClass: Expression?
        let body: Statement
    }

    let runtime: Runtime
    let body: Statement
    let handlers: [Handler]
    let cleanup: Statement?
    let location: CodeLocation

    init(runtime: Runtime, body: Statement, handlers: [Handler], cleanup: Statement?, location: CodeLocation,
         line: Int) {
        self.runtime = runtime
        self.body = body
        self.handlers = handlers
        self.cleanup = cleanup
        self.location = location
        super.init(line: line, suspends: body.suspends || handlers.contains { $0.body.suspends || $0.errorClass?.suspends == true }
                   || cleanup?.suspends == true)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        var outcome: Result<Value?, any Error>
        do {
            outcome = .success(try body.exec(frame))
        } catch {
            outcome = .failure(error)
        }
        if case .failure(let error) = outcome, let error = catchable(error) {
            do {
                let caught = runtime.caughtValue(error, at: location)
                if let handler = try handler(for: caught, frame) {
                    error.postMortem = nil
                    handler.variable?.declare(caught, in: frame, runtime)
                    outcome = .success(try handler.body.exec(frame))
                }
            } catch {
                outcome = .failure(error)
            }
        }
        if let cleanup, let returned = try cleanup.exec(frame) { return returned }
        return try outcome.get()
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        var outcome: Result<Value?, any Error>
        do {
            outcome = .success(try await body.run(frame))
        } catch {
            outcome = .failure(error)
        }
        if case .failure(let error) = outcome, let error = catchable(error) {
            do {
                let caught = runtime.caughtValue(error, at: location)
                if let handler = try await handler(for: caught, frame) {
                    error.postMortem = nil
                    handler.variable?.declare(caught, in: frame, runtime)
                    outcome = .success(try await handler.body.run(frame))
                }
            } catch {
                outcome = .failure(error)
            }
        }
        if let cleanup, let returned = try await cleanup.run(frame) { return returned }
        return try outcome.get()
    }

    /// The error as script code sees it, unless it is the stopping of the whole interpreter or an
    /// `exit()`, which no clause catches.
    private func catchable(_ error: any Error) -> ScriptError? {
        guard !handlers.isEmpty else { return nil }
        let error = runtime.scriptError(from: error, line: line)
        return error.kind == .stopped || error.kind == .exited ? nil : error
    }

    private func handler(for caught: Value, _ frame: Frame) throws -> Handler? {
        for handler in handlers {
            guard let errorClass = handler.errorClass else { return handler }
            if try runtime.isInstance(caught, of: errorClass.eval(frame), line: line) { return handler }
        }
        return nil
    }

    private func handler(for caught: Value, _ frame: Frame) async throws -> Handler? {
        for handler in handlers {
            guard let errorClass = handler.errorClass else { return handler }
            if try runtime.isInstance(caught, of: await errorClass.value(frame), line: line) { return handler }
        }
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        handlers.map { handler in
            "catch" + (handler.variable.map { " \($0)" } ?? "")
                + (handler.errorClass.map { ": " + dump.expression($0) } ?? "")
        }
    }

    override var dumpNested: [(label: String?, statement: Statement)] {
        [("try", body)] + handlers.map { ("catch", $0.body) } + (cleanup.map { [("finally", $0)] } ?? [])
    }
}
