#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain threads, for blocking work (a read from the terminal, the executor's loop), without
/// Foundation, which would slow every start of `scr`.
package enum Threads {
    /// Starts a thread running `body` with a stack of `stackSize` bytes (the system's default if nil);
    /// the caller joins or detaches it.
    package static func start(stackSize: Int? = nil, _ body: @escaping () -> Void) -> pthread_t {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let context = Unmanaged.passRetained(Job(body)).toOpaque()
        let result = pthread_create(&thread, &attributes, { context in
            Unmanaged<Job>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
        precondition(result == 0, "cannot start a thread: \(result)")
        pthread_attr_destroy(&attributes)
        #if canImport(Glibc)
        return thread
        #else
        return thread!
        #endif
    }

    /// Runs `body` on a thread of its own, which nobody waits for.
    package static func detach(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        pthread_detach(start(stackSize: stackSize, body))
    }

    /// The calling thread, as a number to compare.
    package static var currentID: UInt {
        #if canImport(Glibc)
        UInt(pthread_self())
        #else
        UInt(bitPattern: pthread_self())
        #endif
    }

    /// Waits until `thread` ends.
    package static func join(_ thread: pthread_t) {
        pthread_join(thread, nil)
    }

    /// The work of a new thread, handed over through `pthread_create`'s context pointer. Only the new
    /// thread runs it.
    private final class Job: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
}

/// A pointer per thread, for state that must not be shared between threads (the teardown worklist):
/// pthread's thread-specific data, a few instructions to read.
package struct ThreadSpecific: @unchecked Sendable {
    private let key: pthread_key_t

    /// `destructor` is called with a thread's non-nil value when the thread ends.
    package init(destructor: (@convention(c) (UnsafeMutableRawPointer?) -> Void)? = nil) {
        var key = pthread_key_t()
        pthread_key_create(&key, destructor)
        self.key = key
    }

    package var value: UnsafeMutableRawPointer? {
        get { pthread_getspecific(key) }
        nonmutating set { pthread_setspecific(key, newValue) }
    }
}
