import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT (Ctrl-C) into calls of a handler, instead of killing the process. The signal
/// handler only writes a byte to a pipe (all a handler may safely do), whichever thread the kernel
/// picked; a thread of its own reads the pipe and calls the handler. Monitors nest (a REPL opened by
/// `await repl()` inside the REPL): the innermost one handles Ctrl-C, and the default action comes
/// back when the last one stops.
final class InterruptMonitor: Sendable {
    private static let active = Mutex<[InterruptMonitor]>([])
    private static let pipeEnds: (read: Int32, write: Int32) = {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "cannot create a pipe")
        signalPipe.store(fds[1], ordering: .relaxed)
        let readEnd = fds[0]
        Thread.detach { watch(readEnd) }
        return (fds[0], fds[1])
    }()

    private let handler: @Sendable () -> Void

    init(_ handler: @escaping @Sendable () -> Void) {
        self.handler = handler
        _ = InterruptMonitor.pipeEnds
        InterruptMonitor.active.withLock { $0.append(self) }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 3
            _ = write(signalPipe.load(ordering: .relaxed), &byte, 1)
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
    }

    func stop() {
        let last = InterruptMonitor.active.withLock { active in
            active.removeAll { $0 === self }
            return active.isEmpty
        }
        if last { signal(SIGINT, SIG_DFL) }
    }

    private static func watch(_ fd: Int32) {
        var byte: UInt8 = 0
        while true {
            let count = read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            active.withLock { $0.last }?.handler()
        }
    }
}

/// The write end of the signal pipe, readable from a signal handler.
private let signalPipe = Atomic<Int32>(-1)
