import Foundation
import Scr
import ScrREPL
import Synchronization
import Testing

/// Looking inside a running program through a session's API (`.tasks`, `.enter`, `.pm`, `.inspect`
/// use it): await stacks, entering a suspended task's frame (held while entered), post-mortem frames,
/// closures. Each test runs on the specialised and on the generic nodes.
@Suite
struct InspectionTests {
    /// An interpreter whose printed lines are collected.
    final class Program: Sendable {
        let interpreter: Interpreter
        private let printed = Mutex<[String]>([])

        init(specialized: Bool) {
            let box = Printed()
            interpreter = Interpreter(output: { box.append($0) }, errors: { box.append($0) }, specializedNodes: specialized)
            box.owner = self
        }

        var lines: [String] { printed.withLock { $0 } }
        fileprivate func append(_ text: String) { printed.withLock { $0.append(contentsOf: text.split(separator: "\n").map(String.init)) } }

        /// Waits (on events, with a generous limit) until a printed line satisfies `test`.
        func waitFor(_ test: (String) -> Bool) async -> Bool {
            for _ in 0..<6000 {
                if lines.contains(where: test) { return true }
                try? await Task.sleep(nanoseconds: 10_000_000)
            }
            return false
        }
    }

    private final class Printed: @unchecked Sendable {
        weak var owner: Program?
        func append(_ text: String) { owner?.append(text) }
    }

    /// Runs one REPL input, as the REPL completes it (a final `;` may be left out).
    @discardableResult
    private func run(_ session: ScrSession, _ source: String) async throws -> String? {
        guard case .complete(let complete) = Scr.Input.classify(source) else {
            Issue.record("incomplete input: \(source)")
            return nil
        }
        return try await session.evaluate(complete)
    }

    /// Runs `source` in a session and returns the session, with the task it spawned suspended.
    private func start(_ source: String, specialized: Bool) async throws -> (Program, ScrSession) {
        let program = Program(specialized: specialized)
        let session = program.interpreter.makeSession()
        try await run(session, source)
        return (program, session)
    }

