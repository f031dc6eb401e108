import Foundation
import Scr
import Synchronization
import Testing

/// Calling script functions from Swift: by name, and through handles to functions that reached the
/// host (issue 20's API v2).
struct EmbeddingCallTests {
    @Test func callsAGlobalFunctionByName() async throws {
        let (interpreter, output) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("""
            fun greet(name) { print "hello " + name; return len(name); }
            async fun later(x) { await sleep(0); return x * 2; }
            class Point { init(x) { this.x = x; } }
            """)
        #expect(try await interpreter.call("greet", "Ann") == 3)
        #expect(output.value == "hello Ann\n")
        #expect(try await interpreter.call("later", 21) == 42, "an async function's result is awaited")
        #expect(try await interpreter.call("len", ["a", "b"]) == 2, "natives too")
        let point = try await interpreter.call("Point", 5)
        guard case .object(let type, _) = point else { Issue.record("\(point)"); return }
        #expect(type == "Point")
    }

    @Test func callErrorsAreScriptErrors() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("fun two(a, b) { return a / b; } fun boom() { throw \"boom\"; }")
        await #expect(throws: ScriptError.self) { try await interpreter.call("missing") }
        do {
            try await interpreter.call("two", 1)
            Issue.record("wrong arity should throw")
        } catch let error as ScriptError {
            #expect(error.message == "Expected 2 arguments but got 1.")
            #expect(error.errorClass == .typeError)
        }
        do {
            try await interpreter.call("boom")
            Issue.record("a throw should reach the host")
        } catch let error as ScriptError {
            #expect(error.thrownValue == "boom")
            #expect(error.stack.first?.function == "boom")
        }
        #expect(try await interpreter.call("two", 6, 3) == 2)
    }

    @Test func aCallbackPassedToTheHostCanBeCalledLater() async throws {
        let (interpreter, output) = EmbeddingTests.makeInterpreter()
        let saved = Mutex<ScrFunction?>(nil)
        await interpreter.define("onEvent", arity: 1...1) { arguments in
            guard case .function(let callback) = arguments[0] else { throw HostError("onEvent takes a function") }
            saved.withLock { $0 = callback }
            return .nil
        }
        try await interpreter.run("""
            var count = 0;
            fun make(prefix) {
              return fun(event) { count = count + 1; print prefix + event; return count; };
            }
            onEvent(make("got "));
            """)
        let callback = try #require(saved.withLock { $0 })
        #expect(callback.description == "<fn>")
        // From another task, later, twice: the closure keeps what it captured.
        let results = try await Task.detached {
            [try await callback.call("a"), try await callback.call(arguments: ["b"])]
        }.value
        #expect(results == [1, 2])
        #expect(output.value == "got a\ngot b\n")
        // Passed back in, it is the same function.
        await interpreter.set("again", to: .function(callback))
        #expect(try await interpreter.evaluate("again(\"c\")") == 3)
        #expect(await interpreter.get("again") == .function(callback), "handles to one function are equal")
    }

    @Test func functionsComeOutAsHandlesEverywhere() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("""
            class Counter { init() { this.n = 0; } bump() { this.n = this.n + 1; return this.n; } }
            var c = Counter();
            var handlers = {"bump": c.bump, "len": len};
            """)
        let handlers = try #require(try await interpreter.evaluate("handlers").dictionary)
        guard case .function(let bump)? = handlers["bump"], case .function(let length)? = handlers["len"] else {
            Issue.record("\(handlers)"); return
        }
        #expect(try await bump.call() == 1)
        #expect(try await bump.call() == 2, "a bound method keeps its receiver")
        #expect(try await length.call("abc") == 3)
        #expect(bump.description == "<fn bump>")
        #expect(try await interpreter.evaluate("c.n") == 2)
    }

    @Test func aHandleOutlivingItsInterpreterThrows() async throws {
        var handle: ScrFunction?
        do {
            let (interpreter, _) = EmbeddingTests.makeInterpreter()
            try await interpreter.run("fun f() { return 1; }")
            guard case .function(let f)? = await interpreter.get("f") else { Issue.record("no handle"); return }
            handle = f
            #expect(try await f.call() == 1)
        }
        for _ in 0..<500 {
            do {
                _ = try await handle?.call()
                try await Task.sleep(nanoseconds: 10_000_000)
            } catch let error as ScriptError {
                #expect(error.kind == .stopped)
                return
            }
        }
        Issue.record("a call after the interpreter went should throw")
    }

    @Test func aREPLInAClosureSeesEveryVariableItCanSee() async throws {
        // `q` and `unused` are never named before the `await repl()`; `unused` never at all.
        let result = try await ScrProcess.run(["-c", """
            fun make(p) {
              var q = "q";
              var unused = "u";
              async fun h() {
                var seen = p;
                await repl();
                print p + q;
              }
              return h;
            }
            await make("p")();
            {
              var outer = "o";
              async fun inner() { var own = 1; await repl(); }
              await inner();
            }
            """], stdin: "q + unused\nq = \"Q\"\n.exit\nouter + str(own)\n")
        #expect(result.stdout.contains("\"qu\""), "\(result.stdout)")
        #expect(result.stdout.contains("pQ\n"), "an assignment at the prompt writes through")
        #expect(result.stdout.contains("\"o1\""), "\(result.stdout)")
        #expect(result.stderr == "", "\(result.stderr)")
    }
}

