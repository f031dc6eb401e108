// The load generator of bench/net: CLIENTS connections, each sending a request and waiting for its
// answer in turn, for SECONDS; it prints the round trips per second. The same client measures the
// scr server and the Python asyncio one.
//
//   NetLoad echo|http HOST PORT CLIENTS SECONDS
//   PORT=N NetLoad serve echo|http
//
// echo: a line out, the same line back. http: a keep-alive `GET /` and its response, read by its
// Content-Length. `serve`: the baseline servers of Server.swift, SwiftNIO without a script.
import NIOCore
import NIOPosix
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
if arguments.count == 3, arguments[1] == "serve", ["echo", "http"].contains(arguments[2]),
   let port = getenv("PORT").flatMap({ Int(String(cString: $0)) }) {
    try serve(arguments[2], port: port)
}
guard arguments.count == 6, ["echo", "http"].contains(arguments[1]), let port = Int(arguments[3]),
      let clients = Int(arguments[4]), let seconds = Double(arguments[5]) else {
    print("usage: NetLoad echo|http HOST PORT CLIENTS SECONDS\n       PORT=N NetLoad serve echo|http")
    exit(2)
}
let isHTTP = arguments[1] == "http"
let host = arguments[2]
let request = isHTTP ? "GET / HTTP/1.1\r\nHost: bench\r\n\r\n" : "ping from the load generator\n"

/// Counts the answers of one connection and sends the next request on each. It parses as little as
/// it can, with no allocation an answer, so that it takes as little of the machine as it can from the
/// server it measures (the two share its cores): the request is one buffer sent again and again, and
/// answers are found in the bytes as they arrived, without copying them.
final class Client: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var received = ByteBuffer()
    var answers = 0
    var counting = true
    let requestBytes = ByteBuffer(string: request)

    func channelActive(context: ChannelHandlerContext) {
        received = context.channel.allocator.buffer(capacity: 4096)
        send(context)
    }

    func send(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(requestBytes), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if received.readableBytes == 0 {
            received = buffer
        } else {
            received.writeBuffer(&buffer)
        }
        while let length = answerLength() {
            received.moveReaderIndex(forwardBy: length)
            if counting { answers += 1 }
            send(context)
        }
    }

    /// The length of the complete answer at the start of `received`, if it has all arrived.
    func answerLength() -> Int? {
        received.withUnsafeReadableBytes { bytes in
            if !isHTTP { return bytes.firstIndex(of: 0x0A).map { $0 + 1 } }
            guard let end = headerEnd(bytes) else { return nil }
            let total = end + 4 + contentLength(bytes[..<end])
            return bytes.count >= total ? total : nil
        }
    }

    func headerEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private let name = Array("content-length:".utf8)

    /// The value of the head's `content-length` field (any case), or 0.
    func contentLength(_ head: Slice<UnsafeRawBufferPointer>) -> Int {
        var index = head.startIndex
        while index + name.count <= head.endIndex {
            // Compared lower-cased: ASCII letters differ from their capitals in bit 0x20.
            if (0..<name.count).allSatisfy({ head[index + $0] | 0x20 == name[$0] }) {
                var value = 0
                var digit = index + name.count
                while digit < head.endIndex && head[digit] == 0x20 { digit += 1 }
                while digit < head.endIndex && head[digit] >= 0x30 && head[digit] <= 0x39 {
                    value = value * 10 + Int(head[digit] - 0x30)
                    digit += 1
                }
                return value
            }
            index += 1
        }
        return 0
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
var handlers: [Client] = []
var channels: [any Channel] = []
for _ in 0..<clients {
    let client = Client()
    handlers.append(client)
    let channel = try ClientBootstrap(group: group)
        .channelOption(.tcpOption(.tcp_nodelay), value: 1)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(client) }
        }
        .connect(host: host, port: port).wait()
    channels.append(channel)
}
// A warm-up second, then the counted run. The clients are summed on an event loop, from a constant:
// the top-level variable is the main actor's.
let allClients = handlers
usleep(1_000_000)
let start = try group.next().submit { allClients.reduce(0) { $0 + $1.answers } }.wait()
let began = DispatchTime.now()
usleep(UInt32(seconds * 1_000_000))
let end = try group.next().submit { allClients.reduce(0) { $0 + $1.answers } }.wait()
let elapsed = Double(DispatchTime.now().uptimeNanoseconds - began.uptimeNanoseconds) / 1e9
print(Int((Double(end - start) / elapsed).rounded()))
for channel in channels { try? channel.close().wait() }
try group.syncShutdownGracefully()
