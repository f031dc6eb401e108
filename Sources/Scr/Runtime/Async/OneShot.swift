import Synchronization

/// A continuation that is resumed exactly once, by whichever comes first: the event it waits for
/// (a timer fires it from any thread, script events from the executor) or the cancellation of the
/// waiting task (delivered on any thread). One task waits on it at a time.
///
/// No lock: one atomic state, and the continuation handed over through it. A lock (an object, and
/// a mutex made, locked twice and destroyed) was two allocations and 700 instructions of every wait,
/// and every wait for I/O makes a `OneShot`: 3% of an echo round trip (docs/internals.md, "Async I/O").
final class OneShot: @unchecked Sendable {
    private static let idle = 0, waiting = 1, fired = 2
    private let state = Atomic<Int>(OneShot.idle)
    // Written by the waiter before it publishes `waiting` (a releasing exchange), read by `fire` only
    // after it took `waiting` away (an acquiring one): never touched by both at once. Unsafe, not
    // checked: the state makes sure it is resumed once, and a checked one, whose layout the compiler
    // does not know, cost 190,000 instructions of metadata at every start.
    private var waiter: UnsafeContinuation<Void, Never>?

    /// Suspends until `fire()`; returns early if the current task is cancelled. Returns whether it
    /// had to wait: false if it had fired already, when the task went on without letting others run.
    @discardableResult
    func wait() async -> Bool {
        await withTaskCancellationHandler {
            await waitInScriptTask()
        } onCancel: {
            fire()
        }
    }

    /// `wait()` for a script task's own Swift task (`TaskObject.suspend`), without the cancellation
    /// handler: nothing cancels that Swift task — `Runtime.startTask` keeps no handle to it — and a
    /// script task is stopped, interrupted or cancelled through `fire` (`TaskObject.signal`). The
    /// handler's record, added and removed under the task's status lock, cost 3% of an echo round trip.
    @discardableResult
    func waitInScriptTask() async -> Bool {
        if state.load(ordering: .acquiring) == OneShot.fired { return false }
        var waited = true
        await withContinuationHere { continuation in
            waiter = continuation
            let (published, found) = state.compareExchange(
                expected: OneShot.idle, desired: OneShot.waiting, ordering: .acquiringAndReleasing)
            guard !published else { return }
            precondition(found == OneShot.fired, "two tasks wait on one OneShot")
            waiter = nil
            waited = false
            continuation.resume()
        }
        return waited
    }

    func fire() {
        guard state.exchange(OneShot.fired, ordering: .acquiringAndReleasing) == OneShot.waiting else { return }
        let waiter = self.waiter.take()
        waiter!.resume()
    }
}

/// `withUnsafeContinuation` without the hop it makes before it suspends: its `isolation` parameter
/// sends a caller that is `nonisolated(nonsending)`, as script code is, to the generic executor first —
/// a task switch that looks the task's executor preference up under a lock, for code that is already
/// where it must run (docs/internals.md, "Async calls"). The hop back after the resume is kept.
@inline(__always)
func withContinuationHere<T>(_ body: (UnsafeContinuation<T, Never>) -> Void) async -> T {
    await _unsafeInheritExecutor_withUnsafeContinuation(body)
}
