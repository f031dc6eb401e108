import NIOCore

/// The writes of a runtime's streams that NIO has not yet handed to the system, by channel, so that a
/// script's end waits for them (`finish`) as Node's process does for its sockets, rather than exiting
/// with them still queued: they would be lost, as asyncio loses a transport's buffer when its loop
/// closes. A write usually goes to the system at once; it waits here only while the system's buffer
/// is full because the peer is not reading.
///
/// Changed where writes complete — on the stream's event loop — and read by `finish`, hence the lock.
final class UnsentWrites: Sendable {
    private struct Entry {
        let name: String
        let channel: any Channel
        var bytes: Int
    }

    private let entries = Locked<[ObjectIdentifier: Entry]>([:])

    /// Notes `bytes` written to `channel` (the stream `name`), until `sent` is called with as many.
    func add(_ bytes: Int, to channel: any Channel, name: String) {
        entries.withLock { entries in
            entries[ObjectIdentifier(channel), default: Entry(name: name, channel: channel, bytes: 0)].bytes += bytes
        }
    }

    /// `bytes` written to `channel` were handed to the system (or failed): no longer waited for.
    func sent(_ bytes: Int, to channel: any Channel) {
        entries.withLock { entries in
            guard var entry = entries[ObjectIdentifier(channel)] else { return }
            entry.bytes -= bytes
            entries[ObjectIdentifier(channel)] = entry.bytes > 0 ? entry : nil
        }
    }

    /// The bytes written to `channel` still waiting.
    func bytes(waitingFor channel: any Channel) -> Int {
        entries.withLock { $0[ObjectIdentifier(channel)]?.bytes ?? 0 }
    }

    /// Waits until every write has been handed to the system, for as long as the peers keep taking
    /// bytes: once none has gone out for `patience` seconds, it gives up and returns the streams
    /// still waiting and their bytes (none if everything went out). Progress is counted in bytes
    /// (NIO's `bufferedWritableBytes`), so that one large write to a slow reader is not a stall.
    func finish(patience: Double) async -> [(name: String, bytes: Int)] {
        var least = Int.max
        var lastProgress = System.monotonicSeconds()
        while true {
            let waiting = entries.withLock { $0.values.map { ($0.name, $0.channel) } }
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
