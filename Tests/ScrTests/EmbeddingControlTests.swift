import Foundation
import Scr
import Synchronization
import Testing

/// The host's control of running scripts: interrupts, stops and cancellation reach every input and
/// every await (issue 20's defects), output is written out, and signal dispositions are put back.
struct EmbeddingControlTests {
    /// Calls `signal` every 50 ms until `body` returns (an outer bound of 10 minutes), so that a
    /// signal sent before the input started is repeated and a failure cannot leave a loop spinning.
    private func repeatedly<T: Sendable>(_ signal: @escaping @Sendable () -> Void,
                                         while body: () async throws -> T) async throws -> T {
        let watchdog = Task {
            for _ in 0..<12_000 {
                try await Task.sleep(nanoseconds: 50_000_000)
                signal()
            }
        }
        defer { watchdog.cancel() }
        return try await body()
    }

    @Test(arguments: ["run", "evaluate", "async function", "call"])
    func interpreterInterruptStopsABusyLoop(_ form: String) async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("async fun spinAsync() { while (true) {} } fun spin() { while (true) {} }")
        do {
            try await repeatedly({ interpreter.interrupt() }) {
                switch form {
                case "run": try await interpreter.run("while (true) {}")
                case "evaluate": _ = try await interpreter.evaluate("while (true) {}")
                case "async function": _ = try await interpreter.evaluate("await spinAsync()")
                default: try await interpreter.call("spin")
                }
            }
            Issue.record("the loop should have been interrupted")
        } catch let error as ScriptError {
            #expect(error.kind == .interrupted)
            #expect(error.errorClass == .keyboardInterrupt)
        }
        #expect(try await interpreter.evaluate("1 + 1") == 2, "the interpreter goes on after an interrupt")
    }

    /// What the long host function has seen: whether it started, whether it was cancelled.
    final class HostWait: Sendable {
        private let flags = Mutex((started: false, cancelled: false))
        var started: Bool { flags.withLock { $0.started } }
        var cancelled: Bool { flags.withLock { $0.cancelled } }
        func start() { flags.withLock { $0.started = true } }
        func cancel() { flags.withLock { $0.cancelled = true } }
    }

    /// An async host function that sleeps for ten minutes unless cancelled, and says which.
    private func defineLongHostWait(_ interpreter: Interpreter) async -> HostWait {
        let state = HostWait()
        await interpreter.defineAsync("hostWait") { _ in
            state.start()
            do {
                try await Task.sleep(nanoseconds: 600_000_000_000)
            } catch {
                state.cancel()
                throw error
            }
            return "slept"
        }
        return state
    }

    @Test(.timeLimit(.minutes(5)), arguments: ["interrupt", "stop"])
    func signalsReachAScriptAwaitingAHostFunction(_ signal: String) async throws {
        let (interpreter, output) = EmbeddingTests.makeInterpreter()
        let state = await defineLongHostWait(interpreter)
        do {
            try await repeatedly({
                if state.started {
                    if signal == "interrupt" { interpreter.interrupt() } else { interpreter.stop() }
                }
            }) {
                try await interpreter.run("try { await hostWait(); } finally { print \"finally ran\"; }")
            }
            Issue.record("the await should have been interrupted")
        } catch let error as ScriptError {
            #expect(error.kind == (signal == "interrupt" ? .interrupted : .stopped))
        }
        #expect(output.value == "finally ran\n")
        for _ in 0..<1_000 where !state.cancelled {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        #expect(state.cancelled, "the host function's task is cancelled")
    }

    /// A `for` loop that counts forever runs as `CountingLoopStatement`, which checks for an interrupt at
    /// each turn as `WhileStatement` does.
    @Test(.timeLimit(.minutes(5)))
    func cancellingTheHostTaskInterruptsACountingLoop() async throws {
        let started = Atomic<Bool>(false)
        let interpreter = Interpreter(output: { _ in }) { context in
            context.define("ready") { _ in
                started.store(true, ordering: .releasing)
                return .nil
            }
        }
        let busy = Task { try await interpreter.run("for (var i = 0; i >= 0; i = i + 1) if (i == 1000) ready();") }
        while !started.load(ordering: .acquiring) { try await Task.sleep(nanoseconds: 1_000_000) }
        busy.cancel()
        await #expect(throws: CancellationError.self) { try await busy.value }
        #expect(try await interpreter.evaluate("\"still usable\"") == "still usable")
    }

    @Test(.timeLimit(.minutes(5)))
    func cancellingTheHostTaskInterruptsTheInput() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        // A busy loop: the Swift task that awaits `run` is cancelled, and the loop must end.
        let busy = Task { try await interpreter.run("while (true) {}") }
        try await Task.sleep(nanoseconds: 50_000_000)
        busy.cancel()
        await #expect(throws: CancellationError.self) { try await busy.value }
        // A script awaiting a host function: the host function's task is cancelled too.
        let state = await defineLongHostWait(interpreter)
        let waiting = Task { try await interpreter.evaluate("await hostWait()") }
        while !state.started { try await Task.sleep(nanoseconds: 10_000_000) }
        waiting.cancel()
        await #expect(throws: (any Error).self) { _ = try await waiting.value }
        for _ in 0..<1_000 where !state.cancelled {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        #expect(state.cancelled)
        #expect(try await interpreter.evaluate("\"still usable\"") == "still usable")
    }

    struct HostProblem: Error, Equatable { let code: Int }

    @Test func aHostFunctionsOwnErrorComesBackAsUnderlying() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        await interpreter.define("failing") { _ in throw HostProblem(code: 7) }
        await interpreter.defineAsync("failingLater") { _ in throw HostProblem(code: 8) }
        for (source, code) in [("failing();", 7), ("await failingLater();", 8)] {
            do {
                try await interpreter.run(source)
                Issue.record("\(source) should have failed")
            } catch let error as ScriptError {
                #expect(error.underlying as? HostProblem == HostProblem(code: code))
                #expect(error.message == "HostProblem(code: \(code))")
            }
        }
        // A script that catches it sees the message, and the host error is not lost on the way out.
        try await interpreter.run("""
            var seen;
            try { failing(); } catch (e) { seen = e.message; }
            """)
        #expect(await interpreter.get("seen") == "HostProblem(code: 7)")
    }

    struct DescribedProblem: LocalizedError { var errorDescription: String? { "the disk is full" } }

    @Test func errorTextsAreWhatFoundationShows() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        await interpreter.define("described") { _ in throw DescribedProblem() }
        do {
            try await interpreter.run("described();")
            Issue.record("should fail")
        } catch let error as ScriptError {
            #expect(error.message == "the disk is full", "a LocalizedError's own text")
            #expect(error.localizedDescription == "the disk is full", "a ScriptError's is its message")
            #expect(error.underlying is DescribedProblem)
        }
        do {
            try await interpreter.run("print (;")
            Issue.record("should fail")
        } catch let error as CompileError {
            #expect(error.localizedDescription == "[line 1] Error at ';': Expect expression.")
        }
    }

    @Test func outputReachesAPipeInOrderWithTheHostsOwn() async throws {
        let result = try await ScrProcess.run(["output"], program: ScrProcess.embeddingProbe)
        #expect(result.stdout == "script 0\nscript 1\nscript 2\nhost after run\nscript again\n")
        #expect(result.status == 0)
    }

    @Test func aDroppedInterpreterWritesOutItsOutput() async throws {
        let result = try await ScrProcess.run(["dropped"], program: ScrProcess.embeddingProbe)
        #expect(result.stdout == "from a dropped interpreter\n")
    }

    /// A file read or a name resolution that blocks (on a FIFO) outlives its interpreter: the host
    /// stops and drops it, its executor's loop shuts down, and only then does the call end
    /// (EmbeddingProbe's "outlived-read" and "outlived-resolution"). Delivered on the loop that shut
    /// down, the outcome could never arrive: NIO said "Cannot schedule tasks on an EventLoop that has
    /// already shut down", and its debug build stopped the process on the promise left incomplete
    /// (the fuzzer met it with a `waitpid`, and with `net.connect` to a name).
    @Test(.timeLimit(.minutes(5)), arguments: ["outlived-read", "outlived-resolution"])
    func aBlockingCallThatOutlivesItsInterpreterEndsCleanly(_ mode: String) async throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("scr-fifo-\(UUID())").path
        try #require(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let result = try await ScrProcess.run([mode, fifo], mergingErrors: true,
                                              program: ScrProcess.embeddingProbe)
        #expect(result.stdout == "done\n")
        #expect(result.status == 0)
    }

    @Test func aREPLPutsBackTheHostsSignalDisposition() async throws {
        let result = try await ScrProcess.run(["ignored-interrupt"], stdin: "1 + 1\n",
                                              program: ScrProcess.embeddingProbe)
        #expect(result.stdout.hasSuffix("survived SIGINT\n"), "stdout: \(result.stdout)")
        #expect(result.status == 0)
    }
}


