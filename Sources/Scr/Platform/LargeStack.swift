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
package enum LargeStack {
    /// The size of the executor's stack and of these threads'. The system commits only the pages a
    /// thread touches.
    package static let size = 64 << 20

    /// Runs `body` on a thread with a large stack and returns its result: on this thread if it is one,
    /// else on a new one that this thread waits for (so `body`, which need not be `Sendable`, never
    /// runs at the same time as its caller).
    package static func run<T>(_ body: @escaping () -> T) -> T {
        if isCurrentThread { return body() }
        let result = Result<T>()
        Threads.join(startThread { result.value = body() })
        return result.value!
    }

    /// Starts a thread with a large stack that runs `work`; the caller joins or detaches it.
    package static func startThread(_ work: @escaping () -> Void) -> pthread_t {
        Threads.start(stackSize: size) {
            pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
            work()
        }
    }

    /// Runs `work` on a thread with a large stack, which nobody waits for.
    package static func detach(_ work: @escaping @Sendable () -> Void) {
        pthread_detach(startThread(work))
    }

    /// Whether the current thread has a large stack: the executor's, or one started here.
    package static var isCurrentThread: Bool { pthread_getspecific(key) != nil }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private final class Result<T> {
        var value: T?
    }
}
