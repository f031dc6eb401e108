import Synchronization

/// Turns SIGTERM and SIGHUP (and any other signal `handle` adds) into a last call of a handler and of
/// the cleanups registered since, before the process ends (128 + the signal), so that what the
/// program printed is flushed and the files it owns (a server's socket, its token) are removed,
/// rather than lost or left behind. As with `InterruptMonitor`, the signal handler only writes the
/// signal's number to a pipe; a thread reads it and calls the handler, where all that is safe.
package enum TerminationMonitor {
    private static let cleanups = Locked<[@Sendable () -> Void]>([])

    package static func install(_ handler: @escaping @Sendable (_ signal: Int32) -> Void) {
        let ends = System.makePipe()
        terminationPipe.store(ends.write, ordering: .relaxed)
        Threads.detach {
            while let signal = System.readByte(ends.read) {
                handler(Int32(signal))
                for cleanup in cleanups.withLock({ $0 }) { cleanup() }
                System.exit(128 + Int32(signal))
            }
        }
        for signal in System.terminationSignals { handle(signal) }
    }

    /// Ends the process politely on `signal` too (SIGINT, for a server that has no prompt to
    /// interrupt).
    package static func handle(_ signal: Int32) {
        System.onSignal(signal) { signal in
            var byte = UInt8(truncatingIfNeeded: signal)
            _ = withUnsafeBytes(of: &byte) { System.write(terminationPipe.load(ordering: .relaxed), $0) }
        }
    }

    /// Runs `cleanup` if a handled signal ends the process.
    package static func onTermination(_ cleanup: @escaping @Sendable () -> Void) {
        cleanups.withLock { $0.append(cleanup) }
    }
}

/// The write end of the termination pipe, readable from a signal handler.
private let terminationPipe = Atomic<Int32>(-1)
