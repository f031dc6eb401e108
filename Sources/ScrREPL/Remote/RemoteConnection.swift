import NIOCore
import Scr
import Synchronization

/// One client's session: its inputs run strictly in order, each after the previous one (awaits
/// included) has finished, whatever the transport delivers meanwhile.
final class RemoteConnection: Sendable {
    enum Delivery: Sendable {
        case line(String)
        case message(Message)
    }

    private let server: REPLServer
    private let channel: any Channel
    private let session: ScrSession
    /// Runs the inputs and formats their outcomes, as the terminal's REPL does.
    private let backend: LocalBackend
    /// The protocol the client chose with its first line: 0 not yet, 1 plain text, 2 framed.
    private let chosenProtocol = Atomic<UInt8>(0)
    private let inputs: AsyncStream<Delivery>.Continuation
    private let pendingCount = Atomic<Int>(0)
    /// The request id of the framed input running now (0 between inputs): its output is tagged with it.
    private let runningRequest = Atomic<UInt32>(0)

    var sessionID: Int { session.id }

    init(server: REPLServer, channel: any Channel) {
        self.server = server
        self.channel = channel
        session = server.interpreter.makeRemoteSession()
        backend = LocalBackend(session: session)
        let (stream, continuation) = AsyncStream<Delivery>.makeStream()
        inputs = continuation
        let channel = self.channel
        Task { [weak self] in
            // Once the inputs end (the client shut its side down, or went away) and the last one
            // has answered, the connection closes, after those answers.
            defer { channel.eventLoop.execute { channel.close(promise: nil) } }
            var buffer = InputBuffer()
            for await input in stream {
                guard let self else { return }
                // Back-pressure: the next input runs once the answers before it have gone out, so a
                // client that does not read holds at most one input's answer here, not all of them.
                await self.untilWritable()
                await self.handle(input, buffer: &buffer)
                // Done once its answer is on the event loop, behind the writes `handle` queued there:
                // an idle-timeout check that runs first (on a busy machine its timer can be due
                // before them) must still find the session busy, or the answer is cut off.
                self.channel.eventLoop.execute { self.pendingCount.subtract(1, ordering: .relaxed) }
            }
        }
    }

    /// The session's task, waiting for the channel to take more output (see `untilWritable`).
    private let writableWaiter = Locked<CheckedContinuation<Void, Never>?>(nil)

