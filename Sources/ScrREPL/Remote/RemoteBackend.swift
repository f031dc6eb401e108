import Dispatch
import NIOCore
import NIOPosix
import NIOSSL
import Scr

/// The backend of `scr connect`: inputs run on a REPL server, over the framed protocol of `Message`,
/// on SwiftNIO like the server. Output of the server's program arrives at any time and is written
/// at once; each request (an input, `.tasks`, a completion) waits for its own answer by id.
public final class RemoteBackend: REPLBackend {
    private let channel: any Channel
    private let detaching = Locked(false)
    private let requests: Requests
    /// Where the server's output goes (the REPL's reader, once it attaches).
    private let output: Locked<@Sendable (String) -> Void>

    private init(channel: any Channel, requests: Requests, output: Locked<@Sendable (String) -> Void>) {
        self.channel = channel
        self.requests = requests
        self.output = output
    }

    /// Connects and completes the handshake. On a Unix socket, the server must run as this user (its
    /// SO_PEERCRED): a socket someone else put at the path would otherwise be typed secrets into.
    /// `allowingOtherUser` connects anyway. Connecting, and then the handshake, each fail after
    /// `timeout` seconds: a server that accepts and never answers does not hang the client. With
    /// `tls`, the session is encrypted and the server must pass that check before the token's handshake
    /// begins.
    public static func connect(to address: RemoteAddress, token: String?, tls: TLSTrust? = nil,
                               allowingOtherUser: Bool = false, timeout: Double = 10) async throws -> RemoteBackend
    {
        let tlsHost: String?
        switch (tls, address) {
        case (nil, _): tlsHost = nil
        case (_, .tcp(let host, _)): tlsHost = host
        case (_, .unix): throw RemoteError.tlsOnUnixSocket
        }
        let certificateMismatch = Locked<String?>(nil)
        let requests = Requests()
        let output = Locked<@Sendable (String) -> Void>({ text in
            StandardOutput.output.write(text)
            StandardOutput.output.flush()
        })
        let accepted = EventLoops.group.next().makePromise(of: Void.self)
        let peerUser = EventLoops.group.next().makePromise(of: UInt32?.self)
        let clientNonce = Handshake.nonce()
        let bootstrap = ClientBootstrap(group: EventLoops.group)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls, let tlsHost {
                        try channel.pipeline.syncOperations.addHandler(
                            tls.clientHandler(host: tlsHost, mismatch: certificateMismatch))
                    }
                    try channel.pipeline.syncOperations.addHandler(PeerUserRecorder(peerUser))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ClientDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        ClientHandler(requests: requests, output: output, accepted: accepted, token: token,
                                      clientNonce: clientNonce))
                }
            }
        let channel: any Channel
        do {
            switch address {
            case .unix(let path): channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            case .tcp(let host, let port): channel = try await bootstrap.connect(host: host, port: port).get()
            }
        } catch {
            accepted.fail(error)
            peerUser.succeed(nil)
            throw RemoteError.cannotConnect(address.description, IOFailure.reason(error))
        }
        if case .unix(let path) = address, !allowingOtherUser, let owner = try? await peerUser.futureResult.get(),
           owner != System.userID
        {
            try? await channel.close()
            accepted.fail(RemoteError.otherUser(path, owner))
            throw RemoteError.otherUser(path, owner)
        }
        // A write that fails (the server closed at once, or TLS failed) is answered by `accepted`.
        channel.writeAndFlush(ByteBuffer(string: Handshake.prefix + clientNonce + "\n"), promise: nil)
        let deadline = accepted.futureResult.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            let seconds = timeout == timeout.rounded() ? "\(Int(timeout))" : "\(timeout)"
            accepted.fail(RemoteError.cannotConnect(address.description, "no answer to the handshake within \(seconds) s"))
        }
        defer { deadline.cancel() }
        do {
            try await accepted.futureResult.get()
        } catch {
            try? await channel.close()
            if case .pinned(let expected) = tls, let seen = certificateMismatch.withLock({ $0 }) {
                throw RemoteError.certificateMismatch(address.description, expected: expected, seen: seen)
            }
            if error is NIOSSLError || error is BoringSSLError {
                throw RemoteError.cannotConnect(address.description, TLSTrust.reason(error))
            }
            if case RemoteError.closedDuringHandshake = error, tls == nil, case .tcp = address {
                throw RemoteError.closedDuringHandshakeWithoutTLS(address.description)
            }
            throw error
        }
        return RemoteBackend(channel: channel, requests: requests, output: output)
    }

    public var isConnected: Bool { channel.isActive }

    public func run(_ source: String) async -> String? {
        let text = await request(.eval, source)
        return text.map { $0.isEmpty ? nil : $0 } ?? "error: the connection is closed\n"
    }

    public func interrupt() {
        send(Message(kind: .interrupt, id: 0, payload: ""))
    }

    /// An interrupt message whose payload names a task interrupts that task, not this session's input.
    public func interruptTask(_ id: Int?) {
        send(Message(kind: .interrupt, id: 0, payload: id.map(String.init) ?? "*"))
    }

    /// Asked from libedit's synchronous callback: waits a little for the server, and offers nothing
    /// rather than freeze the prompt.
    public func completions(for word: String) -> [String] {
        let (id, answer) = requests.expectCompletions()
        send(Message(kind: .complete, id: id, payload: word))
        guard answer.semaphore.wait(timeout: .now() + BlockingCompletion.patience) == .success else {
            requests.forgetCompletions(id)
            return []
        }
        return answer.words.withLock { $0 }
    }

    public func describeTasks() async -> String {
        await request(.tasks, "") ?? "error: the connection is closed\n"
    }

    public func inspect(_ command: String) async -> String {
        await request(.command, command) ?? "error: the connection is closed\n"
    }

    public var prompt: String { requests.prompt }

    public func attachOutput(_ write: @escaping @Sendable (String) -> Void) {
        output.withLock { $0 = write }
    }

    public func detachOutput() {}

    /// Detaches from the server; the server and its other clients go on.
    /// Detaches on purpose: `whenServerGoes` is not called.
    public func disconnect() {
        detaching.withLock { $0 = true }
        channel.close(promise: nil)
    }

    /// Calls `body` once if the connection ends other than by `disconnect()`: the server stopped,
    /// or the network went.
    public func whenServerGoes(_ body: @escaping @Sendable () -> Void) {
        let detaching = self.detaching
        channel.closeFuture.whenComplete { _ in
            if !detaching.withLock({ $0 }) { body() }
        }
    }

    private func request(_ kind: Message.Kind, _ payload: String) async -> String? {
        await withCheckedContinuation { continuation in
            guard let id = requests.expectResult(continuation) else {
                continuation.resume(returning: nil)
                return
            }
            send(Message(kind: kind, id: id, payload: payload))
        }
    }

    private func send(_ message: Message) {
        channel.writeAndFlush(ByteBuffer(bytes: message.bytes), promise: nil)
    }
}

