import NIOCore

/// A byte stream a script reads and writes as text: a TCP connection (`Connection`), or one end of
/// a child process's pipes (`Stream`). Reads come from the stream's `Inbox`; a write waits once NIO
/// holds 64 KiB of earlier ones (`send`), so a writer whose peer does not read waits too.
///
/// Dropping the last reference closes it: a script that forgets `close()` leaks no descriptor.
/// Either way, writes still queued go out first, as asyncio's `close()` flushes a transport's
/// buffer (`closeWhenWritten`).
final class ScriptStream: NativeObject {
    private let kind: String
    /// The peer's address (`127.0.0.1:50122`) or what the stream is (`stdout of ls`).
    let name: String
    private let inbox: Inbox?
    private let channel: any Channel
    private let writable: Bool
    /// Set by `close()`: the channel closes a moment later, on its event loop.
    private var closed = false
    /// The buffer a write's text is copied into, used again once NIO has let go of the last one
    /// (`write(_:promise:)`).
    private var outgoing: ByteBuffer

    /// `writes`: for a stream scripts write to, the runtime's `UnsentWrites`, which the stream joins
    /// until its channel closes; nil for one they only read.
    init(kind: String, name: String, channel: any Channel, inbox: Inbox?, writes: UnsentWrites?) {
        self.kind = kind
        self.name = name
        self.channel = channel
        self.inbox = inbox
        outgoing = channel.allocator.buffer(capacity: 0)
        writable = writes != nil
        writes?.add(channel, name: name)
        names = (inbox == nil ? [] : ["read", "readLine", "readAll"]) + (writable ? ["write"] : []) + ["close"]
    }

    deinit {
        ScriptStream.closeWhenWritten(channel)
    }

    override var typeName: String { kind }
    override var description: String { "<\(kind) \(name)\(!closed && channel.isActive ? "" : " closed")>" }
    override var methodNames: [String] { names }
    /// Made once: a method call looks the name up here.
    private let names: [String]

    override func property(_ name: String) throws -> Value? {
        switch name {
        case "peer" where kind == "Connection": .string(self.name)
        case "isOpen": .bool(!closed && channel.isActive)
        default: nil
        }
    }

    override func callMethod(_ call: NativeCall) throws -> Value? {
        if let operation = directAwait(call.name) {
            try checkDirectAwait(operation, call)
            return call.awaitable { try await self.awaitDirectly(operation, call) }
        }
        switch call.name {
        case "close":
            try call.expect(0...0)
            closeChannel()
            return .nil
        default:
            return nil
        }
    }

    /// The methods that give a coroutine, which `await stream.name(…)` runs directly
    /// (`NativeObject.directAwait`).
    private enum Operation: Int {
        case read, readLine, readAll, write
    }

    override func directAwait(_ name: String) -> Int? {
        let operation: Operation? = switch name {
        case "read" where inbox != nil: .read
        case "readLine" where inbox != nil: .readLine
        case "readAll" where inbox != nil: .readAll
        case "write" where writable: .write
        default: nil
        }
        return operation?.rawValue
    }

    override func checkDirectAwait(_ operation: Int, _ call: NativeCall) throws {
        switch Operation(rawValue: operation)! {
        case .read:
            try call.expect(0...1)
            let limit = try ScriptStream.byteCount(call)
            guard limit > 0 else { throw call.valueError("read() takes a positive byte count, not \(limit).") }
        case .readLine, .readAll:
            try call.expect(0...0)
        case .write:
            try call.expect(1...1)
            _ = try call.string(0, "text")
        }
    }

    override func awaitNow(_ operation: Int, _ call: NativeCall) throws -> Value? {
        let operation = Operation(rawValue: operation)!
        if operation == .write { return try writeNow(call.string(0, "text")) ? .nil : nil }
        let found: Inbox.Immediate
        do {
            switch operation {
            case .readLine: found = try inbox!.readLineNow()
            case .read: found = try inbox!.readNow(upTo: ScriptStream.byteCount(call))
            default: return nil  // `readAll` takes everything until the end, which has not come
            }
        } catch {
            throw readError(error, call)
        }
        guard case .value(let text) = found else { return nil }
        return text.map { .string($0) } ?? .nil
    }

    override func awaitDirectly(_ operation: Int, _ call: NativeCall) async throws -> Value {
        let operation = Operation(rawValue: operation)!
        if operation == .write {
            try await send(call.string(0, "text"), runtime: call.runtime, line: call.context.line)
            return .nil
        }
        let (inbox, runtime, line) = (self.inbox!, call.runtime, call.context.line)
        do {
            let text = switch operation {
            case .read: try await inbox.read(upTo: ScriptStream.byteCount(call), runtime: runtime, line: line)
            case .readLine: try await inbox.readLine(runtime: runtime, line: line)
            default: try await inbox.readAll(runtime: runtime, line: line)
            }
            return text.map { .string($0) } ?? .nil
        } catch {
            throw readError(error, call)
        }
    }

