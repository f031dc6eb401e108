import NIOCore

/// The runtime's streams that scripts write to, so that a script's end waits for what they still
/// queue (`finish`) as Node's process does for its sockets, rather than exiting with it unsent: it
/// would be lost, as asyncio loses a transport's buffer when its loop closes. A stream joins when it
/// is made and leaves when its channel has closed; what each still queues is asked of NIO
/// (`bufferedWritableBytes`) only here, at the end: a write keeps no account of its own
/// (`ScriptStream.send`).
///
/// Joined and left on the streams' event loop, read by `finish` on the host's thread, hence the lock.
final class UnsentWrites: Sendable {
    private let streams = Locked<[ObjectIdentifier: (name: String, channel: any Channel)]>([:])

    /// `channel` (the stream `name`) is written to, until it closes.
    func add(_ channel: any Channel, name: String) {
        streams.withLock { $0[ObjectIdentifier(channel)] = (name, channel) }
        channel.closeFuture.whenComplete { [self] _ in
            _ = streams.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    /// Waits until every write has been handed to the system, for as long as the peers keep taking
    /// bytes: once none has gone out for `patience` seconds, it gives up and returns the streams
    /// still waiting and their bytes (none if everything went out). Progress is counted in bytes,
    /// so that one large write to a slow reader is not a stall.
    func finish(patience: Double) async -> [(name: String, bytes: Int)] {
        var least = Int.max
        var lastProgress = System.monotonicSeconds()
        while true {
            var left: [(name: String, bytes: Int)] = []
            for (name, channel) in streams.withLock({ Array($0.values) }) {
                let buffered = (try? await channel.getOption(ChannelOptions.bufferedWritableBytes).get()) ?? 0
                if buffered > 0 { left.append((name, buffered)) }
            }
            if left.isEmpty { return [] }
            let total = left.reduce(0) { $0 + $1.bytes }
            let now = System.monotonicSeconds()
            if total < least {
                least = total
                lastProgress = now
            } else if now - lastProgress >= patience {
                return left
            }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}