/// The requests waiting for an answer, by id; shared by the callers and the channel's event loop.
private final class Requests: Sendable {
    final class CompletionAnswer: Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        let words = Locked<[String]>([])
    }

    private struct State {
        var nextID: UInt32 = 1
        var closed = false
        /// Inputs and `.tasks`: the text so far and who waits for it.
        var results: [UInt32: (text: String, waiter: CheckedContinuation<String?, Never>)] = [:]
        var completions: [UInt32: CompletionAnswer] = [:]
    }

    private let state = Locked(State())
    private let promptNow = Locked(">>> ")

    /// The prompt the server gave with its last answer.
    var prompt: String { promptNow.withLock { $0 } }

    /// A new id whose result `waiter` receives; nil once the connection is closed.
    func expectResult(_ waiter: CheckedContinuation<String?, Never>) -> UInt32? {
        state.withLock { state in
            guard !state.closed else { return nil }
            defer { state.nextID += 1 }
            state.results[state.nextID] = ("", waiter)
            return state.nextID
        }
    }

    func expectCompletions() -> (UInt32, CompletionAnswer) {
        let answer = CompletionAnswer()
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.completions[state.nextID] = answer
            return state.nextID
        }
        return (id, answer)
    }

    func forgetCompletions(_ id: UInt32) {
        _ = state.withLock { $0.completions.removeValue(forKey: id) }
    }

    func received(_ message: Message) {
        switch message.kind {
        case .result:
            state.withLock { $0.results[message.id]?.text += message.payload }
        case .done:
            if !message.payload.isEmpty { promptNow.withLock { $0 = message.payload } }
            state.withLock { $0.results.removeValue(forKey: message.id) }.map { $0.waiter.resume(returning: $0.text) }
        case .completions:
            guard let answer = state.withLock({ $0.completions.removeValue(forKey: message.id) }) else { return }
            answer.words.withLock { $0 = message.payload.split(separator: "\n").map(String.init) }
            answer.semaphore.signal()
        default:
            break
        }
    }

    /// The connection is gone: every waiting request gets nil.
    func close() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.results = [:] }
            return state.results.values.map(\.waiter)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }
}

