import NIOCore
import NIOHTTP1

/// A request as it arrived: the codec's head, the whole body, and where its response goes.
///
/// A class, not a struct: it is handed from the connection to the queue, the server's task and the
/// request's task, and a struct of it was copied there with a retain of each of its six references
/// (18 retains and releases a request).
final class IncomingRequest: ArrivalOnChannel {
    let head: HTTPRequestHead
    let body: [UInt8]
    let responder: HTTPResponder
    var channel: any Channel { responder.channel }

    init(head: HTTPRequestHead, body: [UInt8], responder: HTTPResponder) {
        self.head = head
        self.body = body
        self.responder = responder
    }
}

/// Where one request's response goes: its connection, and its place among the connection's requests.
struct HTTPResponder: Sendable {
    let channel: any Channel
    fileprivate let connection: NIOLoopBound<HTTPServerConnection>
    fileprivate let sequence: Int

    /// Sends `response` once the responses to the earlier requests on the connection have gone.
    /// While the client reads (the channel is writable) that is all; otherwise it returns a future that
    /// completes once NIO has handed the response to the system, for the request's task to wait on, as
    /// a connection's `write` waits — a promise for every response cost 3% of an HTTP round trip.
    /// Called on the script's executor, which is the channel's event loop: the response is written at
    /// once, with no hop.
    func send(_ response: HTTPResponse, to request: HTTPRequestHead) -> EventLoopFuture<Void>? {
        let sent = channel.isWritable ? nil : channel.eventLoop.makePromise(of: Void.self)
        let bytes = response.encoded(for: request, allocator: channel.allocator)
        let after: HTTPServerConnection.After = request.isKeepAlive ? .keepOpen : .close
        if channel.eventLoop.inEventLoop {
            connection.value.respond(sequence, bytes, then: after, sent)
        } else {
            let connection = connection, sequence = sequence
            channel.eventLoop.execute { connection.value.respond(sequence, bytes, then: after, sent) }
        }
        return sent?.futureResult
    }
}

