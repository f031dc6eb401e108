import Scr

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from standard input with no editing, writing prompts to standard output: `scr -i`, for
/// pipes and tests. The blocking read happens on a thread of its own, never on the interpreter's.
public final class PlainLineReader: LineReader, @unchecked Sendable {
    public init() {}

    public func readLine(prompt: String) async -> LineReaderResult {
        write(prompt)
        return await withCheckedContinuation { continuation in
            Thread.detach {
                guard let line = Swift.readLine(strippingNewline: true) else {
                    continuation.resume(returning: .endOfInput)
                    return
                }
                continuation.resume(returning: .line(line, morePending: false))
            }
        }
    }

    public func write(_ text: String) {
        StandardOutput.output.write(text)
        StandardOutput.output.flush()
    }

    public func cancelLine() -> Bool { false }
    public func addHistory(_ line: String) {}
    public func close() {}
}

/// Starting a plain thread for blocking work, without Foundation.
enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(&thread, nil, { context in
            Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
        precondition(result == 0, "cannot start a thread")
        pthread_detach(thread)
    }
}
