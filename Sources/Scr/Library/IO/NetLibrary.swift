import NIOCore
import NIOPosix

/// `net`: TCP clients and servers. `await net.connect(host, port)` gives a `Connection`;
/// `await net.listen(host, port, handler)` gives a `Server` that calls `handler(connection)` for each
/// connection, each in a task of its own. A listening server is a task too: it keeps the script
/// running, as a Node server does, until `server.close()`; `.tasks` lists it.
enum NetLibrary {
    static func members(_ runtime: Runtime) -> [(String, Value)] {
        [
            native("connect", 2...3) { call in
                let host = try call.string(0, "host")
                let port = try call.port(1, allowingZero: false)
                let timeout = call.optional(2) == nil ? 10 : try call.number(2, "timeout")
                guard timeout > 0, timeout <= 86_400 else {
                    throw call.valueError("connect() takes a timeout of 0 to 86400 seconds, not \(Value.number(timeout)).")
                }
                return call.awaitable {
                    let inbox = Inbox()
                    let loop = await call.runtime.eventLoop()
                    let limit = TimeAmount.milliseconds(Int64(timeout * 1000))
                    let bootstrap = ClientBootstrap(group: loop)
                        .connectTimeout(limit)
                        .channelOption(.allowRemoteHalfClosure, value: true)
                        .channelInitializer { channel in InboxHandler.install(inbox, on: channel) }
                    let channel: any Channel
                    do {
                        let connecting = try await call.runtime.connecting(
                            bootstrap, to: host, port: port, on: loop, timeout: limit, line: call.context.line)
                        channel = try await call.runtime.awaitIO(connecting, line: call.context.line) { $0.close(promise: nil) }
                    } catch {
                        throw call.runtime.ioError(error, "connect to '\(host):\(port)'", line: call.context.line)
                    }
                    return .object(call.runtime.track(
                        ScriptStream(kind: "Connection", name: "\(host):\(port)", channel: channel, inbox: inbox,
                                     writes: call.runtime.unsentWrites)))
                }
            },
            native("listen", 3) { call in
                let host = try call.string(0, "host")
                let port = try call.port(1, allowingZero: true)
                let handler = try call.callable(2, "handler")
                return call.awaitable { try await ScriptServer.listen(host: host, port: port, handler: handler, call) }
            },
        ]
    }
}

extension ArgumentChecking {
    /// A TCP port: a whole number up to 65535 (0, where allowed, lets the system pick a free one).
    func port(_ index: Int, allowingZero: Bool) throws -> Int {
        let port = try integer(index, "port")
        guard port <= 65535, port >= (allowingZero ? 0 : 1) else {
            throw valueError("\(name)() takes a port from \(allowingZero ? 0 : 1) to 65535, not \(port).")
        }
        return port
    }
}

extension SocketAddress {
    /// `127.0.0.1:8080`, `[::1]:8080`, or the socket's path.
    var text: String {
        switch self {
        case .v4: "\(ipAddress ?? "?"):\(port ?? 0)"
        case .v6: "[\(ipAddress ?? "?")]:\(port ?? 0)"
        case .unixDomainSocket: pathname ?? "?"
        }
    }
}

/// A TCP connection accepted by a server, on its way to the script task that serves it.
struct AcceptedConnection: ArrivalOnChannel {
    let channel: any Channel
    let inbox: Inbox
}

/// What `net.listen` gives: `port`, `host`, `close()`, and `await server.wait()` (until it closes).
final class ScriptServer: NativeObject {
    private let channel: any Channel
    let host: String
    let port: Int
    private let kind: String
    /// Set by `close()`: the channel closes a moment later, on its event loop.
    private var closed = false
    /// The task that accepts connections and starts their handlers.
    var task: TaskObject?

    init(kind: String, channel: any Channel, host: String, port: Int) {
        self.kind = kind
        self.channel = channel
        self.host = host
        self.port = port
    }

    override var typeName: String { kind }
    override var description: String { "<\(kind) \(host):\(port)\(!closed && channel.isActive ? "" : " closed")>" }
    override var methodNames: [String] { Self.methods }
    private static let methods = ["close", "wait"]

    override func property(_ name: String) throws -> Value? {
        switch name {
        case "port": .number(Double(port))
        case "host": .string(host)
        case "isOpen": .bool(!closed && channel.isActive)
        default: nil
        }
    }

