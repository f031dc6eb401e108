import NIOCore
import NIOPosix

/// The event loops of the remote REPL's server and client. Scripts' own I/O runs on the loop of
/// their executor's thread instead (`Runtime.eventLoop`), and what blocks (files, waiting for a child
/// process) on NIO's shared thread pool.
package enum EventLoops {
    /// One event loop thread for the remote REPL: it answers while a script holds the executor
    /// (`.tasks`, `.interrupt` from another client). It lives as long as the process, so the
    /// outcomes of blocking calls are delivered on it too (`Runtime.runBlocking`).
    package static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
}

extension Runtime {
    /// The event loop of the executor's thread, where the script's sockets, pipes and servers live;
    /// the first call makes the thread one (docs/internals.md, "Async I/O"), and other tasks run
    /// meanwhile: the current task is the caller again afterwards, as after any suspension (a
    /// cancellation that came meanwhile is raised at the caller's next suspension).
    func eventLoop() async -> any EventLoop {
        if let loop = executor.eventLoop { return loop }
        let task = currentTask
        defer { currentTask = task }
        return await executor.eventLoopReady()
    }

    /// Runs `body` on NIO's shared thread pool (for calls that block: a file read, `waitpid`). Its
    /// outcome is delivered on `EventLoops.group`, not on the executor's loop: a call can outlive the
    /// interpreter (a child still running when the host stops it), and a promise of a loop that has
    /// shut down can never be completed (NIO reports it, and its debug builds stop the process).
    func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> EventLoopFuture<T> {
        NIOThreadPool.singleton.runIfActive(eventLoop: EventLoops.group.next(), body)
    }

    /// A bootstrap that connects to `host` on the executor's `loop`: by address when `host` is one,
    /// else with the names resolved first, on NIO's thread pool (`System.resolve`), their outcome
    /// delivered on `EventLoops.group`. NIO's own resolver completes its lookup on the loop that asked,
    /// and a lookup can outlive its interpreter (a script stopped while the name servers think): on
    /// a loop that has shut down, that completion is lost ("Cannot schedule tasks on an EventLoop
    /// that has already shut down"; NIO's debug builds stop the process). The names
    /// within `timeout`, or "Timed out".
    func connecting(
        _ bootstrap: ClientBootstrap, to host: String, port: Int, on loop: any EventLoop, timeout: TimeAmount,
        line: Int
    ) async throws -> EventLoopFuture<any Channel> {
        if let address = try? SocketAddress(ipAddress: host, port: port) {
            return bootstrap.connect(to: address)
        }
        let answer = EventLoops.group.next()
        let resolved = answer.makePromise(of: (v6: [SocketAddress], v4: [SocketAddress]).self)
        runBlocking { try System.resolve(host, port: port) }.cascade(to: resolved)
        let timer = answer.scheduleTask(in: timeout) {
            resolved.fail(ChannelError.connectTimeout(timeout))
        }
        resolved.futureResult.whenComplete { _ in timer.cancel() }
        let names = try await awaitIO(resolved.futureResult, line: line)
        return bootstrap.resolver(ResolvedNames(loop: loop, v6: names.v6, v4: names.v4))
            .connect(host: host, port: port)
    }

    /// Suspends the current script task until `future` completes, like any other suspension: an
    /// interrupt, a stop or a cancellation wakes the task at once, and `abandon` then receives the
    /// future's value if it still succeeds (a connection nobody will use is closed).
    func awaitIO<T: Sendable>(
        _ future: EventLoopFuture<T>, line: Int, abandon: @escaping @Sendable (T) -> Void = { _ in }
    ) async throws -> T {
        let done = OneShot()
        let outcome = Locked<Result<T, any Error>?>(nil)
        future.whenComplete { result in
            outcome.withLock { $0 = result }
            done.fire()
        }
        do {
            try await suspendCurrent(on: done, line: line, reason: .io)
        } catch {
            future.whenSuccess(abandon)
            throw error
        }
        guard let result = outcome.withLock({ $0 }) else {
            // Woken by the cancellation of the Swift task that runs the script task.
            future.whenSuccess(abandon)
            throw ScriptError("Task cancelled.", line: line, kind: .cancelled)
        }
        return try result.get()
    }

    /// An I/O failure as scripts see it, an `IOError`: `Can't connect to 'localhost:1': Connection refused.`
    func ioError(_ error: any Error, _ what: String, line: Int) -> ScriptError {
        if let error = error as? ScriptError { return error }
        return ScriptError("Can't \(what): \(IOFailure.reason(error)).", line: line, class: .ioError)
    }
}

/// The words for why an I/O operation failed: the system's reason where there is one.
package enum IOFailure {
    package static func reason(_ error: any Error) -> String {
        switch error {
        case let error as IOError:
            return System.Failure.reason(error.errnoCode)
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return reason(first.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "Unknown host" }
            return "Connection failed"
        case let error as SocketAddressError:
            switch error {
            case .unknown: return "Unknown host"
            default: return "Bad address"
            }
        case let error as ChannelError:
            switch error {
            case .connectTimeout: return "Timed out"
            case .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed, .eof: return "Connection closed"
            default: return "\(error)"
            }
        case let error as System.Failure:
            return error.reason
        default:
            return "\(error)"
        }
    }
}

/// Names already resolved (`Runtime.connecting`), answered at once on the connecting loop, so no
/// completion crosses threads.
private struct ResolvedNames: Resolver, Sendable {
    let loop: any EventLoop
    let v6: [SocketAddress]
    let v4: [SocketAddress]

    func initiateAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> { loop.makeSucceededFuture(v4) }
    func initiateAAAAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> { loop.makeSucceededFuture(v6) }
    func cancelQueries() {}
}
