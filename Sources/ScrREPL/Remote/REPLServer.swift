import NIOCore
import NIOPosix
import NIOSSL
import Scr

/// How a REPL server listens and what it allows.
public struct REPLServerOptions: Sendable {
    public var address: RemoteAddress
    /// The token TCP clients must send; nil: generate one (and write it to `tokenFile`).
    public var token: String?
    /// Where a generated token is written, readable by the owner only; by default the file of the
    /// address the server listens on (`AccessToken.path(host:port:)`).
    public var tokenFile: String?
    /// TCP on an address other than loopback is refused unless this is set, and then needs `tls`.
    public var allowRemote = false
    /// TLS on a TCP address (docs/remote.md, "TLS"); nil: cleartext, on loopback only.
    public var tls: TLSIdentity?
    public var maxConnections = 64
    /// A connection that sends nothing for this long, while none of its inputs runs, is closed; 0 means
    /// never.
    public var idleTimeoutSeconds: Int64 = 30 * 60
    /// The longest input line (plain mode) or message (framed mode).
    public var maxLineLength = Message.maximumLength
    /// Inputs waiting to run on one connection; a client that sends more is disconnected.
    public var maxPendingInputs = 1000
    /// Before a client has authenticated (sent the token, or chosen the protocol on a Unix socket):
    /// how long it has, how long its first line may be, and how many such clients may wait at once —
    /// fewer than `maxConnections`, so idle strangers cannot lock the owner out.
    public var handshakeTimeoutSeconds: Int64 = 10
    public var maxHandshakeLineLength = 4096
    public var maxUnauthenticatedConnections = 16

    public init(address: RemoteAddress) {
        self.address = address
    }
}

/// A REPL server: every connection is a session over the interpreter's globals. Plain clients
/// (`nc`, `nc -U`) exchange text lines; `scr connect` speaks the framed protocol of `Message`.
public final class REPLServer: Sendable {
    public let interpreter: Interpreter
    public let options: REPLServerOptions
    /// The token TCP clients must present (nil on a Unix socket, where the peer's user id is checked).
    public let token: String?
    /// The file the generated token was written to (`AccessToken.path(host:port:)` unless told otherwise).
    public let tokenFile: String?
    /// The address actually bound (a TCP port 0 becomes the port the system chose).
    public let boundAddress: RemoteAddress
    private let channel: any Channel
    let connections = Locked<[ObjectIdentifier: RemoteConnection]>([:])

    private init(interpreter: Interpreter, options: REPLServerOptions, token: String?, tokenFile: String?,
                 boundAddress: RemoteAddress, channel: any Channel) {
        self.interpreter = interpreter
        self.options = options
        self.token = token
        self.tokenFile = tokenFile
        self.boundAddress = boundAddress
        self.channel = channel
    }

