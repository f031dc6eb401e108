/// Where an interpreter's output goes. A REPL routes it through its line editor while it is open,
/// then puts the previous destination back.
package final class OutputSink: Sendable {
    private let destinations: Locked<[@Sendable (String) -> Void]>

    init(_ destination: @escaping @Sendable (String) -> Void) {
        destinations = Locked([destination])
    }

    public func write(_ text: String) {
        current(text)
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
