#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writes to a file descriptor. Script output comes in many small pieces; writing each with
/// its own system call would dominate a printing loop. A terminal gets every line at once.
public final class StandardOutput: @unchecked Sendable {
    /// The process's standard output.
    public static let output = StandardOutput(fileDescriptor: 1)
    /// The process's standard error, written at once.
    public static let error = StandardOutput(fileDescriptor: 2, bufferLimit: 0)

    private let fileDescriptor: Int32
    private let bufferLimit: Int
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var buffer: [UInt8] = []

    init(fileDescriptor: Int32, bufferLimit: Int = 1 << 16) {
        self.fileDescriptor = fileDescriptor
        self.bufferLimit = isatty(fileDescriptor) == 1 ? 0 : bufferLimit
        pthread_mutex_init(lock, nil)
    }

    /// Appends `text`, writing it out once the buffer is full.
    public func write(_ text: String) {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= bufferLimit { drain() }
    }

    /// Writes out whatever is buffered.
    public func flush() {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        drain()
    }

    private func drain() {
        var written = 0
        while written < buffer.count {
            let result = buffer.withUnsafeBytes { bytes in
                Glibc.write(fileDescriptor, bytes.baseAddress! + written, bytes.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            if result <= 0 { break }  // A closed pipe: drop the output rather than spin.
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
