/// Where an interpreter's output goes. A REPL routes it through its line editor while it is open,
/// then puts the previous destination back.
package final class OutputSink: Sendable {
    private let destinations: Locked<[@Sendable (String) -> Void]>

    init(_ destination: @escaping @Sendable (String) -> Void) {
        destinations = Locked([destination])
    }

    /// Takes, first, the output of tasks that a REPL session started (`origin` its id): the REPL
    /// server delivers it to that session's client alone. False: not one of its sessions.
    private let router = Locked<(@Sendable (String, Int) -> Bool)?>(nil)

    public func write(_ text: String) {
        current(text)
    }

    func write(_ text: String, origin: Int) {
        if origin != 0, let router = router.withLock({ $0 }), router(text, origin) { return }
        current(text)
    }

    /// Sends the output of sessions' tasks to `router` first, until `unroute()`.
    package func route(_ router: @escaping @Sendable (String, Int) -> Bool) {
        self.router.withLock { $0 = router }
    }

    package func unroute() {
        router.withLock { $0 = nil }
    }

    /// Where output goes now.
    public var current: @Sendable (String) -> Void {
        destinations.withLock { $0[$0.count - 1] }
    }

    /// Sends output to `destination` until the matching `pop()`.
    public func push(_ destination: @escaping @Sendable (String) -> Void) {
        destinations.withLock { $0.append(destination) }
    }

    public func pop() {
        destinations.withLock { if $0.count > 1 { $0.removeLast() } }
    }
}