/// One connection of `http.serve`, after NIO's request decoder: gathers each request's head and body
/// and queues it for the script, and writes the responses the requests' tasks send — each encoded into
/// one buffer — in the order of the requests, though a pipelining client's tasks may finish in any
/// order. It answers what it can itself: 400 for a request the decoder rejects, 413 for a body over
/// `HTTPLibrary.maxBody`, 503 once the server is closing.
///
/// It takes the place of NIO's `HTTPServerPipelineHandler`, response encoder, header validator and
/// protocol error handler, which cost a quarter of a keep-alive request's CPU time: four handlers
/// on the way out of every response (its head, body and end written apart), and two changes of the
/// socket's epoll registration per request, as the pipelining handler stopped and resumed reading
/// around each response (docs/internals.md, "Async I/O"). Reading is held back here only while
/// `maxPipelined` requests wait for their responses.
final class HTTPServerConnection: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How many requests of one connection may wait for their responses before reading stops.
    static let maxPipelined = 16

    private let requests: IOQueue<IncomingRequest>
    private var context: ChannelHandlerContext?
    // Unchecked exclusivity (here and below): a handler runs on its channel's event loop only, and no
    // access is held across a call out (checked, three `swift_beginAccess` a request).
    @exclusivity(unchecked) private var head: HTTPRequestHead?
    @exclusivity(unchecked) private var body: [UInt8] = []
    /// The sequence number of the next request to arrive, and of the next response to write.
    private var nextRequest = 0
    private var nextResponse = 0
    /// Responses that came before their turn.
    @exclusivity(unchecked) private var early: [Int: Response] = [:]
    /// Set once a request is refused: the rest of its body is read and dropped (a client that is
    /// still sending would otherwise get a reset instead of the answer), then the connection closes.
    private var refused = false
    private var dropped = 0
    /// Set once the connection is to close when every request read so far has its response: nothing
    /// more is read.
    private var closing = false
    /// Set once the connection's close has been asked for: nothing more is written.
    private var closed = false
    private var heldRead = false

    enum After { case keepOpen, close }

    private struct Response {
        let bytes: ByteBuffer
        let after: After
        let sent: EventLoopPromise<Void>?
    }

    init(_ requests: IOQueue<IncomingRequest>) {
        self.requests = requests
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        let unsent = early
        early = [:]
        for response in unsent.values { response.sent?.fail(ChannelError.ioOnClosedChannel) }
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard !refused else { return }
            self.head = head
            body = []
        case .body(let buffer):
            if refused {
                dropped += buffer.readableBytes
                if dropped > 8 * HTTPLibrary.maxBody { context.close(promise: nil) }
                return
            }
            if body.count + buffer.readableBytes > HTTPLibrary.maxBody {
                refused = true
                body = []
                head = nil
                respond(takeSequence(), HTTPServerConnection.plain(.payloadTooLarge, context), then: .keepOpen, nil)
                return
            }
            buffer.withUnsafeReadableBytes { body.append(contentsOf: $0) }
        case .end:
            if refused {
                closeWhenAnswered()
                return
            }
            guard let head else { return }
            self.head = nil
            let responder = HTTPResponder(
                channel: context.channel, connection: NIOLoopBound(self, eventLoop: context.eventLoop),
                sequence: takeSequence())
            if !requests.put(IncomingRequest(head: head, body: body, responder: responder)) {
                closing = true
                respond(responder.sequence, HTTPServerConnection.plain(.serviceUnavailable, context), then: .close, nil)
            }
            body = []
        }
    }

    private func takeSequence() -> Int {
        defer { nextRequest += 1 }
        return nextRequest
    }

    /// The client shut its side down: the requests it sent are answered, then the connection closes.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { closeWhenAnswered() }
        context.fireUserInboundEventTriggered(event)
    }

    /// A request the decoder rejects gets 400, after the responses to the requests before it; one cut
    /// off by the end of the input gets nothing (the connection closes, as it would have if it had been
    /// cut off between requests).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? HTTPParserError, error != .invalidEOFState, !closing else {
            closed = true
            context.close(promise: nil)
            return
        }
        head = nil
        closing = true
        respond(takeSequence(), HTTPServerConnection.plain(.badRequest, context), then: .close, nil)
    }

    func read(context: ChannelHandlerContext) {
        if closing || nextRequest - nextResponse >= HTTPServerConnection.maxPipelined {
            heldRead = true
        } else {
            context.read()
        }
    }

    // MARK: Responses

    /// Writes the response to request `sequence` if its turn has come, with any that waited for it.
    func respond(_ sequence: Int, _ bytes: ByteBuffer, then after: After, _ sent: EventLoopPromise<Void>?) {
        guard let context, !closed else {
            sent?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        guard sequence == nextResponse else {
            early[sequence] = Response(bytes: bytes, after: after, sent: sent)
            return
        }
        var next: Response? = Response(bytes: bytes, after: after, sent: sent)
        while let response = next {
            nextResponse += 1
            context.write(wrapOutboundOut(response.bytes), promise: response.sent)
            if response.after == .close {
                closeAfterWrites(context)
                return
            }
            next = early.isEmpty ? nil : early.removeValue(forKey: nextResponse)
        }
        if closing, nextResponse == nextRequest {
            closeAfterWrites(context)
            return
        }
        context.flush()
        if heldRead, !closing, nextRequest - nextResponse < HTTPServerConnection.maxPipelined {
            heldRead = false
            context.read()
        }
    }

    /// Reads no more, and closes the connection once every request read so far has its response.
    private func closeWhenAnswered() {
        closing = true
        if let context, nextResponse == nextRequest { closeAfterWrites(context) }
    }

    /// Closes the connection once what has been written has gone out (closing at once would fail the
    /// writes still pending); responses to later requests are dropped.
    private func closeAfterWrites(_ context: ChannelHandlerContext) {
        closing = true
        closed = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
        let dropped = early
        early = [:]
        for response in dropped.values { response.sent?.fail(ChannelError.ioOnClosedChannel) }
    }

    /// A response of the handler's own: the status's reason as its text, and `connection: close`.
    private static func plain(_ status: HTTPResponseStatus, _ context: ChannelHandlerContext) -> ByteBuffer {
        HTTPResponse(status: Int(status.code), text: status.reasonPhrase + "\n")
            .encoded(for: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["connection": "close"]),
                     allocator: context.channel.allocator)
    }
}

