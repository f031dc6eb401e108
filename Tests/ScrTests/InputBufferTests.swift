@testable import Scr
import Foundation
import Testing

/// `InputBuffer` parses what is waiting only when it may be complete once more than
/// `parseEveryLineUpTo` lines wait. That is a fast path: it must give the same inputs as parsing at
/// every line (the reference below), on generated programs with long constructs, and it must make
/// a long paste cost a bounded number of parses.
struct InputBufferTests {
    /// The buffer as it was: every line parses everything waiting.
    struct ReferenceBuffer {
        var lines: [String] = []

        mutating func add(_ line: String) -> String {
            lines.append(line)
            let text = lines.joined(separator: "\n")
            if text.allSatisfy(\.isWhitespace) {
                lines = []
                return "nothing"
            }
            switch Input.classify(text) {
            case .incomplete: return "more"
            case .complete(let source):
                lines = []
                return "run " + source
            case .error:
                lines = []
                return "error"
            }
        }
    }

    static func describe(_ outcome: InputBuffer.Outcome) -> String {
        switch outcome {
        case .run(let source): "run " + source
        case .needMore: "more"
        case .nothing: "nothing"
        case .error: "error"
        }
    }

    /// Inputs whose constructs run over many lines, with brackets and braces inside strings,
    /// interpolations and comments, which the scan of open constructs must read right.
    static func inputs(seed: UInt64) -> [String] {
        var random = seed
        func next(_ bound: Int) -> Int {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return Int((random >> 33) % UInt64(bound))
        }
        let pieces = [
            "var s = \"a { b ( c [\";", "print \"${1 + 2} }\";", "// a comment with { and (",
            "var t = \"${\"nested ${\"}\"}\"}\";", "x = x + 1;", "var m = {\"k\": [1, 2, {\"j\": 3}]};",
            "print \"multi\nline { string\";", "if (x > 2) { x = x - 1; }",
        ]
        var inputs: [String] = []
        for _ in 0..<5 {
            switch next(4) {
            case 0:
                let body = (0..<(33 + next(8))).map { _ in "  " + pieces[next(pieces.count)] }
                inputs.append("fun f\(next(100))() {\n" + body.joined(separator: "\n") + "\n}")
            case 1:
                let items = (0..<(33 + next(8))).map { "  \($0)," }
                inputs.append("var list = [\n" + items.joined(separator: "\n") + "\n  0\n];")
            case 2:
                inputs.append(pieces[next(pieces.count)])
            default:
                let body = (0..<(33 + next(6))).map { _ in pieces[next(pieces.count)] }
                inputs.append("{\n" + body.joined(separator: "\n") + "\n}")
            }
        }
        return inputs
    }

    /// Runs CPU-bound `work` on a thread of its own: the few threads of Swift's cooperative pool are
    /// needed by the servers other tests run in this process.
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    @Test(arguments: 0..<8)
    func sameInputsAsParsingEveryLine(seed: Int) async {
        let (got, expected) = await InputBufferTests.onOwnThread { InputBufferTests.compare(seed: seed) }
        #expect(got == expected, "seed \(seed)")
        #expect(!got.contains("error"), "seed \(seed): the generated input is valid")
    }

    /// The outcomes other than "more" of the buffer and of the reference.
    static func compare(seed: Int) -> ([String], [String]) {
        let source = "var x = 0;\n" + InputBufferTests.inputs(seed: UInt64(seed)).joined(separator: "\n")
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var buffer = InputBuffer()
        var reference = ReferenceBuffer()
        var got: [String] = []
        var expected: [String] = []
        for line in lines {
            let outcome = InputBufferTests.describe(buffer.add(line))
            let wanted = reference.add(line)
            if outcome != "more" { got.append(outcome) }
            if wanted != "more" { expected.append(wanted) }
        }
        return (got, expected)
    }

    /// Lines without `;`, one input each when typed, are the same inputs pasted or typed ahead (they
    /// used to be glued into one input, a syntax error).
    @Test func linesWithoutSemicolonsAreInputsOfTheirOwn() {
        var buffer = InputBuffer()
        let outcomes = ["1 + 1", "2 + 2", "fun f() {", "  return 3;", "}", "f()"].map { InputBufferTests.describe(buffer.add($0)) }
        #expect(outcomes == ["run 1 + 1;", "run 2 + 2;", "more", "more", "run fun f() {\n  return 3;\n}", "run f();"])
    }

    @Test func aLongPasteIsParsedABoundedNumberOfTimes() async {
        let counts = await InputBufferTests.onOwnThread { InputBufferTests.pasteLong() }
        for (runs, parses) in counts {
            #expect(runs == 1)
            #expect(parses <= InputBuffer.parseEveryLineUpTo + 1)
        }
    }

    /// Runs and parses of a 10,000-line function.
    static func pasteLong() -> [(Int, Int)] {
        let body = (0..<10_000).map { i in "  x = x + \"${\(i)} {\"; // (" }
        var buffer = InputBuffer()
        var runs = 0
        for line in ["fun f() {"] + body + ["}"] {
            if case .run = buffer.add(line) { runs += 1 }
        }
        return [(runs, buffer.parses)]
    }

    @Test func aSyntaxErrorInAShortInputShowsAtOnce() {
        var buffer = InputBuffer()
        _ = buffer.add("fun f() {")
        guard case .error = buffer.add("  var = (;") else {
            Issue.record("the error waited for more lines")
            return
        }
    }
}