    /// What a script sees of an error of a read.
    private func readError(_ error: any Error, _ call: NativeCall) -> any Error {
        switch error {
        case is Inbox.AlreadyReading:
            call.error("Another task is already reading from \(description).", class: .valueError)
        case is Inbox.LineTooLong:
            call.error("Can't read a line from '\(name)': the line is longer than 1 MiB.", class: .ioError)
        default:
            call.runtime.ioError(error, "read from '\(name)'", line: call.context.line)
        }
    }

    /// What a read gives the script: its bytes as text, or nil at the end of the input.
    /// `read(n)`'s byte count (checked by `checkDirectAwait`): all there is when none is given.
    private static func byteCount(_ call: NativeCall) throws -> Int {
        call.optional(0) == nil ? Int.max : try call.integer(0, "byte count")
    }

    /// Writes `text`. While NIO holds less than 64 KiB of earlier writes (the channel is writable),
    /// the write is queued and the task goes on, as asyncio's `write` buffers until `drain()` must
    /// wait; past it, the task waits until this write has been handed to the system. Most writes go
    /// to the system within `writeAndFlush`, which runs the write here: the executor's thread is the
    /// channel's event loop. Nothing is kept to learn when a write is done — a write cost a promise,
    /// its callback and three locks, 6% of an echo round trip — since what is still queued is asked
    /// of the channel when it matters: at `close` and at the script's end (docs/internals.md,
    /// "Async I/O").
    func send(_ text: String, runtime: Runtime, line: Int) async throws {
        if writeNow(text) { return }
        guard !closed else {
            throw runtime.ioError(ChannelError.ioOnClosedChannel, "write to '\(name)'", line: line)
        }
        // Over the high-water mark, or closed by the peer: wait, and learn how the write went.
        let written = channel.eventLoop.makePromise(of: Void.self)
        write(text, promise: written)
        do {
            try await runtime.awaitIO(written.futureResult, line: line)
        } catch {
            throw runtime.ioError(error, "write to '\(name)'", line: line)
        }
    }

    /// Writes `text` if the task need not wait for it: the stream is open and the channel writable.
    private func writeNow(_ text: String) -> Bool {
        assert(channel.eventLoop.inEventLoop, "a script's channel lives on its executor's event loop")
        guard !closed, channel.isWritable, channel.isActive else { return false }
        write(text, promise: nil)
        return true
    }

    /// Writes `text`, copied into the stream's outgoing buffer. The buffer is this stream's again once
    /// NIO has written it and let go, as it mostly has by the next write (which goes to the system
    /// within `writeAndFlush`): a new buffer each write was two allocations and a copy of its storage
    /// as it grew. One NIO still holds is left to it (`clear()` gives this stream new storage), and
    /// one grown past 64 KiB is not kept. Wrapped for the pipeline here, where the type is known:
    /// `Channel.writeAndFlush`, generic, wrapped it with a dynamic cast, 400 instructions an echo
    /// round trip (docs/internals.md, "Async I/O").
    private func write(_ text: String, promise: EventLoopPromise<Void>?) {
        outgoing.clear()
        outgoing.writeString(text)
        let buffer = outgoing
        if outgoing.capacity > 64 * 1024 { outgoing = channel.allocator.buffer(capacity: 0) }
        channel.pipeline.syncOperations.writeAndFlush(NIOAny(buffer), promise: promise)
    }

    /// Everything until the end of the input, as text.
    func readAll(runtime: Runtime, line: Int) async throws -> String {
        do {
            return try await inbox!.readAll(runtime: runtime, line: line)
        } catch {
            throw runtime.ioError(error, "read from '\(name)'", line: line)
        }
    }

    func closeChannel() {
        closed = true
        ScriptStream.closeWhenWritten(channel)
    }

    /// Closes `channel` once what it still queues has gone to the system (NIO would drop writes still
    /// queued when it closes): at once if nothing is, or else after an empty write, which NIO
    /// completes in turn, once every byte written before it has gone. A peer that never reads keeps
    /// the channel open until the script ends, which then waits for it a while
    /// (`UnsentWrites.finish`). On the channel's event loop, where the count of queued bytes is exact:
    /// a stream dropped off the executor's thread (by a host) closes there.
    private static func closeWhenWritten(_ channel: any Channel) {
        guard channel.eventLoop.inEventLoop else {
            channel.eventLoop.execute { closeWhenWritten(channel) }
            return
        }
        let queued = (try? channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
        guard queued > 0 else { return channel.close(promise: nil) }
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(channel.allocator.buffer(capacity: 0), promise: written)
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }
}