    /// Starts listening. Output of the interpreter also goes to every attached client.
    public static func start(interpreter: Interpreter, options: REPLServerOptions) async throws -> REPLServer {
        var token: String?
        var tcpAddress: SocketAddress?
        if case .tcp(let host, let port) = options.address {
            // The address the name resolves to is what must be loopback, not the name's spelling
            // (`127.attacker.example` is not).
            let address: SocketAddress
            do {
                address = try SocketAddress.makeAddressResolvingHost(host, port: port)
            } catch {
                throw RemoteError.badAddress(options.address.description, "can't resolve '\(host)'")
            }
            guard options.allowRemote || isLoopback(address) else { throw RemoteError.nonLoopbackWithoutPermission(host) }
            guard options.tls != nil || isLoopback(address) else { throw RemoteError.remoteWithoutTLS(host) }
            if let given = options.token { try AccessToken.validate(given) }
            token = options.token ?? AccessToken.generate()
            tcpAddress = address
        }
        if case .unix(let path) = options.address {
            guard options.tls == nil else { throw RemoteError.tlsOnUnixSocket }
            try UnixSocketPath.prepare(path)
        }
        let tlsContext = try options.tls?.serverContext()

        let registry = ServerRegistry()
        // The remote REPL's own loop, not the executor's: it answers while a script holds that one.
        let bootstrap = ServerBootstrap(group: EventLoops.group)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            // A client that shuts down its sending side still gets its answers (`ConnectionHandler`).
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                registry.server.hop(to: channel.eventLoop).flatMapThrowing { server in
                    // Decrypted first: every handler after it, the handshake deadline and the HTTP
                    // guard included, sees the session's own bytes.
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    if server.options.idleTimeoutSeconds > 0 {  // 0: never.
                        try channel.pipeline.syncOperations.addHandler(
                            IdleStateHandler(readTimeout: .seconds(server.options.idleTimeoutSeconds)))
                    }
                    // A client that does not read its answers is not read from either (NIO's
                    // handler holds reads while the outbound buffer is over its high-water mark).
                    try channel.pipeline.syncOperations.addHandler(BackPressureHandler())
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(server: server))
                }
            }
        let channel: any Channel
        do {
            switch options.address {
            case .unix(let path):
                channel = try await System.creatingPrivateFiles {
                    bootstrap.bind(unixDomainSocketPath: path)
                }.get()
                System.setPermissions(path, 0o600)
            case .tcp:
                channel = try await bootstrap.bind(to: tcpAddress!).get()
            }
        } catch {
            registry.failed()
            throw RemoteError.cannotListen(options.address.description, REPLServer.reason(error))
        }
        var bound = options.address
        if case .tcp(let host, _) = options.address, let port = channel.localAddress?.port {
            bound = .tcp(host: host, port: port)
        }
        // Only a server that listens writes its token: one that failed to bind must not replace the
        // token of the server already running there.
        var tokenFile: String?
        if let token, options.token == nil, case .tcp(let host, let port) = bound {
            tokenFile = options.tokenFile ?? AccessToken.path(host: host, port: port)
            do {
                try AccessToken.write(token, fingerprint: options.tls?.fingerprint, to: tokenFile!)
            } catch {
                registry.failed()
                try? await channel.close()
                throw error
            }
        }
        let server = REPLServer(interpreter: interpreter, options: options, token: token, tokenFile: tokenFile,
                                boundAddress: bound, channel: channel)
        registry.register(server)
        let previous = interpreter.output.current
        interpreter.output.push { [weak server] text in
            previous(text)
            server?.broadcast(text)
        }
        // A session's own prints, and the errors of tasks it spawned, go to its client alone; the
        // program's output goes everywhere (docs/remote.md, "Sessions").
        interpreter.output.route { [weak server] text, origin in server?.deliver(text, toSession: origin) ?? false }
        interpreter.errors.route { [weak server] text, origin in server?.deliver(text, toSession: origin) ?? false }
        return server
    }

    /// Stops listening and disconnects every client.
    public func close() async {
        interpreter.output.pop()
        interpreter.output.unroute()
        interpreter.errors.unroute()
        try? await channel.close()
        for connection in connections.withLock({ Array($0.values) }) { connection.disconnect() }
        if case .unix(let path) = boundAddress { System.removeFile(path) }
    }

    /// Waits until the server is closed.
    public func wait() async {
        try? await channel.closeFuture.get()
    }

    var connectionCount: Int { connections.withLock { $0.count } }

    /// Connections that have not authenticated yet.
    let unauthenticated = Locked(0)

    func attach(_ connection: RemoteConnection) {
        connections.withLock { $0[ObjectIdentifier(connection)] = connection }
    }

    func detach(_ connection: RemoteConnection) {
        connections.withLock { $0[ObjectIdentifier(connection)] = nil }
    }

    /// Sends `text` to the client of session `id`; false if no client of this server has it (a
    /// session that has gone: its tasks' output then goes where the program's goes).
    private func deliver(_ text: String, toSession id: Int) -> Bool {
        guard let connection = connections.withLock({ $0.values.first { $0.sessionID == id } }) else { return false }
        connection.sendOutput(text)
        return true
    }

    private func broadcast(_ text: String) {
        for connection in connections.withLock({ Array($0.values) }) { connection.sendOutput(text) }
    }

    private static func isLoopback(_ address: SocketAddress) -> Bool {
        guard let ip = address.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// A bind error as a person reads it (NIO's describe the syscall).
    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError {
            return error.errnoCode == EADDRINUSE ? "the address is in use" : String(describing: error)
        }
        return String(describing: error)
    }
}

/// Lets connection handlers, made by a bootstrap that exists before the server, find the server.
/// The server, for its connections' initializer, which runs for a client that connects as soon as
/// the socket listens — before `start` has made the server (it writes the token file first). Such a
/// client waits for it rather than be dropped (one was, with a reset, under `scr connect --retry`).
private final class ServerRegistry: Sendable {
    private let ready = EventLoops.group.next().makePromise(of: REPLServer.self)

    var server: EventLoopFuture<REPLServer> { ready.futureResult }

    func register(_ server: REPLServer) { ready.succeed(server) }

    /// The server did not start: connections that came meanwhile are closed.
    func failed() { ready.fail(ChannelError.ioOnClosedChannel) }
}

extension Interpreter {
    /// Starts a REPL server for this interpreter (see `REPLServer`).
    public func serveREPL(_ options: REPLServerOptions) async throws -> REPLServer {
        try await REPLServer.start(interpreter: self, options: options)
    }
}

/// Checks a Unix socket path before binding: a stale socket is removed; a live one, or a file that is
/// not a socket, is never touched.
enum UnixSocketPath {
    static func prepare(_ path: String) throws {
        switch System.kind(of: path) {
        case nil: return
        case .other: throw RemoteError.notASocket(path)
        case .socket:
            if System.unixSocketIsLive(path) { throw RemoteError.socketInUse(path) }
            System.removeFile(path)
        }
    }
}