/// Errors that carry script values out to the host do not keep their interpreter alive.
struct ThrownValueReleaseTests {
    @Test func interpretersWhoseThrownErrorsTheHostDropsAreFreed() async throws {
        final class WeakExecutor: @unchecked Sendable { weak var value: ScriptExecutor? }
        // An uncaught instance of a script class reaches the host in the error. fuzz/run found such
        // interpreters never freed: the runtime's current task was the failed one, whose error holds
        // the instance, whose class's code refers back to the runtime.
        for round in 0..<100 {
            let weak = WeakExecutor()
            var thrown: ScrValue?
            do {
                let interpreter = Interpreter(output: { _ in }, errors: { _ in })
                weak.value = interpreter.executor
                do {
                    try await interpreter.run("""
                        class Overdrawn < Error { init(amount) { super.init("overdrawn"); this.amount = amount; } }
                        var keep = [];
                        for (var i = 0; i < 200; i = i + 1) keep.push([i, {"i": i}]);
                        throw Overdrawn(\(round));
                        """)
                } catch let error as ScriptError {
                    thrown = error.thrownValue
                }
            }
            #expect(thrown != nil)
            for _ in 0..<12_000 where weak.value != nil { try await Task.sleep(nanoseconds: 10_000_000) }
            #expect(weak.value == nil, "round \(round): the interpreter was not freed")
        }
    }
}

