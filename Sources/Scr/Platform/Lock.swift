#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Which lock guards what. State is shared between threads in three ways, and only these:
//
// - Script state (values, objects, the runtime) is not shared at all: it lives on the interpreter's
//   executor (see Confined.swift).
// - Flags and counters polled on hot paths (the interrupt flag, a session's running task) are atomics.
// - Everything else shared between threads is behind a lock of this file: as a `Locked<Value>`,
//   reachable only through `withLock`, or, where one lock guards several fields of an object, a
//   `Lock` (or the executor's `ConditionLock`) with the fields marked `// Guarded by <lock>.` — not
//   a `Locked(())`, whose zero-sized value ThreadSanitizer reported as a Swift access race (two REPL
//   sessions at once, `REPLTests.concurrentSessionsKeepEveryInput`).
//
// One lock type, as SwiftNIO has NIOLock: a pthread mutex, which ThreadSanitizer understands (the
// toolchain's prebuilt `Synchronization.Mutex` locks unseen by it, so accesses under it were
// reported as races by `scripts/sanitizers`).

/// A mutual-exclusion lock. Not generic, so that making the first one costs no metadata at run
/// time (a generic lock type cost 100,000 instructions at every start of `scr`).
package final class Lock: @unchecked Sendable {
    fileprivate let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    package init() {
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }

    package func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A value behind a lock: it can be reached only through `withLock`.
package final class Locked<Value>: @unchecked Sendable {
    private let lock = Lock()
    // Guarded by `lock`.
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(&value) }
    }
}

/// A lock with a condition, for a thread that sleeps until there is work (the executor's queue).
package final class ConditionLock: @unchecked Sendable {
    private let base = Lock()
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    package init() {
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    package func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        try base.withLock(body)
    }

    /// For a holder that must end a value's life inside the lock, which a closure's capture would not.
    package func lock() { base.lock() }
    package func unlock() { base.unlock() }

    /// Waits for a signal; call it holding the lock, which it gives up while waiting.
    package func wait() { pthread_cond_wait(condition, base.mutex) }
    package func signal() { pthread_cond_signal(condition) }
    package func broadcast() { pthread_cond_broadcast(condition) }
}
