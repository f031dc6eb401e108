/// The value of calling an async function (or an awaitable native such as `sleep`): a body that has
/// not started. Awaiting it runs the body in the awaiting task; spawning it runs it as a new task.
/// Either can happen once.
public final class Coroutine {
    typealias Body = () async throws -> Value

    let name: String
    private var body: Body?

    init(name: String, body: @escaping Body) {
        self.name = name
        self.body = body
    }

    convenience init(closure: Closure, frame: HeapFrame, runtime: Runtime) {
        self.init(name: closure.code.name) {
            try await runtime.runAsync(closure.code, frame.frame)
        }
    }

    /// Hands out the body, once.
    func take(line: Int) throws -> Body {
        guard let body else {
            throw ScriptError("Coroutine '\(name)' has already been awaited.", line: line)
        }
        self.body = nil
        return body
    }
}
