import NIOCore

/// The runtime's streams that have writes NIO has not yet handed to the system, so that a script's
/// end waits for them (`finish`) as Node's process does for its sockets, rather than exiting with
/// them still queued: they would be lost, as asyncio loses a transport's buffer when its loop
/// closes. A write usually goes to the system within `writeAndFlush`, and its stream never comes
/// here; one is listed only while the system's buffer is full because the peer is not reading
/// (`ScriptStream.send` lists it after the write, and takes it off when its last write completes).
///
/// Changed where writes complete — on the stream's event loop — and read by `finish`, hence the lock.
final class UnsentWrites: Sendable {
    private let streams = Locked<[ObjectIdentifier: (name: String, channel: any Channel)]>([:])

    /// `channel` (the stream `name`) has writes waiting.
    func add(_ channel: any Channel, name: String) {
        streams.withLock { $0[ObjectIdentifier(channel)] = (name, channel) }
    }

    /// `channel`'s writes have all gone to the system (or failed).
    func remove(_ channel: any Channel) {
        _ = streams.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Waits until every write has been handed to the system, for as long as the peers keep taking
    /// bytes: once none has gone out for `patience` seconds, it gives up and returns the streams
    /// still waiting and their bytes (none if everything went out). Progress is counted in bytes
    /// (NIO's `bufferedWritableBytes`), so that one large write to a slow reader is not a stall.
    func finish(patience: Double) async -> [(name: String, bytes: Int)] {
        var least = Int.max
        var lastProgress = System.monotonicSeconds()
        while true {
            let waiting = streams.withLock { Array($0.values) }
            if waiting.isEmpty { return [] }
            var left: [(name: String, bytes: Int)] = []
            for (name, channel) in waiting {
                let buffered = (try? await channel.getOption(ChannelOptions.bufferedWritableBytes).get()) ?? 0
                left.append((name, buffered))
            }
            let total = left.reduce(0) { $0 + $1.bytes }
            let now = System.monotonicSeconds()
            if total < least {
                least = total
                lastProgress = now
            } else if now - lastProgress >= patience {
                return left.filter { $0.bytes > 0 }
            }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}
