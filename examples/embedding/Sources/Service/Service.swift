import Scr
import ScrREPL
import Synchronization

/// A pretend service that handles "requests" in a background task of its own, exposes its state and
/// an async lookup to scr, calls back into script functions, and drops into the REPL so you can
/// inspect it while it runs.
@main
struct Service {
    /// Counters the host updates and scripts read.
    final class Stats: Sendable {
        private let handled = Mutex(0)
        func record() { handled.withLock { $0 += 1 } }
        var count: Int { handled.withLock { $0 } }
    }

    static func main() async throws {
        let stats = Stats()
        let interpreter = Interpreter()
        // Script functions registered with `onRequest(f)`: the host calls them on every tenth request.
        let listeners = Mutex<[ScrFunction]>([])

        // The host's own work goes on while the REPL is open.
        let worker = Task {
            while !Task.isCancelled {
                stats.record()
                if stats.count % 10 == 0 {
                    for listener in listeners.withLock({ $0 }) {
                        _ = try? await listener.call(.number(Double(stats.count)))
                    }
                }
                try? await Task.sleep(nanoseconds: 100_000_000)
            }
        }

        await interpreter.define("requests", arity: 0...0) { _ in .number(Double(stats.count)) }
        await interpreter.defineAsync("lookup", arity: 1...1) { arguments in
            try await Task.sleep(nanoseconds: 200_000_000)  // Pretend to ask a database.
            return ["id": arguments[0], "name": "user \(arguments[0])", "active": true]
        }
        await interpreter.defineObject("service", className: "Service",
                                       fields: ["name": "demo", "version": "1.0"],
                                       methods: ["handled": { _ in .number(Double(stats.count)) }])
        await interpreter.define("onRequest", arity: 1...1) { arguments in
            guard case .function(let listener) = arguments[0] else { throw HostError("onRequest takes a function.") }
            listeners.withLock { $0.append(listener) }
            return .nil
        }
        interpreter.enableScriptREPL()

        try await interpreter.run("""
            var beats = 0;
            async fun heartbeat() {
              while (true) {
                beats = beats + 1;
                await sleep(0.5);
              }
            }
            spawn(heartbeat());
            var lastSeen = 0;
            onRequest(fun (count) { lastSeen = count; });
            fun summary() { return "heartbeat at " + str(beats) + ", last request seen " + str(lastSeen); }
            """)

        print("Service '\(try await interpreter.evaluate("service.name").string ?? "?")' is running.")
        print("Try: requests()   service.handled()   await lookup(7)   beats   lastSeen   .tasks")
        await interpreter.repl()

        worker.cancel()
        print("Back in the host: \(stats.count) requests handled, \(try await interpreter.call("summary")).")
    }
}
