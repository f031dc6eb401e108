import Testing
@testable import Scr

/// Random programs through the front end: every input must come out valid or with diagnostics that
/// point at real lines, and analysis must never trip an internal check. Seeds are fixed, so a failure
/// reproduces.
struct RandomInputTests {
    /// A small deterministic generator (xorshift64*).
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    static let fragments = [
        "var", "x", "y", "f", "g", "C", "D", "=", "==", "!=", "<", "+", "-", "*", "/", "!", "(", ")", "{", "}",
        "[", "]", ",", ".", ";", ":", "fun", "async", "await", "class", "<", "this", "super", "return", "if",
        "else", "while", "for", "in", "print", "nil", "true", "false", "1", "2.5", "\"s\"", "try", "catch",
        "finally", "throw", "and", "or", "init", "repl", "import", "\n",
    ]

    private func analyze(_ source: String) {
        let parsed = Parser.parse(source)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).count
        for diagnostic in parsed.diagnostics {
            #expect(diagnostic.line >= 1 && diagnostic.line <= lines + 1, "\(diagnostic) in \(source.debugDescription)")
        }
        guard parsed.isValid else { return }
        let runtime = Runtime(executor: RandomInputTests.executor, sendOutput: { _, _ in }, sendError: { _, _ in })
        _ = Analyzer.analyze(parsed.statements, runtime: runtime, mode: .repl)
    }

    static let executor = ScriptExecutor()

    @Test(arguments: 0..<8)
    func tokenSoup(seed: Int) {
        var generator = Generator(state: 0x9E37_79B9_7F4A_7C15 &+ UInt64(seed) &* 7919)
        for _ in 0..<500 {
            let length = Int.random(in: 1...60, using: &generator)
            let source = (0..<length).map { _ in RandomInputTests.fragments.randomElement(using: &generator)! }
                .joined(separator: " ")
            analyze(source)
        }
    }

    @Test(arguments: 0..<4)
    func structuredPrograms(seed: Int) {
        // Well-formed shapes with random names: these reach analysis, where capture and scope rules live.
        var generator = Generator(state: 0xD1B5_4A32_D192_ED03 &+ UInt64(seed))
        let names = ["a", "b", "c", "this", "super"]
        func name() -> String { names.randomElement(using: &generator)! }
        for _ in 0..<300 {
            var source = ""
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                switch Int.random(in: 0..<6, using: &generator) {
                case 0: source += "var \(name()) = \(name());\n"
                case 1: source += "fun \(name())(\(name())) { var \(name()) = \(name()); fun \(name())() { return \(name()); } }\n"
                case 2: source += "class \(name()) < \(name()) { m() { return super.m() + this.\(name()); } }\n"
                case 3: source += "{ var \(name()); for (var \(name()) in \(name())) { fun q() { \(name()) = 1; } } }\n"
                case 4: source += "async fun \(name())() { try { await \(name()); } catch (\(name())) { return \(name()); } }\n"
                default: source += "while (\(name())) { var \(name()) = await \(name()); }\n"
                }
            }
            analyze(source)
        }
    }

    @Test(arguments: 0..<4)
    func randomBytes(seed: Int) {
        var generator = Generator(state: 0x2545_F491_4F6C_DD1D &+ UInt64(seed))
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            analyze(String(decoding: bytes, as: UTF8.self))
        }
    }
}
