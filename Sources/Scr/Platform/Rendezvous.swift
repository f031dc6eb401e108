import Synchronization

/// One result handed from a thread that computes it (the executor) to one that waits for it (a host
/// thread or task). The waiter spins first — a synchronous script call is usually back within
/// microseconds, sooner than a sleeping thread can be woken — and then sleeps: a blocked thread on
/// the condition, a Swift task as a continuation (docs/embedding.md, "Speed"). The computing side
/// says early when the answer will be slow (an async script function), and the waiter sleeps at once.
/// The waiters' spin, shared by every rendezvous: how soon answers come is a property of the
/// machine's load, not of one call.
private let waitersSpin = Spin()

final class Rendezvous<Value: Sendable>: @unchecked Sendable {  // `result`, `continuation`: see below.
    private static var pending: Int { 0 }
    private static var slow: Int { 1 }
    private static var done: Int { 2 }
    private let state = Atomic<Int>(0)
    private let condition = ConditionLock()
    // Guarded by `condition`; `result` is set once, before `state` becomes `done`.
    private var result: Value?
    private var continuation: UnsafeContinuation<Value, Never>?

    /// Tells a spinning waiter to sleep instead: the answer will take long.
    func willTakeLong() {
        _ = state.compareExchange(expected: Self.pending, desired: Self.slow, ordering: .relaxed)
    }

    /// Hands `value` to the waiter, waking it if it sleeps.
    func fulfil(_ value: Value) {
        let waiting: UnsafeContinuation<Value, Never>? = condition.withLock {
            result = value
            state.store(Self.done, ordering: .releasing)
            condition.signal()
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: value)
    }

    /// Blocks the calling thread until the value comes.
    func waitBlocking() -> Value {
        spin()
        return condition.withLock {
            while result == nil { condition.wait() }
            return result!
        }
    }

    /// Waits for the value, suspending the calling task if spinning has not brought it.
    func wait() async -> Value {
        if spin() { return condition.withLock { result! } }
        return await withUnsafeContinuation { continuation in
            let ready: Value? = condition.withLock {
                if let result { return result }
                self.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Spins while the answer is pending and may come soon; returns whether it came.
    @discardableResult
    private func spin() -> Bool {
        _ = waitersSpin.until { state.load(ordering: .acquiring) != Self.pending }
        return state.load(ordering: .acquiring) == Self.done
    }
}