/// Host functions that get the interpreter's context, and synchronous setup.
struct ScrContextTests {
    @Test func setupDefinesSynchronouslyAndContextFunctionsCallBack() async throws {
        let output = EmbeddingTests.Output()
        let interpreter = Interpreter(output: { output.write($0) }, errors: { _ in }) { context in
            context.set("limit", to: 3)
            context.define("double", arity: 1...1) { arguments in .number((arguments[0].double ?? 0) * 2) }
            // A host function that calls a script callback synchronously, as `map` would.
            context.define("each", arity: 2...2) { context, arguments in
                guard case .list(let items) = arguments[0], case .function(let callback) = arguments[1] else {
                    throw HostError("each(list, function)")
                }
                var results: [ScrValue] = []
                for item in items { results.append(try context.call(callback, item)) }
                context.write("each: \(items.count) items\n")
                return .list(results)
            }
            context.define("limitFromContext", arity: 0...0) { context, _ in context.get("limit") ?? .nil }
        }
        #expect(try await interpreter.evaluate("each([1, 2, 3], fun (x) { return double(x) + limit; })") == [5, 7, 9])
        #expect(output.value == "each: 3 items\n")
        try await interpreter.run("limit = 10;")
        #expect(try await interpreter.evaluate("limitFromContext()") == 10)
        // An error in the callback reaches the script with its traceback, catchable there.
        #expect(try await interpreter.evaluate("""
            var seen;
            try { each([1], fun (x) { return x / "0"; }); } catch (e: TypeError) { seen = e.message; }
            seen
            """) == "Operands must be numbers.")
    }

    @Test func aContextFunctionDoesNotKeepTheInterpreterAlive() async throws {
        final class WeakInterpreter: @unchecked Sendable { weak var value: Interpreter? }
        let weak = WeakInterpreter()
        do {
            let interpreter = Interpreter(output: { _ in }, errors: { _ in })
            await interpreter.define("answer", arity: 0...0) { context, _ in context.get("base") ?? 0 }
            try await interpreter.run("var base = 41; print answer() + 1;")
            weak.value = interpreter
        }
        #expect(weak.value == nil)
    }
}

/// A host task that prefers the interpreter's executor calls without a hop.
struct OnExecutorCallTests {
    @Test func callsGetsAndSetsFromATaskOnTheExecutor() async throws {
        let output = EmbeddingTests.Output()
        let interpreter = Interpreter(output: { output.write($0) }, errors: { output.write($0) })
        try await interpreter.run("""
            var total = 0;
            fun add(n) { total = total + n; print "added " + str(n); return total; }
            fun fail() { return nil + 1; }
            async fun later(x) { await sleep(0); return x * 2; }
            """)
        let results = try await Task(executorPreference: interpreter.taskExecutor) {
            var sums: [ScrValue] = []
            for i in 1...3 { sums.append(try await interpreter.call("add", .number(Double(i)))) }
            await interpreter.set("total", to: 100)
            sums.append(await interpreter.get("total") ?? .nil)
            sums.append(try await interpreter.call("later", 21))  // async: the usual way, from here too
            do {
                try await interpreter.call("fail")
            } catch let error as ScriptError {
                sums.append(.string(error.message))
            }
            return sums
        }.value
        #expect(results == [1, 3, 6, 100, 42, "Operands must be two numbers or two strings."])
        #expect(output.value == "added 1\nadded 2\nadded 3\n")
        #expect(try await interpreter.call("add", 1) == 101, "and from elsewhere, as before")
    }
}

/// A host thread that may block calls in synchronously.
struct BlockingCallTests {
    @Test func aPlainThreadCallsAndWaits() async throws {
        let output = EmbeddingTests.Output()
        let interpreter = Interpreter(output: { output.write($0) })
        try await interpreter.run("""
            var calls = 0;
            fun add(a, b) { calls = calls + 1; print "adding"; return a + b; }
            fun fail() { return nil + 1; }
            async fun later() { return 1; }
            """)
        let results: [String] = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var seen: [String] = []
                for i in 0..<100 { seen.append("\((try? interpreter.callBlocking("add", .number(Double(i)), 1)) ?? .nil)") }
                for name in ["fail", "later", "missing"] {
                    do {
                        _ = try interpreter.callBlocking(name)
                    } catch let error as ScriptError {
                        seen.append(error.message)
                    } catch {
                        seen.append("\(error)")
                    }
                }
                continuation.resume(returning: seen)
            }
        }
        #expect(Array(results.prefix(100)) == (1...100).map { "\($0)" })
        #expect(Array(results.dropFirst(100)) == [
            "Operands must be two numbers or two strings.",
            "'later' is not a synchronous function: call it with `call`.",
            "'missing' is not a synchronous function: call it with `call`.",
        ])
        #expect(try await interpreter.get("calls", as: Int.self) == 100)
        #expect(output.value == String(repeating: "adding\n", count: 100))
    }
}

/// Calls from other threads: one plain job on the executor runs a synchronous function inline or
/// starts an async one in a task, whichever the callee turns out to be (docs/embedding.md, "Speed").
struct CrossThreadCallTests {
    @Test func manyTasksCallSynchronousAndAsyncFunctionsAtOnce() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("""
            var calls = 0;
            fun add(a, b) { calls = calls + 1; return a + b; }
            async fun later(x) { await sleep(0); calls = calls + 1; return x * 2; }
            fun fail(x) { throw "bad " + str(x); }
            """)
        let results = try await withThrowingTaskGroup(of: [Double].self) { group in
            for t in 0..<8 {
                group.addTask {
                    var seen: [Double] = []
                    for i in 0..<200 {
                        let n = Double(t * 1000 + i)
                        seen.append(try await interpreter.call("add", .number(n), 1).double ?? -1)
                        if i % 10 == 0 { seen.append(try await interpreter.call("later", .number(n)).double ?? -1) }
                        if i % 50 == 0 {
                            do {
                                try await interpreter.call("fail", .number(n))
                                seen.append(-1)
                            } catch let error as ScriptError {
                                seen.append(error.thrownValue == .string("bad \(Int(n))") ? -2 : -1)
                            }
                        }
                    }
                    return seen
                }
            }
            var all: [[Double]] = []
            for try await seen in group { all.append(seen) }
            return all
        }
        #expect(results.count == 8)
        for seen in results {
            let t = Double(Int(seen[0] - 1) / 1000 * 1000)
            var expected: [Double] = []
            for i in 0..<200 {
                expected.append(t + Double(i) + 1)
                if i % 10 == 0 { expected.append((t + Double(i)) * 2) }
                if i % 50 == 0 { expected.append(-2) }
            }
            #expect(seen == expected)
        }
        #expect(try await interpreter.get("calls", as: Int.self) == 8 * (200 + 20))
    }

    /// Cancelling a task that waits for a synchronous function running inline interrupts it, and the
    /// interpreter goes on serving calls.
    @Test func cancellingACrossThreadCallInterruptsIt() async throws {
        let started = Atomic<Bool>(false)
        let interpreter = Interpreter(output: { _ in }) { context in
            context.define("ready") { _ in
                started.store(true, ordering: .releasing)
                return .nil
            }
        }
        try await interpreter.run("fun spin() { ready(); while (true) {} } fun add1(x) { return x + 1; }")
        let call = Task { try await interpreter.call("spin") }
        while !started.load(ordering: .acquiring) { try await Task.sleep(nanoseconds: 1_000_000) }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(try await interpreter.call("add1", 1) == 2)
    }

    /// A host function that keeps its argument array keeps its own copy: the array the interpreter
    /// reuses between calls (`HostArguments`) does not change under it.
    @Test func aHostFunctionKeepsItsArgumentsAsTheyWere() async throws {
        let kept = EmbeddingTests.Kept()
        let interpreter = Interpreter(output: { _ in }) { context in
            context.define("keep") { arguments in
                kept.append(arguments)
                return .nil
            }
            context.define("again", arity: 1...1) { context, arguments in
                // Re-entering the same host function while its array is out makes a new one.
                guard case .function(let callback) = arguments[0] else { return .nil }
                return try context.call(callback)
            }
        }
        try await interpreter.run("""
            for (var i = 0; i < 5; i = i + 1) keep(i, "x" + str(i));
            keep(again(fun () { keep("inner"); return 1; }), "outer");
            """)
        #expect(kept.arrays == (0..<5).map { [.number(Double($0)), .string("x\($0)")] } + [["inner"], [1, "outer"]])
    }
}

/// A thrown value reaches the host as a copy made on the executor, whichever way the error left it.
struct ThrownValueCopyTests {
    @Test func thrownValuesAreCopiedOnEveryWayOut() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("""
            fun boom() { throw [1, "two", {"k": nil}]; }
            async fun later() { await sleep(0); boom(); }
            """)
        let expected: ScrValue = [1, "two", ["k": nil]]
        var seen: [ScrValue?] = []
        for attempt in [{ try await interpreter.call("boom") }, { try await interpreter.call("later") },
                        { try await interpreter.evaluate("boom()") }] as [@Sendable () async throws -> ScrValue] {
            do { _ = try await attempt() } catch let error as ScriptError { seen.append(error.thrownValue) }
        }
        seen.append(try await Task(executorPreference: interpreter.taskExecutor) {
            do { _ = try await interpreter.call("boom") } catch let error as ScriptError { return error.thrownValue }
            return nil
        }.value)
        seen.append(await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do { _ = try interpreter.callBlocking("boom") } catch let error as ScriptError {
                    return continuation.resume(returning: error.thrownValue)
                } catch {}
                continuation.resume(returning: nil)
            }
        })
        #expect(seen == Array(repeating: expected, count: 5))
    }
}