/// What the client receives: lines until the handshake's answer (the server greets a plain client
/// with a prompt first, which is skipped), then messages.
private struct ClientDecoder: ByteToMessageDecoder {
    typealias InboundOut = Received

    enum Received {
        case challenge(serverNonce: String, proof: String)
        case accepted
        case rejected(String)
        case message(Message)
    }

    private var accepted = false

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if accepted {
            guard let message = try Message.read(from: &buffer) else { return .needMoreData }
            context.fireChannelRead(wrapInboundOut(.message(message)))
            return .continue
        }
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw RemoteError.rejected("unexpected answer") }
            return .needMoreData
        }
        let line = buffer.readString(length: newline - buffer.readerIndex + 1) ?? ""
        // What comes before the answer on the same line is a prompt for `nc` ("token: ", ">>> ").
        if let start = line.firstRange(of: Handshake.challengePrefix) {
            let words = line[start.upperBound...].split(separator: " ").map { String($0).trimmingSpaces }
            guard words.count == 2 else { throw RemoteError.rejected("a malformed challenge") }
            context.fireChannelRead(wrapInboundOut(.challenge(serverNonce: words[0], proof: words[1])))
        } else if line.hasSuffix(Handshake.accepted) {
            accepted = true
            context.fireChannelRead(wrapInboundOut(.accepted))
        } else if line.contains("error:") {
            context.fireChannelRead(wrapInboundOut(.rejected(line.trimmingSpaces)))
        }
        return .continue
    }
}

private final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = ClientDecoder.Received

    private let requests: Requests
    private let output: Locked<@Sendable (String) -> Void>
    private let accepted: EventLoopPromise<Void>
    private var answered = false
    /// Whether the handshake succeeded: the session was up.
    private var established = false
    private let token: String?
    private let clientNonce: String

    init(requests: Requests, output: Locked<@Sendable (String) -> Void>, accepted: EventLoopPromise<Void>,
         token: String?, clientNonce: String) {
        self.requests = requests
        self.output = output
        self.accepted = accepted
        self.token = token
        self.clientNonce = clientNonce
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .challenge(let serverNonce, let proof):
            // Answer only a server that has proved it knows the token: anything else gets nothing.
            guard let token else {
                answer(.failure(RemoteError.rejected("the server asks for a token, and none was given")))
                context.close(promise: nil)
                return
            }
            let expected = Handshake.serverProof(token: token, clientNonce: clientNonce, serverNonce: serverNonce)
            guard Handshake.isNonce(serverNonce), AccessToken.matches(proof, expected) else {
                answer(.failure(RemoteError.rejected(
                    "the server could not prove it knows the token: a different server, or a different token")))
                context.close(promise: nil)
                return
            }
            let answer = Handshake.clientProof(token: token, clientNonce: clientNonce, serverNonce: serverNonce)
            context.writeAndFlush(NIOAny(ByteBuffer(string: answer + "\n")), promise: nil)
        case .accepted: answer(.success(()))
        case .rejected(let reason): answer(.failure(RemoteError.rejected(reason)))
        case .message(let message) where message.kind == .output: output.withLock { $0 }(message.payload)
        case .message(let message): requests.received(message)
        }
    }

    /// Completes the handshake once, whatever ends it first.
    private func answer(_ result: Result<Void, any Error>) {
        guard !answered else { return }
        answered = true
        if case .success = result { established = true }
        accepted.completeWith(result)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer(.failure(RemoteError.closedDuringHandshake))
        requests.close()
        // Before the handshake ends, `connect` says why instead.
        if established { output.withLock { $0 }("\nConnection closed by the server.\n") }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer(.failure(error))
        // A frame the client cannot read ends the connection, with a word why, rather than a
        // client that waits for ever on a stream it has stopped parsing.
        if answered, let error = error as? Message.DecodeError {
            output.withLock { $0 }("\nscr connect: the server sent \(error.description); disconnecting.\n")
        }
        context.close(promise: nil)
    }
}

/// Reads the server's user id (SO_PEERCRED) as soon as the connection is made: a server that refuses
/// us closes at once, after which NIO no longer reads the socket's options.
private final class PeerUserRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let peerUser: EventLoopPromise<UInt32?>

    init(_ peerUser: EventLoopPromise<UInt32?>) {
        self.peerUser = peerUser
    }

    func channelActive(context: ChannelHandlerContext) {
        PeerCredentials.userID(of: context.channel).cascade(to: peerUser)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        peerUser.succeed(nil)  // Never active: nothing to tell (a second completion is ignored).
    }
}
