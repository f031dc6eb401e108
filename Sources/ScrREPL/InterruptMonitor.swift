import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT (Ctrl-C) into calls of a handler on a dispatch queue, instead of killing the process.
/// Monitors nest (a REPL opened by `await repl()` inside the REPL): the innermost one handles Ctrl-C,
/// and the default action comes back when the last one stops.
final class InterruptMonitor: Sendable {
    private static let active = Mutex<[InterruptMonitor]>([])
    /// Dispatch sources are thread-safe; the type does not say so.
    nonisolated(unsafe) private static let source: any DispatchSourceSignal = {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { InterruptMonitor.active.withLock { $0.last }?.handler() }
        source.resume()
        return source
    }()

    private let handler: @Sendable () -> Void

    init(_ handler: @escaping @Sendable () -> Void) {
        self.handler = handler
        _ = InterruptMonitor.source
        InterruptMonitor.active.withLock { $0.append(self) }
        signal(SIGINT, SIG_IGN)
    }

    func stop() {
        let last = InterruptMonitor.active.withLock { active in
            active.removeAll { $0 === self }
            return active.isEmpty
        }
        if last { signal(SIGINT, SIG_DFL) }
    }
}
