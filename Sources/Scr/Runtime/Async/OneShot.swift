import Synchronization

/// A continuation that is resumed exactly once, by whichever comes first: the event it waits for
/// (a timer fires it from any thread, script events from the executor) or the cancellation of the waiting task (delivered on any thread).
final class OneShot: Sendable {
    private let continuation = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let fired = Atomic<Bool>(false)

    /// Suspends until `fire()`; returns early if the current task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = self.continuation.withLock { stored in
                    if fired.load(ordering: .acquiring) { return true }
                    stored = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            fire()
        }
    }

    func fire() {
        let continuation = self.continuation.withLock { stored -> CheckedContinuation<Void, Never>? in
            fired.store(true, ordering: .releasing)
            defer { stored = nil }
            return stored
        }
        continuation?.resume()
    }
}
