import NIOCore
import NIOPosix
import Scr

/// Reads what one client sends: decides between plain text and the framed protocol from the first
/// line, checks the peer and the token before anything runs, enforces the size limits, and hands
/// complete lines or messages to the connection's session.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Mode {
        case undecided
        /// The client asked for the framed protocol and was sent a challenge (see `Handshake`).
        case challenged(clientNonce: String, serverNonce: String)
        case plain
        case framed
    }

    private let server: REPLServer
    private var mode = Mode.undecided
    private var pending = ByteBuffer()
    private var connection: RemoteConnection?
    /// Counted in the server's unauthenticated connections until it authenticates or goes.
    private var awaitingAuthentication = false
    private var handshakeDeadline: Scheduled<Void>?

    init(server: REPLServer) {
        self.server = server
    }

    func channelActive(context: ChannelHandlerContext) {
        guard server.connectionCount < server.options.maxConnections else {
            reject(context, "too many connections")
            return
        }
        let admitted = server.unauthenticated.withLock { count in
            guard count < server.options.maxUnauthenticatedConnections else { return false }
            count += 1
            return true
        }
        guard admitted else {
            reject(context, "too many connections waiting to authenticate")
            return
        }
        awaitingAuthentication = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        handshakeDeadline = context.eventLoop.scheduleTask(in: .seconds(server.options.handshakeTimeoutSeconds)) {
            let (handler, context) = loopBound.value
            if handler.awaitingAuthentication { handler.reject(context, "no handshake in time") }
        }
        peerIsTrusted(context.channel).assumeIsolated().whenComplete { result in
            if case .success(true) = result {
                self.start(context)
            } else {
                context.close(promise: nil)
            }
        }
    }

    private func start(_ context: ChannelHandlerContext) {
        let connection = RemoteConnection(server: server, channel: context.channel)
        self.connection = connection
        // On a Unix socket the peer's user id (checked above) is the proof.
        if case .unix = server.options.address { authenticated() }
        server.attach(connection)
        // A prompt for `nc`: the plain protocol starts with the token over TCP, input over a Unix
        // socket. `scr connect` skips whatever comes before its handshake's answer.
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: server.token == nil ? ">>> " : "token: ")),
                              promise: nil)
        handleReceived(context)  // What arrived while the peer was being checked.
    }

    /// The client has proved itself: it no longer counts against the limits of strangers.
    private func authenticated() {
        guard awaitingAuthentication else { return }
        awaitingAuthentication = false
        handshakeDeadline?.cancel()
        server.unauthenticated.withLock { $0 -= 1 }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if awaitingAuthentication {
            awaitingAuthentication = false
            handshakeDeadline?.cancel()
            server.unauthenticated.withLock { $0 -= 1 }
        }
        if let connection {
            connection.closed()
            server.detach(connection)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { connection?.becameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        pending.writeBuffer(&bytes)
        handleReceived(context)
    }

    private func handleReceived(_ context: ChannelHandlerContext) {
        do {
            try process(context)
        } catch {
            reject(context, "\(error)")
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            // The client has sent all it will: a last line without its newline still counts (as a
            // shell reads one), and the session closes the connection once it has answered.
            guard let connection, !awaitingAuthentication else {
                context.close(promise: nil)
                return
            }
            if case .plain = mode, pending.readableBytes > 0 {
                pending.writeString("\n")
                handleReceived(context)
            }
            connection.inputEnded()
        } else if event is IdleStateHandler.IdleStateEvent {
            // A client awaiting a long evaluation sends nothing, and is not idle.
            if connection?.isBusy != true { reject(context, "idle for too long") }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func process(_ context: ChannelHandlerContext) throws {
        guard let connection else { return }
        while true {
            switch mode {
            case .undecided:
                guard let line = try nextLine(limit: server.options.maxHandshakeLineLength) else { return }
                // HTTP allows blank lines before a request; a token is never blank.
                if line.allSatisfy({ $0 == " " || $0 == "\t" }) && server.token != nil { continue }
                try decide(line, context)
            case .challenged(let clientNonce, let serverNonce):
                guard let line = try nextLine(limit: server.options.maxHandshakeLineLength) else { return }
                let expected = Handshake.clientProof(token: server.token ?? "", clientNonce: clientNonce,
                                                     serverNonce: serverNonce)
                guard AccessToken.matches(line.trimmingSpaces, expected) else { throw ConnectionError.badToken }
                acceptFramed(context)
            case .plain:
                guard let line = try nextLine() else { return }
                try connection.receive(.line(line))
            case .framed:
                guard let message = try Message.read(from: &pending) else {
                    pending.discardReadBytes()
                    return
                }
                try connection.receive(.message(message))
            }
        }
    }

    /// The first line chooses the protocol. Anything that looks like HTTP is dropped at once: a web
    /// page can make a browser send requests to loopback ports.
    private func decide(_ line: String, _ context: ChannelHandlerContext) throws {
        if HTTPDetector.looksLikeHTTP(line) {
            context.close(promise: nil)
            throw ConnectionError.http
        }
        if line.hasPrefix(Handshake.prefix) {
            let clientNonce = String(line.dropFirst(Handshake.prefix.count)).trimmingSpaces
            guard let token = server.token else {
                acceptFramed(context)
                return
            }
            guard Handshake.isNonce(clientNonce) else { throw ConnectionError.badHandshake }
            let serverNonce = Handshake.nonce()
            let proof = Handshake.serverProof(token: token, clientNonce: clientNonce, serverNonce: serverNonce)
            mode = .challenged(clientNonce: clientNonce, serverNonce: serverNonce)
            context.writeAndFlush(
                wrapOutboundOut(ByteBuffer(string: "\(Handshake.challengePrefix)\(serverNonce) \(proof)\n")), promise: nil)
            return
        }
        mode = .plain
        connection?.usePlainProtocol()
        if server.token != nil {
            try authenticate(line, context)
            authenticated()
            connection?.sendPrompt()
        } else {
            authenticated()
            try connection?.receive(.line(line))
        }
    }

    private func acceptFramed(_ context: ChannelHandlerContext) {
        authenticated()
        mode = .framed
        connection?.useFramedProtocol()
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: Handshake.accepted)), promise: nil)
    }

    private func authenticate(_ given: String, _ context: ChannelHandlerContext) throws {
        guard let token = server.token else { return }
        guard AccessToken.matches(given.trimmingSpaces, token) else { throw ConnectionError.badToken }
    }

    /// The next line without its newline, or nil if none is complete yet. Before authentication the
    /// limit is small: a stranger's megabyte line must not cost the event loop a scan per read.
    private func nextLine(limit: Int? = nil) throws -> String? {
        let limit = limit ?? server.options.maxLineLength
        let view = pending.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if pending.readableBytes > limit { throw ConnectionError.lineTooLong }
            pending.discardReadBytes()
            return nil
        }
        let length = newline - view.startIndex
        guard length <= limit else { throw ConnectionError.lineTooLong }
        var line = pending.readString(length: length) ?? ""
        pending.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    private func reject(_ context: ChannelHandlerContext, _ reason: String) {
        if case .framed = mode {} else {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "error: \(reason)\n")), promise: nil)
        }
        context.close(promise: nil)
    }

    /// On a Unix socket, the peer must be the server's own user (SO_PEERCRED).
    private func peerIsTrusted(_ channel: any Channel) -> EventLoopFuture<Bool> {
        guard case .unix = server.options.address else { return channel.eventLoop.makeSucceededFuture(true) }
        #if os(Linux)
        return PeerCredentials.userID(of: channel).map { $0 == System.userID }
        #else
        return channel.eventLoop.makeSucceededFuture(true)  // The socket's mode 0600 limits who connects.
        #endif
    }
}

