import Foundation
import Testing
@testable import Scr

/// The nesting limit (`Parser.maxNesting`) is set so that the deepest input the parser accepts, of
/// every kind, parses, analyses and runs on the executor's stack with room to spare, in the debug
/// build these tests run (docs/internals.md, "Depth"). For each kind of nesting: find the deepest
/// accepted input, run it (on both kinds of nodes), and check that one level more is the single
/// error `Too much nesting.`. A change that makes a frame bigger fails here, not in a user's program.
struct NestingTests {
    /// Each kind of nesting, as a program nested `n` deep.
    static let kinds: [String: @Sendable (Int) -> String] = [
        "parentheses": { "print " + String(repeating: "(", count: $0) + "1" + String(repeating: ")", count: $0) + ";" },
        "negations": { "print " + String(repeating: "-", count: $0) + "1;" },
        "blocks": { String(repeating: "{", count: $0) + "print 1;" + String(repeating: "}", count: $0) },
        "lists": { "print len(" + String(repeating: "[", count: $0) + "1" + String(repeating: "]", count: $0) + ");" },
        "maps": { "print len(" + String(repeating: "{1: ", count: $0) + "1" + String(repeating: "}", count: $0) + ");" },
        "calls": { "fun f(x) { return x; } print " + String(repeating: "f(", count: $0) + "1" + String(repeating: ")", count: $0) + ";" },
        "ifs": { "var t = true; " + String(repeating: "if (t) ", count: $0) + "print 1;" },
        "functions": { n in
            (0..<n).map { "fun f\($0)() {" }.joined() + "print 1;" + String(repeating: "}", count: n) + " f0();"
        },
        "classes": { n in
            (0..<n).map { "class C\($0) { m() {" }.joined() + "print 1;" + String(repeating: "} }", count: n) + " print 2;"
        },
        "assignments": { "var a; print " + String(repeating: "a = ", count: $0) + "1;" },
        "properties": { "class A {} var a = A(); a.a = a; print a" + String(repeating: ".a", count: $0) + " == a;" },
        "awaits": { "async fun f(x) { return x; } print " + String(repeating: "await f(", count: $0) + "1" + String(repeating: ")", count: $0) + ";" },
    ]

    /// The deepest `n` the parser accepts for `kind` (a binary search; nesting is monotonic).
    static func deepestAccepted(_ kind: String) -> Int {
        let make = kinds[kind]!
        var (accepted, rejected) = (1, Parser.maxNesting + 1)
        while rejected - accepted > 1 {
            let middle = (accepted + rejected) / 2
            if Parser.parse(make(middle)).isValid { accepted = middle } else { rejected = middle }
        }
        return accepted
    }

    @Test(arguments: kinds.keys.sorted())
    func deepestAcceptedInputRuns(_ kind: String) async throws {
        let depth = NestingTests.deepestAccepted(kind)
        // Every kind nests at most a few levels per level of the source.
        #expect(depth >= Parser.maxNesting / 3, "\(kind): only \(depth) levels accepted")
        let tooDeep = Parser.parse(NestingTests.kinds[kind]!(depth + 1))
        #expect(tooDeep.diagnostics.map(\.message) == ["Too much nesting."], "\(kind) at \(depth + 1)")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nesting-\(kind)-\(UUID()).scr")
        try NestingTests.kinds[kind]!(depth).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        for arguments in [[file.path], ["--generic-nodes", file.path], ["--dump-nodes", file.path]] {
            let result = try await ScrProcess.run(arguments)
            #expect(result.status == 0, "\(kind) nested \(depth) deep, scr \(arguments.dropLast()): \(result.stderr)")
        }
    }

    // ThreadSanitizer's shadow stack, of a fixed size, is overrun by a recursion down to `Stack
    // overflow.`, as the golden tests that recurse to the limit are (GoldenTests.recursesToTheLimit).
    @Test(.disabled(if: Sanitizer.isThread, "recurses to the stack limit"))
    func deepestExpressionsEvaluateAtTheStackLimit() async throws {
        // The innermost of a recursion that ended in `Stack overflow.` evaluates the deepest
        // expressions the parser accepts: the stack check keeps room for them.
        let depth = Parser.maxNesting - 10
        let expressions = [
            String(repeating: "-", count: depth) + "n",
            String(repeating: "[", count: depth) + "n" + String(repeating: "]", count: depth),
            String(repeating: "g(", count: depth) + "n" + String(repeating: ")", count: depth),
        ]
        for expression in expressions {
            let source = """
                fun g(x) { return x; }
                fun f(n) { var r = nil; try { r = f(n + 1); } catch (e) { r = \(expression); } return r; }
                print f(0) != nil;
                """
            let result = try await ScrProcess.run(["-c", source])
            #expect(result.stdout == "true\n", "\(expression.prefix(10))…: \(result.stderr)")
            #expect(result.status == 0)
        }
    }

    @Test func longChainsOfOperatorsAreNotNesting() {
        let sum = "print " + Array(repeating: "1", count: 100_000).joined(separator: " + ") + ";"
        #expect(Parser.parse(sum).isValid)
        let logic = "print " + Array(repeating: "x", count: 100_000).joined(separator: " or ") + ";"
        #expect(Parser.parse(logic).isValid)
    }
}
