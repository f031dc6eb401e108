import Synchronization

/// Turns SIGTERM and SIGHUP into a last call of a handler before the process ends (128 + the
/// signal), so that what the program printed is flushed rather than lost with the process. As with
/// `InterruptMonitor`, the signal handler only writes the signal's number to a pipe; a thread reads
/// it and calls the handler, where flushing is safe.
package enum TerminationMonitor {
    package static func install(_ handler: @escaping @Sendable (_ signal: Int32) -> Void) {
        let ends = System.makePipe()
        terminationPipe.store(ends.write, ordering: .relaxed)
        Threads.detach {
            while let signal = System.readByte(ends.read) {
                handler(Int32(signal))
                System.exit(128 + Int32(signal))
            }
        }
        for signal in System.terminationSignals {
            System.onSignal(signal) { signal in
                var byte = UInt8(truncatingIfNeeded: signal)
                _ = withUnsafeBytes(of: &byte) { System.write(terminationPipe.load(ordering: .relaxed), $0) }
            }
        }
    }
}

/// The write end of the termination pipe, readable from a signal handler.
private let terminationPipe = Atomic<Int32>(-1)