/// Linux's `struct ucred`, which Glibc's module does not export.
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0

    /// The user id of the process at the other end of a Unix socket (SO_PEERCRED); nil where it
    /// cannot be read.
    static func userID(of channel: any Channel) -> EventLoopFuture<UInt32?> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let future: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(peerCredentialsOption))
        return future.map { $0.uid }.recover { _ in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }
}

/// Linux's SO_PEERCRED.
private let peerCredentialsOption: Int32 = 17

enum ConnectionError: Error, CustomStringConvertible {
    case http
    case badToken
    case badHandshake
    case lineTooLong
    case tooMuchPendingInput

    var description: String {
        switch self {
        case .http: "not an HTTP server"
        case .badToken: "bad token"
        case .badHandshake: "bad handshake"
        case .lineTooLong: "line too long"
        case .tooMuchPendingInput: "too much pending input"
        }
    }
}

/// Recognizes the first line of an HTTP request by the request-line grammar (RFC 9112 §3, read as
/// leniently as servers do): a method token, whitespace, a target, whitespace, `HTTP/` and a version,
/// in any case — or HTTP/0.9's `GET target`. Blank lines before it are skipped by the caller.
enum HTTPDetector {
    static func looksLikeHTTP(_ line: String) -> Bool {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let method = words.first, method.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "_" }) else {
            return false
        }
        if words.count == 2 { return method.uppercased() == "GET" && words[1].hasPrefix("/") }
        guard words.count == 3 else { return false }
        let version = words[2].uppercased()
        guard version.hasPrefix("HTTP/") else { return false }
        let number = version.dropFirst(5)
        return !number.isEmpty && number.allSatisfy { $0.isNumber || $0 == "." }
    }
}
