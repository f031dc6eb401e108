import NIOCore

/// A byte stream a script reads and writes as text: a TCP connection (`Connection`), or one end of
/// a child process's pipes (`Stream`). Reads come from the stream's `Inbox`; a write waits until
/// NIO has handed its bytes to the system, so a writer whose peer does not read waits too.
///
/// Dropping the last reference closes it: a script that forgets `close()` leaks no descriptor.
/// Either way, writes still queued go out first, as asyncio's `close()` flushes a transport's
/// buffer (`close(_:after:)`).
final class ScriptStream: NativeObject {
    private let kind: String
    /// The peer's address (`127.0.0.1:50122`) or what the stream is (`stdout of ls`).
    let name: String
    private let inbox: Inbox?
    private let channel: any Channel
    private let writable: Bool
    /// Set by `close()`: the channel closes a moment later, on its event loop.
    private var closed = false

    init(kind: String, name: String, channel: any Channel, inbox: Inbox?, writable: Bool) {
        self.kind = kind
        self.name = name
        self.channel = channel
        self.inbox = inbox
        self.writable = writable
        names = (inbox == nil ? [] : ["read", "readLine", "readAll"]) + (writable ? ["write"] : []) + ["close"]
    }

    deinit {
        ScriptStream.close(channel, after: lastWrite)
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
        switch call.name {
        case "read" where inbox != nil:
            try call.expect(0...1)
            let limit = call.optional(0) == nil ? Int.max : try call.integer(0, "byte count")
            guard limit > 0 else { throw call.valueError("read() takes a positive byte count, not \(limit).") }
            return reading(call) { inbox, runtime, line in try await inbox.read(upTo: limit, runtime: runtime, line: line) }
        case "readLine" where inbox != nil:
            try call.expect(0...0)
            return reading(call) { inbox, runtime, line in try await inbox.readLine(runtime: runtime, line: line) }
        case "readAll" where inbox != nil:
            try call.expect(0...0)
            return reading(call) { inbox, runtime, line in try await inbox.readAll(runtime: runtime, line: line) }
        case "write" where writable:
            try call.expect(1...1)
            let text = try call.string(0, "text")
            return call.awaitable {
                try await self.send(text, runtime: call.runtime, line: call.context.line)
                return .nil
            }
        case "close":
            try call.expect(0...0)
            closeChannel()
            return .nil
        default:
            return nil
        }
    }

    /// Writes `text`. While less than 64 KiB of earlier writes wait to go out, the write is queued
    /// and the task goes on, as asyncio's `write` buffers until `drain()` must wait; past it, the task
    /// waits until this write has been handed to the system. Waiting for every write would cost a
    /// wake-up of the executor per write (docs/internals.md, "Async I/O"). The bytes waiting are
    /// counted here, not read from the channel's writability, which changes only once the event loop
    /// has taken the writes: a busy loop would let the executor queue without bound.
    func send(_ text: String, runtime: Runtime, line: Int) async throws {
        let buffer = channel.allocator.buffer(string: text)
        guard !closed else {
            throw runtime.ioError(ChannelError.ioOnClosedChannel, "write to '\(name)'", line: line)
        }
        let count = buffer.readableBytes
        let waiting = unsent.withLock { unsent in
            defer { unsent.bytes += count }
            return unsent.bytes
        }
        let written = channel.eventLoop.makePromise(of: Void.self)
        let (channel, registry) = (self.channel, runtime.unsentWrites)
        written.futureResult.whenComplete { [unsent] _ in
            let drained = unsent.withLock { unsent in
                unsent.bytes -= count
                defer { if unsent.bytes == 0 { unsent.listed = false } }
                return unsent.bytes == 0 && unsent.listed
            }
            if drained { registry.remove(channel) }
        }
        channel.writeAndFlush(buffer, promise: written)
        lastWrite = written.futureResult
        // Listed only while a write still waits once `writeAndFlush` has returned: most go out in it.
        let lists = unsent.withLock { unsent in
            defer { if unsent.bytes > 0 { unsent.listed = true } }
            return unsent.bytes > 0 && !unsent.listed
        }
        if lists { registry.add(channel, name: name) }
        if waiting < ScriptStream.unsentLimit && channel.isActive { return }
        do {
            try await runtime.awaitIO(written.futureResult, line: line)
        } catch {
            throw runtime.ioError(error, "write to '\(name)'", line: line)
        }
    }

    /// How many bytes of earlier writes may wait to go out before a write waits.
    static let unsentLimit = 64 << 10

    /// Bytes written and not yet handed to the system (changed on the event loop as writes complete),
    /// and whether the stream is in its runtime's `UnsentWrites` for them.
    private let unsent = Locked((bytes: 0, listed: false))
    /// The last write, which a close waits for.
    private var lastWrite: EventLoopFuture<Void>?

    /// Everything until the end of the input, as text.
    func readAll(runtime: Runtime, line: Int) async throws -> String {
        do {
            return String(decoding: try await inbox!.readAll(runtime: runtime, line: line), as: UTF8.self)
        } catch {
            throw runtime.ioError(error, "read from '\(name)'", line: line)
        }
    }

    func closeChannel() {
        closed = true
        ScriptStream.close(channel, after: lastWrite)
    }

    /// Closes `channel` once its last write has gone to the system (NIO would drop writes still queued
    /// when it closes): at once if it has, since a completed future runs the callback when it is
    /// given one. A peer that never reads keeps the channel open until the script ends, which then
    /// waits for it a while (`UnsentWrites.finish`).
    private static func close(_ channel: any Channel, after lastWrite: EventLoopFuture<Void>?) {
        if let lastWrite {
            lastWrite.whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }

    /// An awaitable read: a string, or nil at the end of the input.
    private func reading(
        _ call: NativeCall, _ body: @escaping (Inbox, Runtime, Int) async throws -> [UInt8]?
    ) -> Value {
        let inbox = self.inbox!
        let name = self.name
        let description = self.description
        return call.awaitable {
            let line = call.context.line
            do {
                guard let bytes = try await body(inbox, call.runtime, line) else { return .nil }
                return .string(String(decoding: bytes, as: UTF8.self))
            } catch is Inbox.AlreadyReading {
                throw call.error("Another task is already reading from \(description).", class: .valueError)
            } catch is Inbox.LineTooLong {
                throw call.error("Can't read a line from '\(name)': the line is longer than 1 MiB.", class: .ioError)
            } catch {
                throw call.runtime.ioError(error, "read from '\(name)'", line: line)
            }
        }
    }
}