/// A host's interrupt reaches a spawned task that never yields when the host's input waits behind it.
struct RunawayTaskTests {
    @Test func interruptFreesAnInputHeldBehindARunawayTask() async throws {
        let output = EmbeddingTests.Output()
        let spinning = Atomic<Bool>(false)
        let interpreter = Interpreter(output: { output.write($0) }, errors: { output.write($0) }) { context in
            context.define("spinning") { _ in
                spinning.store(true, ordering: .sequentiallyConsistent)
                return .nil
            }
        }
        try await interpreter.run("""
            async fun spin() { await sleep(0.1); spinning(); while (true) {} }
            spawn(spin());
            """)
        while !spinning.load(ordering: .sequentiallyConsistent) { try await Task.sleep(nanoseconds: 10_000_000) }
        let input = Task { try await interpreter.evaluate("1 + 1") }
        // The input cannot start until the task gives the executor up: interrupt until it has (the
        // first interrupt may come before the input is under way).
        let done = Atomic<Bool>(false)
        let interrupter = Task {
            while !done.load(ordering: .sequentiallyConsistent) {
                interpreter.interrupt()
                try await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        #expect(try await input.value == 2)
        done.store(true, ordering: .sequentiallyConsistent)
        try await interrupter.value
        #expect(await interpreter.waitForTasks() == false, "the runaway task failed with the interrupt")
        #expect(output.value.contains("KeyboardInterrupt\n[line 1] in spin()"))
    }
}
