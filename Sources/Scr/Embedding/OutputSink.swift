#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an interpreter's output goes. A REPL routes it through its line editor while it is open,
/// then puts the previous destination back.
public final class OutputSink: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    // Guarded by `lock`.
    private var destinations: [@Sendable (String) -> Void]

    init(_ destination: @escaping @Sendable (String) -> Void) {
        destinations = [destination]
        pthread_mutex_init(lock, nil)
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    public func write(_ text: String) {
        pthread_mutex_lock(lock)
        let destination = destinations[destinations.count - 1]
        pthread_mutex_unlock(lock)
        destination(text)
    }

    /// Where output goes now.
    public var current: @Sendable (String) -> Void {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return destinations[destinations.count - 1]
    }

    /// Sends output to `destination` until the matching `pop()`.
    public func push(_ destination: @escaping @Sendable (String) -> Void) {
        pthread_mutex_lock(lock)
        destinations.append(destination)
        pthread_mutex_unlock(lock)
    }

    public func pop() {
        pthread_mutex_lock(lock)
        if destinations.count > 1 { destinations.removeLast() }
        pthread_mutex_unlock(lock)
    }
}
