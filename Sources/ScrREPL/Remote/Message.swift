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
        // Server to client.
        case output = 10  // Request id 0: output of background tasks.
        case result = 11
        case completions = 13
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

    var bytes: [UInt8] {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    enum DecodeError: Error {
        case tooLong
        case unknownKind
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
