/// Buffered writes to a file descriptor. Script output comes in many small pieces; writing each with
/// its own system call would dominate a printing loop. A terminal gets every line at once.
package final class StandardOutput: @unchecked Sendable {
    /// The process's standard output.
    public static let output = StandardOutput(fileDescriptor: 1)
    /// The process's standard error, written at once.
    public static let error = StandardOutput(fileDescriptor: 2, bufferLimit: 0)

    private let fileDescriptor: Int32
    private let bufferLimit: Int
    private let buffer = Locked<[UInt8]>([])

    init(fileDescriptor: Int32, bufferLimit: Int = 1 << 16) {
        self.fileDescriptor = fileDescriptor
        self.bufferLimit = System.isTerminal(fileDescriptor) ? 0 : bufferLimit
    }

    /// Appends `text`, writing it out once the buffer is full.
    public func write(_ text: String) {
        buffer.withLock { buffer in
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= bufferLimit { drain(&buffer) }
        }
    }

    /// Writes out whatever is buffered.
    public func flush() {
        buffer.withLock { drain(&$0) }
    }

    private func drain(_ buffer: inout [UInt8]) {
        System.write(fileDescriptor, buffer)  // A closed pipe loses the output rather than spin.
        buffer.removeAll(keepingCapacity: true)
    }
}
