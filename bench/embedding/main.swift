// Costs of crossing between a Swift host and scr (issue 20's speed targets), in a release build:
//
//   swift run -c release EmbeddingBench
//
// Each figure is the mean over a loop long enough to run for about a second; the one in brackets is
// the target. Compare with Lua's lua_pcall (about 0.1 µs) and JavaScriptCore's call (about 0.5 µs).
import Foundation
import Scr

@main
struct EmbeddingBench {
    static func main() async throws {
        let interpreter = Interpreter(output: { _ in }, errors: { _ in }) { context in
            context.define("hostIdentity", arity: 1...1) { arguments in arguments[0] }
            // Runs `body` n times on the executor, inside one host call: what a callback costs there.
            context.define("callbackLoop", arity: 2...2) { context, arguments in
                guard case .function(let callback) = arguments[0], let n = arguments[1].int else { return .nil }
                for i in 0..<n { _ = try context.call(callback, .number(Double(i))) }
                return .nil
            }
            context.define("getLoop", arity: 1...1) { context, arguments in
                var sum = 0.0
                for _ in 0..<(arguments[0].int ?? 0) { sum += context.get("counter")?.double ?? 0 }
                return .number(sum)
            }
        }
        try await interpreter.run("""
            var counter = 1;
            fun f(x) { return x; }
            fun scriptLoop(n) { for (var i = 0; i < n; i = i + 1) f(i); }
            fun hostLoop(n) { for (var i = 0; i < n; i = i + 1) hostIdentity(i); }
            """)

        print("host → script call from another thread (interpreter.call):  "
              + (try await perCall(40_000) { n in for i in 0..<n { try await interpreter.call("f", .number(Double(i))) } })
              + "   [15 µs]")
        let blocking: String = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let n = 100_000
                _ = try? interpreter.callBlocking("f", 0)
                let clock = ContinuousClock()
                let start = clock.now
                for i in 0..<n { _ = try? interpreter.callBlocking("f", .number(Double(i))) }
                let elapsed = clock.now - start
                continuation.resume(returning: format((Double(elapsed.components.seconds)
                    + Double(elapsed.components.attoseconds) / 1e18) / Double(n)))
            }
        }
        print("host → script call from a plain thread (callBlocking):      " + blocking + "   [15 µs]")
        let onExecutor = try await Task(executorPreference: interpreter.taskExecutor) {
            try await perCall(2_000_000) { n in for i in 0..<n { try await interpreter.call("f", .number(Double(i))) } }
        }.value
        print("host → script call from a task on the executor:             " + onExecutor + "   [1 µs]")
        let getOnExecutor = await Task(executorPreference: interpreter.taskExecutor) {
            await perCall(5_000_000) { n in for _ in 0..<n { _ = await interpreter.get("counter") } }
        }.value
        print("global read from a task on the executor (interpreter.get):  " + getOnExecutor + "   [200 ns]")
        print("host → script call on the executor (ScrContext.call):       "
              + (try await perCall(2_000_000) { n in try await interpreter.call("callbackLoop", .function(try handle(interpreter, "f")), .number(Double(n))) })
              + "   [1 µs]")
        print("global read from another thread (interpreter.get):          "
              + (await perCall(40_000) { n in for _ in 0..<n { _ = await interpreter.get("counter") } })
              + "   [—]")
        print("global read on the executor (ScrContext.get):               "
              + (try await perCall(5_000_000) { n in try await interpreter.call("getLoop", .number(Double(n))) })
              + "   [200 ns]")
        let scriptCalls = try await seconds(5_000_000) { n in try await interpreter.call("scriptLoop", .number(Double(n))) }
        let hostCalls = try await seconds(5_000_000) { n in try await interpreter.call("hostLoop", .number(Double(n))) }
        print("script → host sync call, over a script call:                "
              + format((hostCalls - scriptCalls) / 5_000_000) + "   [100 ns]")
        print("script → host sync call, whole iteration:                   "
              + format(hostCalls / 5_000_000) + "   (a script function call: \(format(scriptCalls / 5_000_000)))")
    }

    static func handle(_ interpreter: Interpreter, _ name: String) async throws -> ScrFunction {
        guard case .function(let function)? = await interpreter.get(name) else { fatalError("no \(name)") }
        return function
    }

    static func seconds(_ n: Int, _ body: @Sendable (Int) async throws -> Void) async rethrows -> Double {
        try await body(n / 100)  // Warm up.
        let clock = ContinuousClock()
        let start = clock.now
        try await body(n)
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func perCall(_ n: Int, _ body: @Sendable (Int) async throws -> Void) async rethrows -> String {
        format(try await seconds(n, body) / Double(n))
    }

    static func format(_ seconds: Double) -> String {
        let text = seconds >= 1e-6 ? "\((seconds * 1e7).rounded() / 10) µs" : "\((seconds * 1e10).rounded() / 10) ns"
        return String(repeating: " ", count: max(0, 10 - text.count)) + text
    }
}
