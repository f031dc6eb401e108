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
//   `Lock` (or the executor's `ConditionLock`) with the fields marked `// Guarded by <lock>.`
//
// One lock type, as SwiftNIO has NIOLock: a pthread mutex, which ThreadSanitizer understands (the
// toolchain's prebuilt `Synchronization.Mutex` locks unseen by it, so accesses under it were
// reported as races by `scripts/sanitizers`).

/// A mutual-exclusion lock. A struct over one object that holds the mutex in its own memory, as
/// NIOLock does: a lock costs one allocation.
package struct Lock: @unchecked Sendable {
    fileprivate let storage = LockStorage<Void>.make(())

    package init() {}

    package func lock() { storage.lock() }
    package func unlock() { storage.unlock() }

    package func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A value behind a lock, in the same object: it can be reached only through `withLock`.
package struct Locked<Value>: @unchecked Sendable {
    private let storage: LockStorage<Value>

    package init(_ value: Value) {
        storage = LockStorage.make(value)
    }

    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        storage.lock()
        defer { storage.unlock() }
        return try storage.withUnsafeMutablePointerToHeader { try body(&$0.pointee) }
    }
}

/// The value (the header) and the mutex (the one element) of a lock, in one allocation.
fileprivate final class LockStorage<Value>: ManagedBuffer<Value, pthread_mutex_t> {
    static func make(_ value: Value) -> LockStorage {
        let storage = unsafeDowncast(create(minimumCapacity: 1) { _ in value }, to: LockStorage.self)
        storage.withUnsafeMutablePointerToElements { _ = pthread_mutex_init($0, nil) }
        return storage
    }

    deinit {
        withUnsafeMutablePointerToElements { _ = pthread_mutex_destroy($0) }
    }

    func lock() { withUnsafeMutablePointerToElements { _ = pthread_mutex_lock($0) } }
    func unlock() { withUnsafeMutablePointerToElements { _ = pthread_mutex_unlock($0) } }
    var mutex: UnsafeMutablePointer<pthread_mutex_t> { withUnsafeMutablePointerToElements { $0 } }
}

/// A lock with a condition, for a thread that sleeps until there is work (the executor's queue).
package final class ConditionLock: @unchecked Sendable {
    private let lock = Lock()
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    package init() {
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    package func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        try lock.withLock(body)
    }

    /// Waits for a signal; call it holding the lock, which it gives up while waiting.
    package func wait() { pthread_cond_wait(condition, lock.storage.mutex) }
    package func signal() { pthread_cond_signal(condition) }
    package func broadcast() { pthread_cond_broadcast(condition) }
}
