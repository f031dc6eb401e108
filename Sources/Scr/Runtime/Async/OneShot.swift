/// A continuation that is resumed exactly once, by whichever comes first: the event it waits for
/// (a timer fires it from any thread, script events from the executor) or the cancellation of the
/// waiting task (delivered on any thread).
final class OneShot: @unchecked Sendable {
    private let lock = Lock()
    // Guarded by `lock`.
    private var fired = false
    // Unsafe, not checked: the lock makes sure it is resumed once, and a checked one, whose layout the
    // compiler does not know, cost 190,000 instructions of metadata at every start.
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
        var waited = true
        await withUnsafeContinuation { continuation in
            let resumeNow = lock.withLock {
                if fired { return true }
                waiter = continuation
                return false
            }
            if resumeNow {
                waited = false
                continuation.resume()
            }
        }
        return waited
    }

    func fire() {
        let waiter = lock.withLock {
            fired = true
            defer { self.waiter = nil }
            return self.waiter
        }
        waiter?.resume()
    }
}