    override func callMethod(_ call: NativeCall) throws -> Value? {
        switch call.name {
        case "close":
            try call.expect(0...0)
            closed = true
            channel.close(promise: nil)
            return .nil
        case "wait":
            try call.expect(0...0)
            guard let task else { return call.awaitable { .nil } }
            return call.awaitable {
                _ = try await call.runtime.await(.task(task), line: call.context.line)
                return .nil
            }
        default:
            return nil
        }
    }

    /// Binds a TCP server and starts the task that hands each connection to `handler`.
    static func listen(host: String, port: Int, handler: Value, _ call: NativeCall) async throws -> Value {
        let accepted = IOQueue<AcceptedConnection>()
        return try await start(
            kind: "Server", task: "listen", host: host, port: port, arrivals: accepted, call,
            configure: { bootstrap in
                bootstrap.childChannelOption(.allowRemoteHalfClosure, value: true).childChannelInitializer { channel in
                    let inbox = Inbox()
                    return InboxHandler.install(inbox, on: channel) {
                        if !accepted.put(AcceptedConnection(channel: channel, inbox: inbox)) { channel.close(promise: nil) }
                    }
                }
            },
            serve: { next, site in
                let connection = ScriptStream(
                    kind: "Connection", name: next.channel.remoteAddress?.text ?? "?", channel: next.channel,
                    inbox: next.inbox, writes: call.runtime.unsentWrites)
                try call.runtime.serve(.object(call.runtime.track(connection)), with: handler, site: site,
                                       line: call.context.line)
            })
    }

    /// Binds a server whose child channels `configure` sets up to put what arrives (a connection, a
    /// request) in `arrivals`, and starts the task that takes each in turn and `serve`s it, until
    /// the server closes. The task's name (`listen 127.0.0.1:8080`) is what `.tasks` shows.
    static func start<Arrival: ArrivalOnChannel>(
        kind: String, task name: String, host: String, port: Int, arrivals: IOQueue<Arrival>, _ call: NativeCall,
        configure: (ServerBootstrap) -> ServerBootstrap, serve: @escaping (Arrival, TraceFrame?) throws -> Void
    ) async throws -> Value {
        let runtime = call.runtime
        let line = call.context.line
        let site = call.context.location.map { TraceFrame(location: $0, line: line) }
        let binding = configure(
            ServerBootstrap(group: await runtime.eventLoop())
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        ).bind(host: host, port: port)
        let channel: any Channel
        do {
            channel = try await runtime.awaitIO(binding, line: line) { $0.close(promise: nil) }
        } catch {
            throw runtime.ioError(error, "listen on '\(host):\(port)'", line: line)
        }
        channel.closeFuture.whenComplete { _ in arrivals.close() }
        let server = runtime.track(
            ScriptServer(kind: kind, channel: channel, host: host, port: channel.localAddress?.port ?? port))
        server.task = runtime.startTask(named: "\(name) \(host):\(server.port)") {
            defer {
                channel.close(promise: nil)
                for arrival in arrivals.drain() { arrival.channel.close(promise: nil) }
            }
            while let next = try await arrivals.next(runtime: runtime, line: line) { try serve(next, site) }
            return .nil
        }
        return .object(server)
    }
}

/// What a server's channels hand to its task: something that arrived on a channel.
protocol ArrivalOnChannel: Sendable {
    var channel: any Channel { get }
}

extension Runtime {
    /// Calls a server's handler with what arrived: an async handler's coroutine runs as a task of its
    /// own, spawned where the server was started; a synchronous handler's error is reported and the
    /// server goes on.
    func serve(_ argument: Value, with handler: Value, site: TraceFrame?, line: Int) throws {
        do {
            if case .coroutine(let coroutine) = try call(handler, [argument], line: line) {
                try spawn(coroutine, line: line).spawnSite = site
            }
        } catch let error as ScriptError where error.isFailure {
            reportHandlerError(error, site: site)
        }
    }

    /// A server handler's error, which no script code can catch: reported as an unawaited task's is,
    /// and the script's exit status is then 70 (the server goes on).
    func reportHandlerError(_ error: ScriptError, site: TraceFrame?) {
        hadUncaughtTaskError = true
        error.spawnSite = site
        error.mainFile = mainFile
        writeError(error.report + "\n")
    }
}

extension ScriptError {
    /// An error of the code itself (raised or thrown), not a cancellation, interrupt, stop or exit.
    var isFailure: Bool { kind == .runtime || kind == .thrown }
}
