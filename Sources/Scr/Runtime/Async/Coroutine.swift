/// The value of calling an async function (or an awaitable native such as `sleep`): a body that has
/// not started. Awaiting it runs the body in the awaiting task; spawning it runs it as a new task.
/// Either can happen once.
///
/// The call of a script function keeps its closure and frame here, not in a Swift closure, so that
/// the collector sees what its arguments refer to: a coroutine stored in one of its own arguments
/// (`h.pending = keep(h)`) is a cycle like any other. A native's body may hold values the collector
/// does not see; it only keeps them alive.
package final class Coroutine: CollectedObject {
    /// Runs where its caller runs (`nonisolated(nonsending)`). A closure given as one must have no
    /// capture list: with one, Swift compiles it `@concurrent`, and each call hops off the executor
    /// and back (docs/internals.md, "Async calls").
    typealias Body = () async throws -> Value

    let name: String
    private var body: Body?
    /// For a call of a script function, until it starts.
    private var closure: Closure?
    private var heap: HeapFrame?

    init(name: String, body: @escaping Body) {
        self.name = name
        self.body = body
    }

    init(closure: Closure, frame: HeapFrame) {
        name = closure.code.name
        self.closure = closure
        heap = frame
    }

    /// What a coroutine runs: a script function's code in its frame, or a native's body.
    enum Start {
        case call(FunctionCode, HeapFrame)
        case body(Body)
    }

    /// Hands out what the coroutine runs, once. An await runs a script function's code itself
    /// (`Runtime.await`): a closure around it was an allocation and one more async frame, whose
    /// return is one more task switch (docs/internals.md, "Async calls"); a spawn makes the task's
    /// body of it (`Runtime.spawn`).
    func start(line: Int) throws -> Start {
        if let closure, let heap {
            self.closure = nil
            self.heap = nil
            return .call(closure.code, heap)
        }
        guard let body else {
            throw ScriptError("Coroutine '\(name)' has already been awaited.", line: line)
        }
        self.body = nil
        return .body(body)
    }

    override func forEachReference(_ visit: inout Traversal) {
        guard let closure, let heap else { return }
        visit.visit(closure)
        heap.forEachReference(&visit)
    }

    override func clearReferences() {
        closure = nil
        heap = nil
    }
}
