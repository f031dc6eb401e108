import Scr

/// Reads lines from standard input with no editing, writing prompts to standard output: `scr -i`, for
/// pipes and tests. The blocking read happens on a thread of its own, never on the interpreter's.
public final class PlainLineReader: LineReader, @unchecked Sendable {
    public init() {}

    public func readLine(prompt: String) async -> LineReaderResult {
        write(prompt)
        return await withCheckedContinuation { continuation in
            Threads.detach {
                guard let line = Swift.readLine(strippingNewline: true) else {
                    continuation.resume(returning: .endOfInput)
                    return
                }
                continuation.resume(returning: .line(line))
            }
        }
    }

    public func write(_ text: String) {
        StandardOutput.output.write(text)
        StandardOutput.output.flush()
    }

    public func cancelLine() -> Bool { false }
    public func addHistory(_ entry: String) {}
    public func recentHistory(_ count: Int) -> [String] { [] }
    public func close() {}
}
