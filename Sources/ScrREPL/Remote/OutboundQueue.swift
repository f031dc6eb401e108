import NIOCore

/// What is on its way to one client of the remote REPL — script output, answers, prompts — in the
/// order it was sent, waiting for the connection's event loop to write it. However much piles up,
/// the loop is given one task to write it all: with a task a `print`, a script printing in a loop
/// queued tasks faster than the loop ran them, and a NIO event loop runs every queued task before it
/// looks at its sockets again — every connection of the remote REPL stopped reading, accepting and
/// connecting (docs/remote.md, "Output floods").
struct OutboundQueue {
    enum Item {
        /// Script output, tagged with the framed input that ran when it was printed (0: none).
        case output(String, request: UInt32)
        /// An answer, a prompt or a message, ready to go.
        case bytes(ByteBuffer)
    }

    /// Script output waiting for the loop beyond which more is dropped: a script printing faster
    /// than the loop writes loses output, not memory.
    static let maxOutput = 4 << 20

    private var items: [Item] = []
    private var outputBytes = 0
    private var scheduled = false

    /// Queues `item` (output over the bound is dropped); true if the loop must be given a task to
    /// write it — none is on its way.
    mutating func append(_ item: Item) -> Bool {
        if case .output(let text, _) = item {
            guard outputBytes < Self.maxOutput else { return false }
            outputBytes += text.utf8.count
        }
        items.append(item)
        defer { scheduled = true }
        return !scheduled
    }

    /// Everything queued, for the loop's task to write; what comes next needs a new task.
    mutating func take() -> [Item] {
        defer { self = OutboundQueue() }
        return items
    }

    /// How the client reads output: not yet known (it gets none: a busy program would bury the
    /// handshake's answer in output), as plain text, or as output messages.
    enum Reader { case undecided, plain, framed }

    /// `items` as the bytes to send, in order, consecutive output of one input in one piece. Output
    /// is left out when the client does not take it (`takesOutput`: the channel is under its
    /// high-water mark).
    static func encode(_ items: [Item], for reader: Reader, takesOutput: Bool, into buffer: inout ByteBuffer) {
        var index = items.startIndex
        while index < items.endIndex {
            switch items[index] {
            case .bytes(var bytes):
                buffer.writeBuffer(&bytes)
                index += 1
            case .output(var text, let request):
                index += 1
                while index < items.endIndex, case .output(let more, request) = items[index] {
                    text += more
                    index += 1
                }
                guard takesOutput else { continue }
                switch reader {
                case .undecided: break
                case .plain: buffer.writeString(text)
                case .framed:
                    for frame in Message.frames(kind: .output, id: request, payload: text) { frame.write(to: &buffer) }
                }
            }
        }
    }
}
