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

    /// The service's settings, live in scripts as `service`: `service.version = "1.1"` changes this
    /// object, which the host reads back.
    final class Settings: ScrExported, Sendable {
        let name = "demo"
        private let state = Mutex((version: "1.0", paused: false))
        var version: String { state.withLock { $0.version } }
        var paused: Bool { state.withLock { $0.paused } }

        static let scrMembers = ScrMembers<Settings>("Service")
            .property("name", get: { $0.name })
            .property("version", get: { $0.version }, set: { settings, value in
                settings.state.withLock { $0.version = value }
            })
            .property("paused", get: { $0.paused }, set: { settings, value in
                settings.state.withLock { $0.paused = value }
            })
    }

    static func main() async throws {
        let stats = Stats()
        let settings = Settings()
        let interpreter = Interpreter()
        // Script functions registered with `onRequest(f)`: the host calls them on every tenth request.
        let listeners = Mutex<[ScrFunction]>([])

        // The host's own work goes on while the REPL is open.
        let worker = Task {
            while !Task.isCancelled {
                if !settings.paused { stats.record() }
                if stats.count % 10 == 0 {
                    for listener in listeners.withLock({ $0 }) {
                        _ = try? await listener.call(.number(Double(stats.count)))
                    }
                }
                try? await Task.sleep(nanoseconds: 100_000_000)
            }
        }

        // Typed host functions: arity and argument types are checked for the script.
        await interpreter.define("requests") { () in stats.count }
        await interpreter.defineAsync("lookup") { (id: Int) async throws -> ScrValue in
            try await Task.sleep(nanoseconds: 200_000_000)  // Pretend to ask a database.
            return ["id": id.scrValue, "name": .string("user \(id)"), "active": true]
        }
        await interpreter.set("service", to: .exported(settings))
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

        print("Service '\(settings.name)' is running.")
        print("Try: requests()   await lookup(7)   beats   lastSeen   service.paused = true   .tasks")
        await interpreter.repl()

        worker.cancel()
        let beats = try await interpreter.get("beats", as: Int.self)
        print("Back in the host: \(stats.count) requests handled, version \(settings.version), \(beats) beats, "
              + "\(try await interpreter.call("summary")).")
    }
}