    /// Returns once the channel's outbound buffer is below its high-water mark, or it has closed.
    private func untilWritable() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waitHere = writableWaiter.withLock { waiter in
                guard channel.isActive && !channel.isWritable else { return false }
                waiter = continuation
                return true
            }
            if !waitHere { continuation.resume() }
        }
    }

    /// From the channel's event loop: the outbound buffer went below its low-water mark.
    func becameWritable() {
        writableWaiter.withLock { waiter in
            defer { waiter = nil }
            return waiter
        }?.resume()
    }

    /// Whether an input of this session is running or waiting to: the client is busy, not idle,
    /// even if it sends nothing while it awaits.
    var isBusy: Bool { pendingCount.load(ordering: .relaxed) > 0 }

    func useFramedProtocol() {
        chosenProtocol.store(2, ordering: .relaxed)
    }

    func usePlainProtocol() {
        chosenProtocol.store(1, ordering: .relaxed)
    }

    /// Queues an input; an interrupt or a completion request is answered at once instead.
    func receive(_ input: Delivery) throws {
        if case .message(let message) = input {
            switch message.kind {
            case .interrupt:
                if let task = Int(message.payload) {
                    session.interpreter.interrupt(task: task)
                } else if message.payload == "*" {
                    session.interpreter.interruptWhateverRuns()
                } else {
                    session.interrupt()
                }
                return
            case .complete:
                // Counted as a pending input: a client that sends completion requests without
                // reading the answers is cut off at the same limit, not given a task for each.
                guard pendingCount.add(1, ordering: .relaxed).newValue <= server.options.maxPendingInputs else {
                    throw ConnectionError.tooMuchPendingInput
                }
                let word = message.payload
                let interpreter = session.interpreter
                Task {
                    let words = await interpreter.completions(for: word)
                    self.send(Message(kind: .completions, id: message.id, payload: words.joined(separator: "\n")))
                    self.channel.eventLoop.execute { self.pendingCount.subtract(1, ordering: .relaxed) }
                }
                return
            default:
                break
            }
        }
        guard pendingCount.add(1, ordering: .relaxed).newValue <= server.options.maxPendingInputs else {
            throw ConnectionError.tooMuchPendingInput
        }
        inputs.yield(input)
    }

    /// The client shut its sending side down (`nc -N`): what it sent still runs and is answered,
    /// then the connection closes.
    func inputEnded() {
        inputs.finish()
    }

    /// The client went away: its running input is interrupted, and so is any it sent that had not
    /// started yet (`ScrSession.end`); other sessions are not touched.
    func closed() {
        server.interpreter.forgetRemoteSession(session)
        let session = self.session
        Task { await session.leave() }  // A task this client held goes on.
        becameWritable()
        inputs.finish()
        session.end()
    }

    func disconnect() {
        channel.close(promise: nil)
    }

    /// Output of script code: as text, or as an output message of the input running now.
    func sendOutput(_ text: String) {
        enqueue(.output(text, request: runningRequest.load(ordering: .relaxed)))
    }

    func sendPrompt(continuation: Bool = false) {
        write(continuation ? "... " : session.prompt)
    }

    private func handle(_ input: Delivery, buffer: inout InputBuffer) async {
        switch input {
        case .line(let line):
            if buffer.isEmpty, let command = MetaCommand(line) {
                if await runPlain(command) { sendPrompt() }
                return
            }
            switch buffer.add(line) {
            case .needMore: sendPrompt(continuation: true)
            case .nothing: sendPrompt()
            case .error(let error):
                write(error.description + "\n")
                sendPrompt()
            case .run(let source):
                if let text = await backend.run(source) { write(text) }
                sendPrompt()
            }
        case .message(let message):
            switch message.kind {
            case .eval:
                // `scr connect` sends whole inputs, which its own buffer found complete.
                let text: String
                runningRequest.store(message.id, ordering: .relaxed)
                defer { runningRequest.store(0, ordering: .relaxed) }
                switch Scr.Input.classify(message.payload) {
                case .complete(let source): text = await backend.run(source) ?? ""
                case .incomplete: text = await backend.run(message.payload) ?? ""
                case .error(let error): text = error.description + "\n"
                }
                answer(message.id, text)
            case .tasks:
                answer(message.id, await backend.describeTasks())
            case .command:
                answer(message.id, await backend.inspect(message.payload))
            default:
                break
            }
        }
    }

    /// A command typed with `nc`: the terminal REPL's commands that make sense without a terminal
    /// of its own. Whether the session goes on.
    private func runPlain(_ command: MetaCommand) async -> Bool {
        switch command {
        case .exit:
            channel.eventLoop.execute { [channel] in channel.close(promise: nil) }
            return false
        case .history:
            write("There is no history over a plain connection (scr connect keeps one).\n")
        case .load(let path):
            do {
                if let text = await backend.run(try SourceFile.read(path)) { write(text) }
            } catch {
                write("\(error)\n")
            }
        default:
            write(await command.text(backend))
        }
        return true
    }

    /// A request's answer, then its end, which carries the prompt the session shows now.
    private func answer(_ id: UInt32, _ text: String) {
        send(Message(kind: .result, id: id, payload: text))
        send(Message(kind: .done, id: id, payload: session.prompt))
    }

    private func write(_ text: String) {
        enqueue(.bytes(ByteBuffer(string: text)))
    }

    private func send(_ message: Message) {
        var buffer = channel.allocator.buffer(capacity: message.payload.utf8.count + 9)
        for frame in Message.frames(kind: message.kind, id: message.id, payload: message.payload) {
            frame.write(to: &buffer)
        }
        enqueue(.bytes(buffer))
    }

    // MARK: One queue to the client

    private let outbound = Locked(OutboundQueue())

    private func enqueue(_ item: OutboundQueue.Item) {
        if outbound.withLock({ $0.append(item) }) { channel.eventLoop.execute { self.writeOutbound() } }
    }

    /// On the channel's event loop: writes what is queued, in one buffer. How output goes is decided
    /// here, where the protocol is chosen: output sent as plain text from another thread while the
    /// handshake is answered could reach a framed client after the answer, where it reads as a
    /// garbled message (seen in scripts/soak).
    private func writeOutbound() {
        let items = outbound.withLock { $0.take() }
        let reader: OutboundQueue.Reader = switch chosenProtocol.load(ordering: .relaxed) {
        case 1: .plain
        case 2: .framed
        default: .undecided
        }
        var buffer = channel.allocator.buffer(capacity: 256)
        OutboundQueue.encode(items, for: reader, takesOutput: channel.isWritable, into: &buffer)
        if buffer.readableBytes > 0 { channel.writeAndFlush(buffer, promise: nil) }
    }
}
