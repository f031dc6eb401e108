import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Scr

/// `HTTPServerConnection` on an `EmbeddedChannel`, without sockets or script tasks: responses go out
/// in the order of their requests, reading stops while too many requests wait, and a malformed
/// request gets its 400 in its turn. (Tests/golden/core/http/framing.scr checks the same against
/// a real client.)
struct HTTPServerConnectionTests {
    /// A connection's channel: NIO's decoder, then the handler under test, with a counter of the
    /// reads the handler lets through ahead of them. Each test finishes its channel: an open one and
    /// its pipeline hold each other (LeakSanitizer reports them).
    private static func connection() throws -> (EmbeddedChannel, IOQueue<IncomingRequest>, ReadCounter) {
        let requests = IOQueue<IncomingRequest>()
        let reads = ReadCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(reads)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        try channel.pipeline.syncOperations.addHandler(HTTPServerConnection(requests))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        return (channel, requests, reads)
    }

    private static func request(_ path: String, _ extra: String = "") -> String {
        "GET \(path) HTTP/1.1\r\nHost: test\r\n\(extra)\r\n"
    }

    /// Everything written so far, as text.
    private static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test func answersPipelinedRequestsInTheirOrder() throws {
        let (channel, requests, _) = try Self.connection()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        try channel.writeInbound(ByteBuffer(string: Self.request("/a") + Self.request("/b") + Self.request("/c")))
        let arrived = requests.drain()
        #expect(arrived.map(\.head.uri) == ["/a", "/b", "/c"])

        // The last two finish first: nothing goes out until the first has its answer.
        for request in arrived.reversed().prefix(2) {
            _ = request.responder.send(HTTPResponse(status: 200, text: request.head.uri), to: request.head)
        }
        #expect(try Self.written(channel) == "")
        let sent = arrived[0].responder.send(HTTPResponse(status: 200, text: "/a"), to: arrived[0].head)
        let text = try Self.written(channel)
        let bodies = text.components(separatedBy: "\r\n\r\n").dropFirst().map { $0.prefix(2) }
        #expect(bodies == ["/a", "/b", "/c"], "\(text)")
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 2\r\n\r\n/a"))
        // A client that reads: nothing for the request's task to wait on.
        #expect(sent == nil)
        #expect(channel.isActive)
    }

    @Test func stopsReadingWhileTooManyRequestsWait() throws {
        let (channel, requests, reads) = try Self.connection()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let limit = HTTPServerConnection.maxPipelined
        try channel.writeInbound(ByteBuffer(string: (0..<limit - 1).map { Self.request("/\($0)") }.joined()))
        channel.read()
        #expect(reads.count == 1, "below the limit, reads go on")

        try channel.writeInbound(ByteBuffer(string: Self.request("/last")))
        channel.read()
        #expect(reads.count == 1, "at the limit, the read is held")

        let arrived = requests.drain()
        #expect(arrived.count == limit)
        _ = arrived[0].responder.send(HTTPResponse(status: 200, text: "ok"), to: arrived[0].head)
        #expect(reads.count == 2, "an answer lets the held read through")
        #expect(try Self.written(channel).hasPrefix("HTTP/1.1 200 OK"))
    }

    @Test func answersAMalformedRequestAfterTheOnesBeforeIt() throws {
        let (channel, requests, _) = try Self.connection()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        try channel.writeInbound(ByteBuffer(string: Self.request("/first") + "NOT HTTP AT ALL\r\n\r\n"))
        #expect(try Self.written(channel) == "", "the 400 waits for the first request's answer")
        let first = requests.drain()
        #expect(first.map(\.head.uri) == ["/first"])
        _ = first[0].responder.send(HTTPResponse(status: 200, text: "one"), to: first[0].head)
        channel.embeddedEventLoop.run()
        let text = try Self.written(channel)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(text)")
        #expect(text.contains("one" + "HTTP/1.1 400 Bad Request\r\n"), "\(text)")
        #expect(text.contains("connection: close\r\n"))
        #expect(!channel.isActive, "the connection closes after the 400")
    }

    @Test func closesAfterTheAnswerToARequestThatAsksForIt() throws {
        let (channel, requests, _) = try Self.connection()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        // What comes after a request that closes the connection is not read as a request.
        try channel.writeInbound(ByteBuffer(string: Self.request("/bye", "Connection: close\r\n") + Self.request("/ignored")))
        let arrived = requests.drain()
        #expect(arrived.map(\.head.uri) == ["/bye"])
        guard let bye = arrived.first else { return }
        let sent = bye.responder.send(HTTPResponse(status: 200, text: "bye"), to: bye.head)
        channel.embeddedEventLoop.run()
        let text = try Self.written(channel)
        #expect(text.hasSuffix("connection: close\r\n\r\nbye"), "only the answer goes out: \(text)")
        #expect(sent == nil)
        #expect(!channel.isActive)
    }
}

/// Counts the reads that reach it from the handlers after it.
private final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    var count = 0

    func read(context: ChannelHandlerContext) {
        count += 1
        context.read()
    }
}
