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

/// Counts the answers of one connection and sends the next request on each.
final class Client: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var received: [UInt8] = []
    var answers = 0
    var counting = true

    func channelActive(context: ChannelHandlerContext) {
        send(context)
    }

    func send(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        received.append(contentsOf: buffer.readableBytesView)
        while let length = answerLength() {
            received.removeFirst(length)
            if counting { answers += 1 }
            send(context)
        }
    }

    /// The length of the complete answer at the start of `received`, if it has all arrived.
    func answerLength() -> Int? {
        if !isHTTP { return received.firstIndex(of: 0x0A).map { $0 + 1 } }
        guard let end = headerEnd() else { return nil }
        let head = Array(String(decoding: received[..<end], as: UTF8.self).lowercased().utf8)
        let name = Array("content-length:".utf8)
        guard let field = (0...(head.count - name.count)).first(where: { Array(head[$0..<$0 + name.count]) == name })
        else { return nil }
        let digits = head[(field + name.count)...].drop { $0 == 0x20 }.prefix { $0 >= 0x30 && $0 <= 0x39 }
        let total = end + 4 + (Int(String(decoding: digits, as: UTF8.self)) ?? 0)
        return received.count >= total ? total : nil
    }

    func headerEnd() -> Int? {
        guard received.count >= 4 else { return nil }
        for index in 0...(received.count - 4)
        where received[index] == 13 && received[index + 1] == 10 && received[index + 2] == 13 && received[index + 3] == 10 {
            return index
        }
        return nil
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
