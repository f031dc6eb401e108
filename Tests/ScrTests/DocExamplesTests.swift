import Foundation
import Scr
import ScrREPL
import Synchronization
import Testing

/// Every Swift example of docs/embedding.md, verbatim, compiled here — and run, with what the
/// document says it does checked. `docsShowOnlyExamplesThatAreHere` fails when the document has an
/// example this file does not (copy it in).
struct DocExamplesTests {
    /// Where the examples' `log` writes.
    final class Log: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ text: String) { lines.withLock { $0.append(text) } }
    }

    @Test func docsShowOnlyExamplesThatAreHere() throws {
        let here = URL(fileURLWithPath: #filePath)
        let docs = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/embedding.md")
        let document = try String(contentsOf: docs, encoding: .utf8)
        let source = normalized(try String(contentsOf: here, encoding: .utf8))
        var examples: [String] = []
        var current: [Substring]?
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```swift" {
                current = []
            } else if current != nil, line == "```" {
                examples.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        #expect(examples.count >= 10)
        for example in examples {
            #expect(source.contains(normalized(example)), "not in DocExamplesTests.swift:\n\(example)")
        }
    }

    private func normalized(_ text: String) -> String {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: "\n")
    }

    @Test func theInterpreter() async throws {
        let log = Log()
        let interpreter = Interpreter()                  // print goes to stdout
        let quiet = Interpreter(output: { text in log.append(text) },
                                errors: { text in log.append(text) })
        try await quiet.run("print 1;")
        #expect(try await interpreter.evaluate("1 + 1") == 2)
    }

    @Test func values() async throws {
        let interpreter = Interpreter(output: { _ in })
        await interpreter.set("config", to: ["name": "svc", "ports": [80, 443], "debug": false])
        let port = try await interpreter.evaluate("config[\"ports\"][0]").int   // 80
        #expect(port == 80)
    }

    struct Limits: Codable {
        var cpu: Int
        var hosts: [String]
    }

    @Test func conversions() async throws {
        let interpreter = Interpreter(output: { _ in })
        await interpreter.set("port", to: 8080)
        try await interpreter.set("limits", encoding: Limits(cpu: 2, hosts: ["a"]))
        try await interpreter.run("port = port + 1; limits[\"hosts\"].push(\"b\");")
        let newPort = try await interpreter.get("port", as: Int.self)                 // 8081
        let limits = try await interpreter.get("limits", decoding: Limits.self)       // hosts ["a", "b"]
        #expect(newPort == 8081)
        #expect(limits.hosts == ["a", "b"])
    }

    @Test func callingScriptFunctions() async throws {
        let output = EmbeddingTests.Output()
        let interpreter = Interpreter(output: { output.write($0) })
        try await interpreter.run("fun greet(name) { return \"hello \" + name; }")
        let text = try await interpreter.call("greet", "Ann")        // "hello Ann"

        let handlers = Mutex<[ScrFunction]>([])
        await interpreter.define("onEvent", arity: 1...1) { args in
            if case .function(let callback) = args[0] { handlers.withLock { $0.append(callback) } }
            return .nil
        }
        try await interpreter.run("onEvent(fun (what) { print \"event: \" + what; });")
        for callback in handlers.withLock({ $0 }) { try await callback.call("started") }
        #expect(text == "hello Ann")
        #expect(output.value == "event: started\n")
    }

    @Test func hostFunctions() async throws {
        let interpreter = Interpreter(output: { _ in })
        await interpreter.define("sum", arity: 1...255) { args in
            .number(args.compactMap(\.double).reduce(0, +))
        }
        await interpreter.define("add") { (a: Double, b: Double) in a + b }
        await interpreter.define("repeatText") { (text: String, times: Int) in String(repeating: text, count: times) }
        await interpreter.defineAsync("fetchName") { (id: Int) async throws in
            try await Task.sleep(nanoseconds: 1_000_000)  // ask a database
            return "user \(id)"
        }
        #expect(try await interpreter.evaluate("sum(1, 2, 3) + add(1, 2)") == 9)
        #expect(try await interpreter.evaluate("repeatText(\"ab\", 2) + await fetchName(7)") == "ababuser 7")
    }

    @Test func contextFunctionsAndSetup() async throws {
        let scripted = Interpreter { context in
            context.set("limit", to: 3)
            context.define("each", arity: 2...2) { context, args in
                guard case .list(let items) = args[0], case .function(let callback) = args[1] else {
                    throw HostError("each(list, function)", class: .typeError)
                }
                return .list(try items.map { try context.call(callback, $0) })
            }
        }
        #expect(try await scripted.evaluate("each([1, 2], fun (x) { return x + limit; })") == [4, 5])
    }

    final class Radiator: ScrExported, @unchecked Sendable {  // used by one thread at a time
        var target = 20.0
        static let scrMembers = ScrMembers<Radiator>("Radiator")
            .property("target", get: { $0.target }, set: { radiator, value in
                guard (5...30).contains(value) else { throw HostError("out of range", class: .valueError) }
                radiator.target = value
            })
            .method("adjust") { (radiator, by: Double) in
                radiator.target += by
                return radiator.target
            }
    }

    @Test func liveObjects() async throws {
        let interpreter = Interpreter(output: { _ in })
        let hall = Radiator()
        await interpreter.set("hall", to: .exported(hall))
        try await interpreter.run("hall.target = 22; hall.adjust(-0.5);")   // hall.target is 21.5
        #expect(hall.target == 21.5)
    }

    /// Compiled, not run: it would wait for a terminal.
    func droppingIntoAREPL(_ interpreter: Interpreter) async {
        await interpreter.repl()      // returns on Ctrl-D or .exit
    }
}
