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

        mutating func add(_ line: String, morePending: Bool) -> String {
            lines.append(line)
            let text = lines.joined(separator: "\n")
            if text.allSatisfy(\.isWhitespace) {
                lines = []
                return "nothing"
            }
            switch Input.classify(text) {
            case .incomplete: return "more"
            case .complete where morePending: return "more"
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
        for pasted in [0, 1] {
            #expect(got[pasted] == expected[pasted], "seed \(seed), pasted: \(pasted == 1)")
            #expect(!got[pasted].contains("error"), "seed \(seed): the generated input is valid")
        }
    }

    /// The outcomes other than "more" of the buffer and of the reference, typed and pasted.
    static func compare(seed: Int) -> ([[String]], [[String]]) {
        var allGot: [[String]] = []
        var allExpected: [[String]] = []
        let source = "var x = 0;\n" + InputBufferTests.inputs(seed: UInt64(seed)).joined(separator: "\n")
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Typed (nothing pending) and pasted (everything pending but the last line).
        for pasted in [false, true] {
            var buffer = InputBuffer()
            var reference = ReferenceBuffer()
            var got: [String] = []
            var expected: [String] = []
            for (index, line) in lines.enumerated() {
                let pending = pasted && index < lines.count - 1
                let outcome = InputBufferTests.describe(buffer.add(line, morePending: pending))
                let wanted = reference.add(line, morePending: pending)
                if outcome != "more" { got.append(outcome) }
                if wanted != "more" { expected.append(wanted) }
            }
            allGot.append(got)
            allExpected.append(expected)
        }
        return (allGot, allExpected)
    }

    @Test func aLongPasteIsParsedABoundedNumberOfTimes() async {
        let counts = await InputBufferTests.onOwnThread { InputBufferTests.pasteLong() }
        for (runs, parses) in counts {
            #expect(runs == 1)
            #expect(parses <= InputBuffer.parseEveryLineUpTo + 1)
        }
    }

    /// Runs and parses of a 10,000-line function, typed and pasted.
    static func pasteLong() -> [(Int, Int)] {
        var counts: [(Int, Int)] = []
        let body = (0..<10_000).map { i in "  x = x + \"${\(i)} {\"; // (" }
        let lines = ["fun f() {"] + body + ["}"]
        for pasted in [false, true] {
            var buffer = InputBuffer()
            var runs = 0
            for (index, line) in lines.enumerated() {
                if case .run = buffer.add(line, morePending: pasted && index < lines.count - 1) { runs += 1 }
            }
            counts.append((runs, buffer.parses))
        }
        return counts
    }

    @Test func aSyntaxErrorInAShortInputShowsAtOnce() {
        var buffer = InputBuffer()
        _ = buffer.add("fun f() {", morePending: false)
        guard case .error = buffer.add("  var = (;", morePending: false) else {
            Issue.record("the error waited for more lines")
            return
        }
    }
}