extension HTTPResponse {
    /// The response's bytes, in one buffer: the status line in the request's version, the headers
    /// (the script's, less any `content-length` or `transfer-encoding`: the body goes whole, with its
    /// length), `connection: close` unless the request keeps the connection alive, and the body —
    /// none for HEAD, 204 and 304, which have none (1xx is not sent: a handler's response is final).
    /// The head is written straight into the buffer's memory, sized first: put together as an array
    /// of bytes and then copied, it cost 3,500 instructions a response and three allocations (the
    /// array, the headers', the body's); through string interpolation and a buffer write a piece,
    /// 7,400 (docs/internals.md, "Async I/O").
    func encoded(for request: HTTPRequestHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        let status = HTTPResponseStatus(statusCode: status)
        let hasNoBody = status.code == 204 || status.code == 304
        let sendsBody = !hasNoBody && request.method != .HEAD
        let keepsAlive = request.isKeepAlive
        let reason = status.reasonPhrase
        // The status line and the lines this side adds, each number at its longest (20 digits).
        var headSize = "HTTP/.  \r\n".utf8.count + 3 * 20 + reason.utf8.count
            + "content-length: \r\n".utf8.count + 20 + "connection: close\r\n\r\n".utf8.count
        for (name, value) in headers { headSize += name.utf8.count + value.utf8.count + 4 }
        let bodySize = body.count
        var buffer = allocator.buffer(capacity: headSize + (sendsBody ? bodySize : 0))
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: headSize) { memory in
            var head = HeadWriter(memory)
            if request.version == .http1_1 && status.code == 200 {
                head.write("HTTP/1.1 200 OK\r\n")  // most responses: one piece instead of nine
            } else {
                head.write("HTTP/")
                head.writeDecimal(request.version.major)
                head.write(".")
                head.writeDecimal(request.version.minor)
                head.write(" ")
                head.writeDecimal(Int(status.code))
                head.write(" ")
                head.write(string: reason)
                head.write("\r\n")
            }
            for (name, value) in headers where !HTTPResponse.isFraming(name, closes: !keepsAlive) {
                head.write(string: name)
                head.write(": ")
                head.write(string: value)
                head.write("\r\n")
            }
            if !hasNoBody {
                head.write("content-length: ")
                head.writeDecimal(bodySize)
                head.write("\r\n")
            }
            if !keepsAlive { head.write("connection: close\r\n") }
            head.write("\r\n")
            return head.count
        }
        if sendsBody {
            switch body {
            case .text(let text): buffer.writeString(text)
            case .bytes(let bytes): buffer.writeBytes(bytes)
            }
        }
        return buffer
    }

    /// Whether a header is one this side writes itself (`connection` too, when the connection closes).
    /// Only a name of one of their lengths is lower-cased to be compared.
    private static func isFraming(_ name: String, closes: Bool) -> Bool {
        switch name.utf8.count {
        case 14: name.lowercased() == "content-length"
        case 17: name.lowercased() == "transfer-encoding"
        case 10: closes && name.lowercased() == "connection"
        default: false
        }
    }
}

/// Writes a response's head into memory sized for it (`HTTPResponse.encoded`).
private struct HeadWriter {
    let memory: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ memory: UnsafeMutableRawBufferPointer) { self.memory = memory }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        precondition(count + bytes.count <= memory.count, "the head was sized for what it holds")
        guard let source = bytes.baseAddress, let target = memory.baseAddress else { return }
        (target + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func write(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A string's bytes (a literal is a `StaticString`, whose bytes need no conversion).
    mutating func write(string text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// `number`, not negative, in decimal digits.
    mutating func writeDecimal(_ number: Int) {
        precondition(number >= 0 && count + 20 <= memory.count, "the head was sized for what it holds")
        guard let target = memory.baseAddress else { return }
        var digits = 1
        var rest = number
        while rest >= 10 { rest /= 10; digits += 1 }
        rest = number
        var position = count + digits
        repeat {
            position -= 1
            target.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10), toByteOffset: position, as: UInt8.self)
            rest /= 10
        } while rest > 0
        count += digits
    }
}
