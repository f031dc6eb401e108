/// `throw value;`
final class ThrowStatement: Statement {
    let value: Expression

    init(_ value: Expression, line: Int) {
        self.value = value
        super.init(line: line, suspends: value.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        throw ScriptError(thrown: try value.eval(frame), line: line)
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        throw ScriptError(thrown: try await value.value(frame), line: line)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [dump.expression(value)]
    }
}

/// `try { body } catch (name) { handler } finally { cleanup }`.
final class TryStatement: Statement {
    let runtime: Runtime
    let body: Statement
    let handler: (location: VariableLocation?, body: Statement)?
    let cleanup: Statement?

    init(runtime: Runtime, body: Statement, handler: (location: VariableLocation?, body: Statement)?,
         cleanup: Statement?, line: Int) {
        self.runtime = runtime
        self.body = body
        self.handler = handler
        self.cleanup = cleanup
        super.init(line: line, suspends: body.suspends || handler?.body.suspends == true || cleanup?.suspends == true)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        var outcome: Result<Value?, any Error>
        do {
            outcome = .success(try body.exec(frame))
        } catch {
            outcome = .failure(error)
        }
        if case .failure(let error) = outcome, let handler, isCatchable(error) {
            do {
                bind(error, handler.location, frame)
                outcome = .success(try handler.body.exec(frame))
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
        if case .failure(let error) = outcome, let handler, isCatchable(error) {
            do {
                bind(error, handler.location, frame)
                outcome = .success(try await handler.body.run(frame))
            } catch {
                outcome = .failure(error)
            }
        }
        if let cleanup, let returned = try await cleanup.run(frame) { return returned }
        return try outcome.get()
    }

    /// Everything is, but the stopping of the whole interpreter.
    private func isCatchable(_ error: any Error) -> Bool {
        (error as? ScriptError)?.kind != .stopped
    }

    private func bind(_ error: any Error, _ location: VariableLocation?, _ frame: Frame) {
        let error = runtime.scriptError(from: error, line: 0)
        location?.declare(runtime.caughtValue(error), in: frame, runtime)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        (handler?.location).map { ["catch \($0)"] } ?? []
    }

    override var dumpNested: [(label: String?, statement: Statement)] {
        [("try", body)] + (handler.map { [("catch", $0.body)] } ?? []) + (cleanup.map { [("finally", $0)] } ?? [])
    }
}
