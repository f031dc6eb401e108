import NIOCore

/// The framed protocol of `scr connect`. After the handshake (`Handshake`), each message is: a 4-byte
/// big-endian length of the rest, a kind byte, a 4-byte big-endian request id, and a UTF-8 payload.
struct Message: Equatable {
    enum Kind: UInt8 {
        // Client to server.
        case eval = 1
        case interrupt = 2
        case complete = 3
        case tasks = 4
        /// An inspection command as typed (`.enter 3`, `.up`, `.pm`, …; `MetaCommand.Inspection`).
        case command = 5
        // Server to client.
        case output = 10  // Request id 0: output of background tasks.
        case result = 11
        case completions = 13
        /// The end of a request's answer; its payload is the session's prompt now (it changes as
        /// `.enter` and `.leave` go in and out of frames), empty from a server that predates them.
        case done = 14
    }

    /// The longest message accepted: one input, or one piece of output.
    static let maximumLength = 1 << 20

    let kind: Kind
    let id: UInt32
    let payload: String

    func write(to buffer: inout ByteBuffer) {
        let bytes = Array(payload.utf8)
        buffer.writeInteger(UInt32(5 + bytes.count))
        buffer.writeInteger(kind.rawValue)
        buffer.writeInteger(id)
        buffer.writeBytes(bytes)
    }

    /// The messages that carry `payload`: one, or, past `maximumLength` bytes, several of the same
    /// kind and id, each cut at a character's start, which the client joins (results and output are
    /// appended as they come). A 2 MiB result once made a frame the client refused, and it hung.
    static func frames(kind: Kind, id: UInt32, payload: String, limit: Int = maximumLength) -> [Message] {
        let utf8 = payload.utf8
        guard utf8.count > limit else { return [Message(kind: kind, id: id, payload: payload)] }
        var frames: [Message] = []
        var start = utf8.startIndex
        while start < utf8.endIndex {
            var end = utf8.index(start, offsetBy: limit, limitedBy: utf8.endIndex) ?? utf8.endIndex
            // Back to the first byte of the character the cut would split.
            while end < utf8.endIndex && end > start && UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
            if end == start {
                // A limit smaller than one character: the frame holds that character.
                end = utf8.index(after: start)
                while end < utf8.endIndex && UTF8.isContinuation(utf8[end]) { end = utf8.index(after: end) }
            }
            frames.append(Message(kind: kind, id: id, payload: String(payload[start..<end])))
            start = end
        }
        return frames
    }

    var bytes: [UInt8] {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    enum DecodeError: Error, CustomStringConvertible {
        case tooLong
        case unknownKind

        var description: String {
            switch self {
            case .tooLong: "a message longer than 1 MiB"
            case .unknownKind: "a message of an unknown kind"
            }
        }
    }

    /// Reads one whole message from `buffer`, or nil if more bytes are needed.
    static func read(from buffer: inout ByteBuffer) throws -> Message? {
        guard let length: UInt32 = buffer.getInteger(at: buffer.readerIndex) else { return nil }
        guard length >= 5, length <= maximumLength + 5 else { throw DecodeError.tooLong }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let kindByte: UInt8 = buffer.readInteger()!
        let id: UInt32 = buffer.readInteger()!
        let payload = buffer.readString(length: Int(length) - 5) ?? ""
        guard let kind = Kind(rawValue: kindByte) else { throw DecodeError.unknownKind }
        return Message(kind: kind, id: id, payload: payload)
    }
}
