import NIOCore

/// The bytes that arrived on a channel (a socket, a child's output pipe) and wait for a script task
/// to read them. The event loop appends, the script task takes; a task that finds too little suspends
/// until more arrives or the input ends. Both sides run on the executor's thread, the loop of every
/// channel a script has, so the inbox needs no lock (see Confined.swift).
///
/// Back-pressure: above `highWater` unread bytes the channel stops reading from the socket (its
/// `InboxHandler` holds back NIO's read), so a peer that sends faster than the script reads fills
/// its own socket buffers, not this process's memory; below `lowWater` reading resumes.
final class Inbox: @unchecked Sendable {
    static let highWater = 256 << 10
    static let lowWater = 64 << 10
    /// The longest line `readLine` takes: a peer can't make the process hold more for one line.
    static let maxLine = 1 << 20

    // Unread bytes are `bytes[start...]`. Unchecked exclusivity: script state, and no access is held
    // across a call out (checked, each cost a `swift_beginAccess`: six an echo round trip, 1.5% of its
    // instructions).
    @exclusivity(unchecked) private var bytes: [UInt8] = []
    @exclusivity(unchecked) private var start = 0
    /// How far `readLine` has looked for a newline, so that a long line is scanned once.
    @exclusivity(unchecked) private var scanned = 0
    @exclusivity(unchecked) private var ended = false
    @exclusivity(unchecked) private var failure: (any Error)?
    @exclusivity(unchecked) private var waiter: OneShot?
    @exclusivity(unchecked) private var paused = false
    private let confinement = ThreadConfinement()
    /// False for an inbox read to the end at once (`process.run`), which never holds reading back.
    private let bounded: Bool
    /// Called when reading should resume (set once, before the channel is active).
    nonisolated(unsafe) var resumeReading: @Sendable () -> Void = {}

    init(bounded: Bool = true) {
        self.bounded = bounded
    }

    // MARK: The event loop's side

    /// Appends what arrived (past the high-water mark, `isPaused` holds the channel's reads back).
    func receive(_ buffer: ByteBuffer) {
        confinement.check()
        buffer.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
        if bounded && bytes.count - start > Inbox.highWater { paused = true }
        wakeReader()
    }

    var isPaused: Bool { paused }

    /// The input ended: at the peer's end of stream (`failure` nil) or on an error.
    func end(_ failure: (any Error)? = nil) {
        confinement.check()
        if !ended {
            ended = true
            self.failure = failure
        }
        wakeReader()
    }

    private func wakeReader() {
        let waiter = self.waiter
        self.waiter = nil
        waiter?.fire()
    }

    // MARK: The script's side

    /// What a read takes: its value (nil at the end of the input) and how many bytes leave the inbox.
    /// The value is made from the unread bytes before they leave: text for `read` and `readLine`
    /// (decoded from the inbox's own bytes, with no array of them copied out first), bytes for `readAll`.
    private struct Taken<Result> {
        var value: Result?
        var consumed: Int
        static var end: Taken { Taken(value: nil, consumed: 0) }
    }

    /// `read(n)`: up to `limit` bytes of what has arrived (at least one character), nil at the end.
    /// A character is never cut in two unless a peer sent bytes that are not UTF-8.
    func read(upTo limit: Int, runtime: Runtime, line: Int) async throws -> String? {
        try await take(runtime: runtime, line: line) { unread, ended in
            Inbox.part(of: unread, upTo: limit, ended: ended, as: Inbox.text)
        }
    }

    /// `readLine()`: the next line without its `\n` (or `\r\n`); the rest at the end; nil after it.
    func readLine(runtime: Runtime, line: Int) async throws -> String? {
        try await take(runtime: runtime, line: line, nextLine)
    }

    /// What `read(upTo:)` or `readLine` gives if it needs no wait: `.wait` if it would.
    enum Immediate {
        case value(String?)
        case wait
    }

    func readNow(upTo limit: Int) throws -> Immediate {
        try takeNow { unread, ended in
            Inbox.part(of: unread, upTo: limit, ended: ended, as: Inbox.text)
        }
    }