    /// The id of the one spawned task, once it waits at an await inside `function`.
    private func waitingTask(_ interpreter: Interpreter, in function: String) async -> TaskSummary? {
        for _ in 0..<6000 {
            if let task = await interpreter.tasks().first(where: { $0.isBackground && $0.frames.first?.function == function && $0.waitingLine != nil }) {
                return task
            }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return nil
    }

    static let sleeper = """
        var done = false; var go = false;
        fun makeAdder(step) { return fun (x) { return x + step; }; }
        async fun fetch(url, retries) {
          var attempts = 1;
          var add = makeAdder(10);
          var seen = [];
          var handler = fun () { attempts = attempts + 1; return attempts; };
          while (!go) { await sleep(0.01); }
          print "after: " + url + " " + str(attempts) + " " + str(retries) + " " + str(seen);
          return handler();
        }
        async fun worker(name) {
          var label = "w-" + name;
          var result = await fetch("http://" + name, 3);
          print "result: " + str(result) + " " + label;
          done = true;
        }
        spawn(worker("a"));
        """

    @Test(arguments: [true, false])
    func tasksShowTheAwaitStackWithVariables(specialized: Bool) async throws {
        let (program, session) = try await start(InspectionTests.sleeper, specialized: specialized)
        let task = try #require(await waitingTask(program.interpreter, in: "fetch"))
        #expect(task.frames.map(\.function) == ["fetch", "worker"])
        #expect(task.frames.map(\.line) == [8, 14])
        #expect(task.state.hasPrefix("waiting at line 8 on sleep ("), "\(task.state)")
        let variables = task.frames[0].variables
        #expect(variables.map(\.name) == ["url", "retries", "attempts", "add", "seen", "handler"])
        #expect(variables.first { $0.name == "url" }?.value == "\"http://a\"")
        #expect(variables.first { $0.name == "attempts" }?.value == "1")
        #expect(task.frames[1].variables.map { "\($0.name) = \($0.value)" } == ["name = \"a\"", "label = \"w-a\"", "result = nil"])
        let text = await session.describe(task: task.id)
        #expect(text.contains("0  <input>:8 in fetch()"))
        try await run(session, "go = true")
        #expect(text.contains("1  <input>:14 in worker()"))
        #expect(text.contains("retries = 3"))
    }

    @Test(arguments: [true, false])
    func enteringHoldsTheTaskAndChangesWriteThrough(specialized: Bool) async throws {
        let (program, session) = try await start(InspectionTests.sleeper, specialized: specialized)
        let task = try #require(await waitingTask(program.interpreter, in: "fetch"))
        let entered = try await session.enter(task: task.id)
        #expect(entered.contains("frame 0 of 2: <input>:8 in fetch()"))
        #expect(session.prompt == "task \(task.id) fetch()>>> ")
        #expect(try await run(session, "attempts") == "1")
        // A local that a closure captured (boxed), a plain slot, a parameter, a list changed in place.
        try await run(session, "attempts = 41")
        try await run(session, "retries = 7")
        try await run(session, "seen.push(\"x\")")
        // The task's loop may end now, but it is held: it must not print until the session leaves.
        try await run(session, "go = true")
        try await run(session, "await sleep(0.3)")
        #expect(!program.lines.contains { $0.hasPrefix("after:") })
        #expect(await program.interpreter.tasks().first { $0.id == task.id }?.isHeld == true)
        // Outward: the caller's frame.
        #expect(try await session.move(outward: 1).contains("frame 1 of 2: <input>:14 in worker()"))
        #expect(session.prompt == "task \(task.id) worker()>>> ")
        try await run(session, "label = \"changed\"")
        await #expect(throws: InspectionError.self) { try await session.move(outward: 1) }
        #expect(try await session.move(outward: -1).contains("fetch()"))
        #expect(await session.leave() == "Left task #\(task.id); it goes on.\n")
        #expect(session.prompt == ">>> ")
        #expect(await program.waitFor { $0 == "result: 42 changed" })
        #expect(program.lines.contains("after: http://a 41 7 [\"x\"]"))
    }

    @Test(arguments: [true, false])
    func postMortemKeepsTheValuesAtTheRaise(specialized: Bool) async throws {
        let program = Program(specialized: specialized)
        let session = program.interpreter.makeSession()
        try await run(session, """
            fun divide(total, parts) {
              var share = total / parts;
              { var inner = share * 2; return inner + missing; }
            }
            async fun job(n) { var local = n * 10; return divide(local, 4); }
            spawn(job(3));
            """)
        #expect(await program.waitFor { $0.hasPrefix("Undefined variable 'missing'") })
        let text = try await session.enterPostMortem()
        #expect(text.contains("Frame 0 of 2: <input>:3 in divide()"))
        #expect(text.contains("share = 7.5"))
        #expect(text.contains("inner = 15"))
        #expect(session.prompt == "pm divide()>>> ")
        #expect(try await run(session, "total + parts") == "34")
        #expect(try await session.move(outward: 1).contains("local = 30"))
        #expect(try await run(session, "n") == "3")
        await session.leave()
        // An error a `catch` handled keeps nothing, and does not replace the last uncaught one.
        try await run(session, "try { divide(1, 1); } catch (e) {}")
        #expect(try await session.enterPostMortem().contains("divide()"))
        await session.leave()
        // The session's own next uncaught error replaces it.
        await #expect(throws: ScriptError.self) { try await run(session, "fun twice(v) { return v.nope; } twice(5)") }
        #expect(try await session.enterPostMortem().contains("v = 5"))
    }

    /// Frames of plain calls (no boxes: `FunctionCode.plainArity`) around a frame with boxes: each keeps
    /// its values, the boxed one its box's, and the box stack is whole afterwards.
    @Test(arguments: [true, false])
    func postMortemThroughPlainAndBoxedFrames(specialized: Bool) async throws {
        let program = Program(specialized: specialized)
        let session = program.interpreter.makeSession()
        await #expect(throws: ScriptError.self) {
            try await run(session, """
                fun leaf(x) { var y = x + 1; return y.nope; }
                fun middle(m) { var kept = m * 2; fun see() { return kept; } kept = kept + 1; return leaf(kept) + see(); }
                fun top(t) { var u = t; return middle(u); }
                top(5)
                """)
        }
        let text = try await session.enterPostMortem()
        #expect(text.contains("Frame 0 of 4: <input>:1 in leaf()"), "\(text)")
        #expect(try await run(session, "y") == "12")
        #expect(try await session.move(outward: 1).contains("in middle()"))
        #expect(try await run(session, "[m, kept, see()]") == "[5, 11, 11]")
        #expect(try await session.move(outward: 1).contains("in top()"))
        #expect(try await run(session, "u") == "5")
        await session.leave()
        #expect(try await run(session, "fun again() { var a = 1; fun g() { return a; } a = 2; return g(); } again()") == "2")
    }

