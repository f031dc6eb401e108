import Synchronization

/// Turns SIGINT (Ctrl-C) into calls of a handler, instead of killing the process. The signal
/// handler only writes a byte to a pipe (all a handler may safely do), whichever thread the kernel
/// picked; a thread of its own reads the pipe and calls the handler. Monitors nest (a REPL opened by
/// `await repl()` inside the REPL): the innermost one handles Ctrl-C, and SIGINT's disposition from
/// before the first one (the default, or a host's own) comes back when the last one stops.
package final class InterruptMonitor: Sendable {
    private static let active = Locked<[InterruptMonitor]>([])
    /// SIGINT's disposition before the outermost monitor; guarded by `active`'s lock.
    nonisolated(unsafe) private static var saved: System.SignalAction?
    private static let pipeEnds: (read: Int32, write: Int32) = {
        let ends = System.makePipe()
        signalPipe.store(ends.write, ordering: .relaxed)
        Threads.detach { watch(ends.read) }
        return ends
    }()

    private let handler: @Sendable () -> Void

    package init(_ handler: @escaping @Sendable () -> Void) {
        self.handler = handler
        _ = InterruptMonitor.pipeEnds
        InterruptMonitor.active.withLock { active in
            active.append(self)
            guard active.count == 1 else { return }
            InterruptMonitor.saved = System.onInterruptSignal { _ in
                var byte: UInt8 = 3
                _ = withUnsafeBytes(of: &byte) { System.write(signalPipe.load(ordering: .relaxed), $0) }
            }
        }
    }

    package func stop() {
        InterruptMonitor.active.withLock { active in
            guard active.contains(where: { $0 === self }) else { return }
            active.removeAll { $0 === self }
            if active.isEmpty, let saved = InterruptMonitor.saved {
                System.restoreInterruptSignal(saved)
                InterruptMonitor.saved = nil
            }
        }
    }

    private static func watch(_ descriptor: Int32) {
        while System.readByte(descriptor) != nil {
            active.withLock { $0.last }?.handler()
        }
    }
}

/// The write end of the signal pipe, readable from a signal handler.
private let signalPipe = Atomic<Int32>(-1)