    func readLineNow() throws -> Immediate {
        try takeNow(nextLine)
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The index of the first `\n` in `bytes[from...]`, found by `memchr`: `firstIndex(of:)` took
    /// 400 instructions for an echo server's 30-byte line.
    private static func firstNewline(in bytes: ArraySlice<UInt8>, from: Int) -> Int? {
        bytes[from...].withUnsafeBufferPointer { System.firstIndex(of: 0x0A, in: $0) }.map { from + $0 }
    }

    private static func part<Result>(
        of unread: ArraySlice<UInt8>, upTo limit: Int, ended: Bool, as make: (ArraySlice<UInt8>) -> Result
    ) -> Taken<Result>? {
        guard !unread.isEmpty else { return ended ? .end : nil }
        let count = Inbox.wholeCharacters(unread, upTo: min(limit, unread.count), ended: ended)
        guard count > 0 else { return ended ? Taken(value: make(unread), consumed: unread.count) : nil }
        return Taken(value: make(unread.prefix(count)), consumed: count)
    }

    private func nextLine(_ unread: ArraySlice<UInt8>, ended: Bool) throws -> Taken<String>? {
        if let newline = Inbox.firstNewline(in: unread, from: unread.startIndex + scanned) {
            scanned = 0
            var end = newline
            if end > unread.startIndex && unread[end - 1] == 0x0D { end -= 1 }
            return Taken(value: Inbox.text(unread[..<end]), consumed: newline + 1 - unread.startIndex)
        }
        guard unread.count <= Inbox.maxLine else { throw LineTooLong() }
        scanned = unread.count
        guard ended else { return nil }
        scanned = 0
        return unread.isEmpty ? .end : Taken(value: Inbox.text(unread), consumed: unread.count)
    }

    /// Everything until the end of the input (a child's whole output), as text: its bytes gathered,
    /// then decoded once, whole.
    func readAll(runtime: Runtime, line: Int) async throws -> String {
        var all: [UInt8] = []
        while let part = try await take(runtime: runtime, line: line, { unread, ended in
            Inbox.part(of: unread, upTo: Int.max, ended: ended, as: Array.init)
        }) { all += part }
        return String(decoding: all, as: UTF8.self)
    }

    struct LineTooLong: Error {}

    /// How many of the first `limit` bytes to take so as not to cut a UTF-8 character in two: the
    /// start of the character that would be cut (0 if that is the first), or `limit`.
    static func wholeCharacters(_ bytes: ArraySlice<UInt8>, upTo limit: Int, ended: Bool) -> Int {
        if limit == bytes.count && ended { return limit }
        // The lead byte of the last character that starts before `limit`, at most 3 bytes back.
        var lead = limit - 1
        while lead > 0 && lead > limit - 4 && bytes[bytes.startIndex + lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= 0 else { return limit }
        let first = bytes[bytes.startIndex + lead]
        let length = first < 0xC0 ? 1 : first < 0xE0 ? 2 : first < 0xF0 ? 3 : 4
        return lead + length <= limit ? limit : lead
    }

    /// Runs `parse` over the unread bytes until it answers, waiting for more input in between;
    /// `parse` must answer once the input has ended. Only one task reads at a time.
    private func take<Result>(
        runtime: Runtime, line: Int, _ parse: (ArraySlice<UInt8>, _ ended: Bool) throws -> Taken<Result>?
    ) async throws -> Result? {
        while true {
            switch try attempt(parse, waits: true) {
            case .taken(let taken):
                return taken.value
            case .waiting(let shot):
                defer { if waiter === shot { waiter = nil } }
                try await runtime.suspendCurrent(on: shot, line: line, reason: .io)
            case .nothing:
                preconditionFailure("a reader that waits is given a waiter")
            }
        }
    }

    /// `take`'s first look, for a read that can be answered without a wait (`ScriptStream.awaitNow`).
    private func takeNow(_ parse: (ArraySlice<UInt8>, _ ended: Bool) throws -> Taken<String>?) throws -> Immediate {
        if case .taken(let taken) = try attempt(parse, waits: false) { return .value(taken.value) }
        return .wait
    }

    private enum Attempt<Result> {
        case taken(Taken<Result>)
        /// Nothing to take yet: the reader waits on this, fired when more arrives.
        case waiting(OneShot)
        /// Nothing to take yet, for a reader that does not wait.
        case nothing
    }

    /// What `parse` takes of the unread bytes. A reader that `waits` and finds too
    /// little is registered, with a waiter made only then, and gets reading resumed if it needs more
    /// than the high-water mark (a long line).
    private func attempt<Result>(_ parse: (ArraySlice<UInt8>, _ ended: Bool) throws -> Taken<Result>?, waits: Bool)
        throws -> Attempt<Result>
    {
        confinement.check()
        if ended, let failure { throw failure }
        guard waiter == nil else { throw AlreadyReading() }
        guard let taken = try parse(bytes[start...], ended) else {
            guard waits else { return .nothing }
            let shot = OneShot()
            waiter = shot
            if paused {
                paused = false
                resumeReading()
            }
            return .waiting(shot)
        }
        start += taken.consumed
        if taken.consumed > 0 { scanned = 0 }
        if start * 2 > bytes.count {
            bytes.removeFirst(start)
            start = 0
        }
        if paused && bytes.count - start < Inbox.lowWater {
            paused = false
            resumeReading()
        }
        return .taken(taken)
    }

    struct AlreadyReading: Error {}
}

/// A reference that does not keep its object alive.
final class WeakReference<Object: AnyObject> {
    weak var object: Object?

    init(_ object: Object) {
        self.object = object
    }
}

/// The channel handler that fills an `Inbox`, and holds back the channel's reads while the inbox is
/// over its high-water mark (NIO reads again only when a handler passes `read` on).
final class InboxHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let inbox: Inbox
    private var context: ChannelHandlerContext?
    private var heldRead = false
    /// Called once the channel is active (an accepted connection is handed to the script then: a
    /// write before that would find it closed).
    private var whenActive: (() -> Void)?

    init(_ inbox: Inbox, whenActive: (() -> Void)?) {
        self.inbox = inbox
        self.whenActive = whenActive
    }

    /// Adds a handler for `inbox` to `channel`'s pipeline and lets the inbox resume the channel's
    /// reading. On the channel's event loop (in a channel initializer).
    static func install(_ inbox: Inbox, on channel: any Channel, whenActive: (() -> Void)? = nil)
        -> EventLoopFuture<Void>
    {
        let handler = InboxHandler(inbox, whenActive: whenActive)
        // Weakly: the handler holds the inbox, and a strong reference back made a cycle that kept
        // both, and every unread byte, after the channel had closed (LeakSanitizer found it).
        let bound = NIOLoopBound(WeakReference(handler), eventLoop: channel.eventLoop)
        let eventLoop = channel.eventLoop
        inbox.resumeReading = { eventLoop.execute { bound.value.object?.resume() } }
        return eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { becameActive() }
    }

    func channelActive(context: ChannelHandlerContext) {
        becameActive()
        context.fireChannelActive()
    }

    private func becameActive() {
        let call = whenActive
        whenActive = nil
        call?()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        inbox.end()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbox.receive(unwrapInboundIn(data))
    }

    func read(context: ChannelHandlerContext) {
        if inbox.isPaused {
            heldRead = true
        } else {
            context.read()
        }
    }

    fileprivate func resume() {
        guard heldRead, let context else { return }
        heldRead = false
        context.read()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The peer shut its side down (`nc -N`): the input ends, what we write still goes out.
        if case ChannelEvent.inputClosed = event { inbox.end() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.end()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A peer that resets the connection has ended it, as far as reading goes (Node and Go read
        // it as the end too); writes to it still fail.
        if let error = error as? IOError, error.errnoCode == System.connectionReset {
            inbox.end()
        } else {
            inbox.end(error)
        }
        context.close(promise: nil)
    }
}

/// Values that arrive from the event loop one at a time (accepted connections, HTTP requests) for
/// a script task to take in order; `next` returns nil once the queue is closed and empty. Like an
/// `Inbox`, filled and emptied on the executor's thread, with no lock.
final class IOQueue<Element: Sendable>: @unchecked Sendable {
    // Waiting items are `items[head...]`; a taken one's slot is emptied at once, so that the queue
    // does not keep what it handed out (a request, and through it its connection). Unchecked
    // exclusivity, as the inbox's: no access is held across a call out (checked, three
    // `swift_beginAccess` an HTTP request).
    @exclusivity(unchecked) private var items: [Element?] = []
    @exclusivity(unchecked) private var head = 0
    @exclusivity(unchecked) private var closed = false
    @exclusivity(unchecked) private var waiter: OneShot?
    private let confinement = ThreadConfinement()

    /// Queues `item`; false if the queue was closed (the caller disposes of it).
    @discardableResult
    func put(_ item: Element) -> Bool {
        confinement.check()
        guard !closed else { return false }
        items.append(item)
        wakeTaker()
        return true
    }

    func close() {
        confinement.check()
        closed = true
        wakeTaker()
    }

    private func wakeTaker() {
        let waiter = self.waiter
        self.waiter = nil
        waiter?.fire()
    }

    /// What is left when the queue is closed (to be disposed of).
    func drain() -> [Element] {
        confinement.check()
        defer {
            items = []
            head = 0
        }
        return items[head...].compactMap { $0 }
    }

    func next(runtime: Runtime, line: Int) async throws -> Element? {
        while true {
            confinement.check()
            if head < items.count {
                defer {
                    head += 1
                    if head * 2 > items.count {
                        items.removeFirst(head)
                        head = 0
                    }
                }
                return items[head].take()
            }
            if closed { return nil }
            let shot = OneShot()
            waiter = shot
            defer { if waiter === shot { waiter = nil } }
            try await runtime.suspendCurrent(on: shot, line: line, reason: .io)
        }
    }
}
