import Foundation
import Scr
import Synchronization
import Testing

/// The Swift embedding API, used as a host program would.
struct EmbeddingTests {
    /// Collects an interpreter's output.
    final class Output: Sendable {
        private let text = Mutex("")
        func write(_ s: String) { text.withLock { $0 += s } }
        var value: String { text.withLock { $0 } }
    }

    /// Collects the argument arrays a host function was given.
    final class Kept: Sendable {
        private let kept = Mutex<[[ScrValue]]>([])
        func append(_ arguments: [ScrValue]) { kept.withLock { $0.append(arguments) } }
        var arrays: [[ScrValue]] { kept.withLock { $0 } }
    }

    /// An interpreter whose output and errors go to one `Output`, as most tests here want.
    static func makeInterpreter() -> (Interpreter, Output) {
        let output = Output()
        return (Interpreter(output: { output.write($0) }, errors: { output.write($0) }), output)
    }


    @Test func runsSourceAndCapturesOutput() async throws {
        let (interpreter, output) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("print \"hello\"; print 1 + 2;")
        #expect(output.value == "hello\n3\n")
    }

    @Test func valuesGoBothWays() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        await interpreter.set("config", to: ["name": "svc", "ports": [80, 443], "debug": false])
        #expect(try await interpreter.evaluate("config[\"ports\"][1]") == 443)
        #expect(try await interpreter.evaluate("config[\"name\"] + \"!\"").string == "svc!")
        let list = try await interpreter.evaluate("[1, \"two\", nil, true]")
        #expect(list == [1, "two", nil, true])
        #expect(list.array?.count == 4)
        let map = try await interpreter.evaluate("{\"a\": 1.5, \"b\": [2]}")
        #expect(map.dictionary?["a"]?.double == 1.5)
        #expect(map.dictionary?["b"] == [2])
        try await interpreter.run("var answer = 6 * 7;")
        #expect(await interpreter.get("answer")?.int == 42)
        #expect(await interpreter.get("missing") == nil)
        let function = try await interpreter.evaluate("clock")
        guard case .function(let clock) = function else { Issue.record("\(function)"); return }
        #expect(clock.description == "<native fn>")
        try await interpreter.run("class Point {} var p = Point();")
        #expect(try await interpreter.evaluate("p") == .object(type: "Point", description: "Point instance"))
    }

    @Test func completionOffersKeywordsGlobalsAndMembers() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("var counter = 1; var config = {\"port\": 80}; var xs = [1];")
        #expect(await interpreter.completions(for: "br") == ["break"])
        #expect(await interpreter.completions(for: "cont") == ["continue"])
        #expect(await interpreter.completions(for: "cou") == ["counter"])
        #expect(await interpreter.completions(for: "xs.pu") == ["xs.push"])
    }

    @Test func completionListsBuiltinModuleMembersAndLibraryMethods() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("import \"math\" as math; var lock = Lock(); var s = \"x\"; var m = {};")
        #expect(await interpreter.completions(for: "math.fl") == ["math.floor"])
        #expect(await interpreter.completions(for: "math.to") == ["math.toFixed"])
        #expect(await interpreter.completions(for: "math.").count > 30)
        #expect(await interpreter.completions(for: "lock.") == ["lock.acquire", "lock.locked", "lock.release"])
        #expect(await interpreter.completions(for: "s.pad") == ["s.padEnd", "s.padStart"])
        #expect(await interpreter.completions(for: "m.me") == ["m.merge"])
        #expect(await interpreter.completions(for: "Sema") == ["Semaphore"])
    }

    @Test func hostFunctions() async throws {
        let (interpreter, output) = EmbeddingTests.makeInterpreter()
        await interpreter.define("add", arity: 2...2) { arguments in
            .number((arguments[0].double ?? 0) + (arguments[1].double ?? 0))
        }
        await interpreter.defineAsync("fetch", arity: 1...1) { arguments in
            try await Task.sleep(nanoseconds: 10_000_000)
            return .string("data for \(arguments[0].string ?? "?")")
        }
        #expect(try await interpreter.evaluate("add(2, 3)") == 5)
        try await interpreter.run("""
            async fun both() { return await gather(fetch("a"), fetch("b")); }
            print await both();
            """)
        #expect(output.value == "[\"data for a\", \"data for b\"]\n")
        await #expect(throws: ScriptError.self) { try await interpreter.evaluate("add(1)") }
    }

    @Test func hostObjects() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        let pings = Mutex(0)
        await interpreter.defineObject(
            "service", className: "Service", fields: ["requests": 0, "name": "api"],
            methods: ["ping": { _ in
                pings.withLock { $0 += 1 }
                return "pong"
            }])
        #expect(try await interpreter.evaluate("service.ping()") == "pong")
        try await interpreter.run("service.requests = service.requests + 10;")
        #expect(try await interpreter.evaluate("service.requests") == 10)
        #expect(try await interpreter.evaluate("service").description == "Service instance")
        #expect(pings.withLock { $0 } == 1)
    }

    @Test func errorsCarryMessageLineAndKind() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        do {
            _ = try await interpreter.evaluate("var x = 1;\nx + nil")
            Issue.record("expected an error")
        } catch let error as ScriptError {
            #expect(error.message == "Operands must be two numbers or two strings.")
            #expect(error.line == 2)
            #expect(error.kind == .runtime)
        }
        do {
            try await interpreter.run("print ;")
            Issue.record("expected a compile error")
        } catch let error as CompileError {
            #expect(error.description == "[line 1] Error at ';': Expect expression.")
        }
        await interpreter.define("fail") { _ in throw HostError("the host says no") }
        do {
            _ = try await interpreter.evaluate("fail()")
            Issue.record("expected an error")
        } catch let error as ScriptError {
            #expect(error.message == "the host says no")
        }
        #expect(try await interpreter.evaluate("try { fail(); } catch (e) { e.message; }") == nil)
        #expect(try await interpreter.evaluate("var m; try { fail(); } catch (e) { m = e.message; } m") == "the host says no")
    }

    @Test func errorsCarryTheirTracebackFileAndThrownValue() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scr-embed-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let main = directory.appendingPathComponent("main.scr").path
        try "import \"util.scr\";\nfun run() {\n  return half(nil);\n}\nrun();\n"
            .write(toFile: main, atomically: true, encoding: .utf8)
        try "fun half(x) {\n  return x / 2;\n}\n"
            .write(toFile: directory.appendingPathComponent("util.scr").path, atomically: true, encoding: .utf8)
        do {
            try await interpreter.runFile(main)
            Issue.record("expected an error")
        } catch let error as ScriptError {
            #expect(error.stack.map(\.function) == ["half", "run", "script"])
            #expect(error.stack.map(\.line) == [2, 3, 5])
            #expect(error.file == directory.appendingPathComponent("util.scr").path)
            #expect(error.errorClass == .typeError)
            #expect(error.thrownValue == nil)
            #expect(error.description == """
                Operands must be numbers.
                [line 2] in half() (util.scr)
                [line 3] in run()
                [line 5] in script
                """)
        }
        do {
            try await interpreter.run("throw {\"code\": 7};")
            Issue.record("expected an error")
        } catch let error as ScriptError {
            #expect(error.kind == .thrown)
            #expect(error.thrownValue == ["code": 7])
        }
    }

    @Test func concurrentCallersAreSerialized() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("var counter = 0;")
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    _ = try? await interpreter.evaluate("var before = counter; counter = before + 1;")
                }
            }
        }
        #expect(try await interpreter.evaluate("counter") == 100)
    }

    @Test func backgroundTasksRunBetweenCalls() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("""
            var ticks = 0;
            async fun tick() { while (true) { ticks = ticks + 1; await sleep(0.005); } }
            var ticker = spawn(tick());
            """)
        var ticks = 0.0
        for _ in 0..<100 where ticks <= 5 {
            try await Task.sleep(nanoseconds: 50_000_000)
            ticks = try await interpreter.evaluate("ticks").double ?? 0
        }
        #expect(ticks > 5, "the spawned task should run between calls")
        try await interpreter.run("ticker.cancel();")
    }

    @Test func interruptStopsARunawayLoop() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        let session = interpreter.makeSession()
        // One interrupt, early, even before the input's task exists.
        Task {
            try await Task.sleep(nanoseconds: 20_000_000)
            session.interrupt()
        }
        // And, so that a failure can never leave the loop spinning, more until the input ends.
        let finished = Mutex(false)
        let watchdog = Task {
            for _ in 0..<200 where !finished.withLock({ $0 }) {
                try await Task.sleep(nanoseconds: 500_000_000)
                session.interrupt()
            }
        }
        defer { watchdog.cancel() }
        do {
            _ = try await session.evaluate("while (true) {}")
            Issue.record("the loop should have been interrupted")
        } catch let error as ScriptError {
            #expect(error.kind == .interrupted)
        }
        finished.withLock { $0 = true }
        #expect(try await session.evaluate("1 + 1;") == "2")
    }

    /// An input that starts after its session ended (a remote client's last input, still queued when
    /// the client went away) is interrupted as it starts, not left to run.
    @Test func anEndedSessionInterruptsTheInputsThatStartAfterwards() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        let session = interpreter.makeSession()
        session.end()
        do {
            _ = try await session.evaluate("await sleep(100);")
            Issue.record("the input should have been interrupted")
        } catch let error as ScriptError {
            #expect(error.kind == .interrupted)
        }
        #expect(await interpreter.tasks().isEmpty)
        // Other sessions are not touched.
        #expect(try await interpreter.makeSession().evaluate("1 + 1;") == "2")
    }

    @Test func stopEndsEveryTaskWhateverTheScriptCatches() async throws {
        let (interpreter, output) = EmbeddingTests.makeInterpreter()
        Task {
            try await Task.sleep(nanoseconds: 50_000_000)
            interpreter.stop()
        }
        do {
            // The spawned tasks start when the top level ends, so the spinning one never lets it return.
            try await interpreter.run("""
                async fun spin() { while (true) { try { while (true) {} } catch (e) { print "caught"; } } }
                async fun sleeper() { try { await sleep(1000); } finally { await sleep(1000); } }
                async fun announce() { print "ran"; }
                fun announceNow() { print "ran"; }
                spawn(sleeper());
                spawn(spin());
                """)
            try await interpreter.run("while (true) { try { while (true) {} } catch (e) { print \"caught\"; } }")
            Issue.record("the loop should have been stopped")
        } catch let error as ScriptError {
            #expect(error.kind == .stopped)
            #expect(error.message == "Interpreter stopped.")
        }
        #expect(await interpreter.waitForTasks(), "stopped tasks end quietly")
        #expect(!output.value.contains("caught"), "a stop is not catchable")
        await #expect(throws: ScriptError.self) { try await interpreter.run("print 1;") }
        // Calls too, of async functions as of synchronous ones: nothing of them runs.
        for name in ["announce", "announceNow"] {
            await #expect(throws: ScriptError.self) { try await interpreter.call(name) }
        }
        #expect(output.value == "")
    }

    /// Executor threads alive in this process.
    private func threadCount() throws -> Int {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        return tasks.filter { task in
            let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            return name?.hasPrefix(ScriptExecutor.threadName) == true
        }.count
    }

    @Test func droppedInterpretersAreFreedWithWhatTheyRan() async throws {
        final class WeakExecutor: @unchecked Sendable { weak var value: ScriptExecutor? }
        for _ in 0..<20 {
            let executor = WeakExecutor()
            do {
                let interpreter = Interpreter(output: { _ in }, errors: { _ in })
                // A task asleep for 100 seconds must not keep the interpreter alive.
                try await interpreter.run("var a = [1]; async fun f() { await sleep(100); } spawn(f());")
                executor.value = interpreter.executor
            }
            // The executor goes last: after its thread and the runtime that holds it.
            for _ in 0..<500 where executor.value != nil {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            #expect(executor.value == nil)
        }
    }

    @Test func droppedInterpretersReleaseTheirThreads() async throws {
        // Other tests make interpreters meanwhile, hence the margin; 200 interpreters that kept their
        // threads would exceed it.
        let before = try threadCount()
        for _ in 0..<200 {
            let interpreter = Interpreter(output: { _ in }, errors: { _ in })
            try await interpreter.run("fun f() { return f; } var keep = f; class A { init() { this.me = this; } } var a = A();")
        }
        var after = try threadCount()
        for _ in 0..<100 where after > before + 40 {
            try await Task.sleep(nanoseconds: 50_000_000)
            after = try threadCount()
        }
        #expect(after <= before + 40, "threads before: \(before), after: \(after)")
    }
}
