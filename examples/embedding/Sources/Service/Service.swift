import Scr
import ScrREPL
import Synchronization

/// A pretend service that handles "requests" in a background task of its own, exposes its state and
/// an async lookup to scr, and drops into the REPL so you can inspect it while it runs.
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

        // The host's own work goes on while the REPL is open.
        let worker = Task {
            while !Task.isCancelled {
                stats.record()
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
            """)

        print("Service '\(try await interpreter.evaluate("service.name").string ?? "?")' is running.")
        print("Try: requests()   service.handled()   await lookup(7)   beats   .tasks")
        await interpreter.repl()

        worker.cancel()
        print("Back in the host: \(stats.count) requests handled, heartbeat at \(try await interpreter.evaluate("beats")).")
    }
}