    /// An error raised while a call's arguments are evaluated never entered the called function: the
    /// kept frames are the raising function's and its callers', not the call's half-made one.
    @Test(arguments: [true, false])
    func postMortemSkipsACallWhoseArgumentsFailed(specialized: Bool) async throws {
        let program = Program(specialized: specialized)
        let session = program.interpreter.makeSession()
        await #expect(throws: ScriptError.self) {
            try await run(session, """
                fun outer(a) { var b = a + 1; return inner(raiser(b)); }
                fun inner(x) { var y = 1; return x; }
                fun raiser(r) { var z = r * 2; return z.field; }
                outer(1)
                """)
        }
        let text = try await session.enterPostMortem()
        #expect(text.contains("Frame 0 of 3: <input>:3 in raiser()"), "\(text)")
        #expect(try await run(session, "z") == "4")
        #expect(try await session.move(outward: 1).contains("Frame 1 of 3: <input>:1 in outer()"))
        #expect(try await run(session, "b") == "2")
        #expect(try await session.move(outward: 1).contains("<input>:4 in <input>"))
    }

    @Test(arguments: [true, false])
    func enteringAClosureChangesWhatItCaptured(specialized: Bool) async throws {
        let program = Program(specialized: specialized)
        let session = program.interpreter.makeSession()
        try await run(session, """
            fun makeCounter(start) {
              var count = start;
              var unused = 1;
              fun bump() { count = count + 1; return count + start; }
              return bump;
            }
            var counter = makeCounter(100)
            """)
        let described = try await session.describe(function: "counter")
        #expect(described.contains("count = 100"))
        #expect(described.contains("start = 100"))
        #expect(!described.contains("unused"))
        _ = try await session.enter(function: "counter")
        #expect(session.prompt == "closure bump()>>> ")
        try await run(session, "count = 5")
        // `start`, which nothing assigns, is captured by value: assigning it changes the closure's copy.
        try await run(session, "start = 1000")
        await session.leave()
        #expect(try await run(session, "counter()") == "1006")
        await #expect(throws: InspectionError.self) { try await session.enter(function: "clock") }
        await #expect(throws: InspectionError.self) { try await session.enter(task: 999) }
    }

    @Test func completionSeesTheEnteredFrame() async throws {
        let (program, session) = try await start(InspectionTests.sleeper, specialized: true)
        let task = try #require(await waitingTask(program.interpreter, in: "fetch"))
        #expect(await session.completions(for: "atte") == [])
        try await session.enter(task: task.id)
        #expect(await session.completions(for: "atte") == ["attempts"])
        #expect(await session.completions(for: "seen.pu") == ["seen.push"])
        await session.leave()
        try await run(session, "go = true")
    }

    /// Every way a variable can live — a parameter or a local, in the function's block or a nested
    /// one, captured by an inner closure or not, captured from an enclosing function — read and
    /// written from an entered frame, on both node sets: each combination is a generated program.
    @Test(arguments: [true, false])
    func everyKindOfVariableReadsAndWritesThrough(specialized: Bool) async throws {
        struct Shape {
            let declaration: String
            let captured: Bool
        }
        let shapes = [Shape(declaration: "parameter", captured: false), Shape(declaration: "parameter", captured: true),
                      Shape(declaration: "local", captured: false), Shape(declaration: "local", captured: true),
                      Shape(declaration: "nested", captured: false), Shape(declaration: "nested", captured: true),
                      Shape(declaration: "outer", captured: true)]
        for (index, shape) in shapes.enumerated() {
            let program = Program(specialized: specialized)
            let session = program.interpreter.makeSession()
            let use = shape.captured ? "var peek = fun () { return v; };" : ""
            let wait = "while (!go) { await sleep(0.01); }"
            try await run(session, "var go = false")
            let body: String
            switch shape.declaration {
            case "parameter": body = "async fun f(v) { \(use) \(wait) print \"v=\" + str(v); }\nspawn(f(1));"
            case "local": body = "async fun f() { var v = 1; \(use) \(wait) print \"v=\" + str(v); }\nspawn(f());"
            case "nested": body = "async fun f() { var w = 0; { var v = 1; \(use) \(wait) print \"v=\" + str(v); } }\nspawn(f());"
            default: body = "fun outer() { var v = 1; return async fun () { \(wait) print \"v=\" + str(v); }; }\nvar f = outer();\nspawn(f());"
            }
            try await run(session, body)
            let task = try #require(await waitingTask(program.interpreter, in: shape.declaration == "outer" ? "<fn>" : "f"),
                                    "shape \(index)")
            try await session.enter(task: task.id)
            #expect(try await run(session, "v") == "1", "shape \(index): \(shape)")
            try await run(session, "v = \(index + 10)")
            try await run(session, "go = true")
            await session.leave()
            #expect(await program.waitFor { $0 == "v=\(index + 10)" }, "shape \(index): \(shape) printed \(program.lines)")
        }
    }

    /// Long values echo abbreviated, each list and map at 100 elements and strings at 10,000
    /// characters; `.full` (`fullValue`) shows the last one whole.
    @Test func echoIsAbbreviatedAndFullShowsAll() async throws {
        let program = Program(specialized: true)
        let session = program.interpreter.makeSession()
        try await run(session, "var xs = []; for (var i = 0; i < 10000; i = i + 1) xs.push(i);")
        let echoed = try #require(try await run(session, "{\"k\": xs, \"short\": [1, 2]}"))
        #expect(echoed.hasPrefix("{\"k\": [0, 1, 2, "))
        #expect(echoed.hasSuffix(", 98, 99, … 9,900 more], \"short\": [1, 2]}"))
        let full = await session.fullValue()
        #expect(full.hasSuffix(", 9998, 9999], \"short\": [1, 2]}\n"))
        #expect(try await run(session, "len(_[\"k\"])") == "10000")
        let long = try #require(try await run(session, "\"ab\".repeat(6000)"))
        #expect(long.hasSuffix("ab\"… 2,000 more characters"))
        #expect(long.count == 10_000 + 2 + "… 2,000 more characters".count)
        #expect(try await run(session, "[]") == "[]")
        #expect(try await run(session, "[1, [2, [3]]]") == "[1, [2, [3]]]")
    }

    /// Lines typed into a REPL, for a test: no terminal.
    final class ScriptedReader: LineReader, @unchecked Sendable {
        private let lines: Mutex<[String]>
        let written = Mutex("")

        init(_ lines: [String]) { self.lines = Mutex(lines) }

        func readLine(prompt: String) async -> LineReaderResult {
            write(prompt)
            return lines.withLock { $0.isEmpty ? .endOfInput : .line($0.removeFirst()) }
        }

        func write(_ text: String) { written.withLock { $0 += text } }
        func cancelLine() -> Bool { false }
        func addHistory(_ entry: String) {}
        func recentHistory(_ count: Int) -> [String] { [] }
        func close() {}
    }

    /// `.exit` while a frame is entered (a REPL opened by `await repl()`, or a host's): the REPL
    /// leaves the frame on its way out, so the task it held goes on.
    @Test func leavingTheREPLReleasesTheHeldTask() async throws {
        let (program, session) = try await start(InspectionTests.sleeper, specialized: true)
        let task = try #require(await waitingTask(program.interpreter, in: "fetch"))
        let reader = ScriptedReader([".enter \(task.id)", "attempts = 5", "go = true", ".exit"])
        await REPL(backend: LocalBackend(session: session), reader: reader).run()
        #expect(reader.written.withLock { $0 }.contains("task \(task.id) fetch()>>> "))
        // The task prints once released: to the REPL if it still shows output then, else the program's.
        var printed = false
        for _ in 0..<6000 where !printed {
            printed = reader.written.withLock { $0 }.contains("after: http://a 5")
                || program.lines.contains { $0.hasPrefix("after: http://a 5") }
            if !printed { try await Task.sleep(nanoseconds: 10_000_000) }
        }
        #expect(printed, "\(program.lines) \(reader.written.withLock { $0 })")
    }
}
