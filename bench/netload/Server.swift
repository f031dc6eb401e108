// The servers scr's are measured against without a script (`PORT=N NetLoad serve echo|http`): the
// same SwiftNIO calls scr's `net` and `http` make, on one event loop thread, with the answer made in
// Swift. They show what the event loop and the kernel cost alone — the most scr's servers could serve.
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Writes back each line as it comes: what echo_server.scr does, without the script.
final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

/// Answers every request with a small text body, keeping the connection open: what http_server.scr
/// does, on the same request decoder, without the script.
final class HelloHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    static let response = Array(("HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n"
        + "content-length: 13\r\n\r\nhello, world\n").utf8)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: HelloHandler.response)), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

/// Serves `kind` on `port` until killed.
func serve(_ kind: String, port: Int) throws -> Never {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    _ = try ServerBootstrap(group: group)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                if kind == "http" {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try channel.pipeline.syncOperations.addHandler(HelloHandler())
                } else {
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
        }
        .bind(host: "127.0.0.1", port: port).wait()
    while true { pause() }
}
