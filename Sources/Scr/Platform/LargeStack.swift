#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Threads with the interpreter's large stack. Parsing and analysis recurse once per level of
/// nesting, and `Parser.maxNesting` is measured for this stack (docs/internals.md, "Depth"); the
/// executor's thread has it, and input parsed anywhere else (a REPL's line, a remote client's) is
/// parsed on a thread of this size, so that it nests as deeply as a script may, on any platform
/// (secondary threads get 512 KiB on macOS, 8 MiB on Linux).
enum LargeStack {
    /// The size of the executor's stack and of these threads'. The system commits only the pages a
    /// thread touches.
    static let size = 64 << 20

    /// Runs `body` on a thread with a large stack and returns its result: on this thread if it is one,
    /// else on a new one that this thread waits for (so `body`, which need not be `Sendable`, never
    /// runs at the same time as its caller).
    static func run<T>(_ body: @escaping () -> T) -> T {
        if isCurrentThread { return body() }
        let result = Result<T>()
        pthread_join(startThread { result.value = body() }, nil)
        return result.value!
    }

    /// Starts a thread with a large stack that runs `work`; the caller joins or detaches it.
    static func startThread(_ work: @escaping () -> Void) -> pthread_t {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, size)
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let context = Unmanaged.passRetained(Job(work)).toOpaque()
        let result = pthread_create(&thread, &attributes, { context in
            LargeStack.markCurrentThread()
            Unmanaged<Job>.fromOpaque(context!).takeRetainedValue().work()
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

    /// Whether the current thread has a large stack: the executor's, or one started by `run`.
    static var isCurrentThread: Bool { pthread_getspecific(key) != nil }

    /// Notes that the current thread has a stack of `size` bytes.
    static func markCurrentThread() {
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private final class Result<T> {
        var value: T?
    }

    private final class Job: @unchecked Sendable {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }
}
