import Testing
@testable import Scr

struct ParserTests {
    @Test(arguments: ["1 +", "{", "fun f() {", "print (1", "[1, 2", "\"open", "print 1", "if (x)", "var a =",
                        // Issue 17's constructs left open at the end of a line.
                        "var f = fun (x) {", "var g = fun (x) =>", "print 7 %", "print \"a ${", "print \"a ${x",
                        "print \"a ${ {", "var h = async fun () {", "while (true) { break", "import \"m\" as"])
    func incompleteInput(_ source: String) {
        let result = Parser.parse(source)
        #expect(!result.isValid)
        #expect(result.isIncomplete, "\(source) should be incomplete")
    }

    @Test(arguments: ["1 +;", "}", "print );", "var 1 = 2;", "a | b",
                        "print \"${}\";", "print fun () => ;"])
    func syntaxErrorIsNotIncomplete(_ source: String) {
        let result = Parser.parse(source)
        #expect(!result.isValid)
        #expect(!result.isIncomplete, "\(source) is a syntax error")
    }

    @Test func validInputParses() {
        let result = Parser.parse("var a = [1, {\"k\": 2}]; async fun f() { await g(); }")
        #expect(result.isValid)
        #expect(result.statements.count == 2)
    }

    @Test func everyErrorIsReported() {
        let result = Parser.parse("var = 1;\nprint;\nfun (;")
        #expect(result.diagnostics.map(\.description) == [
            "[line 1] Error at '=': Expect variable name.",
            "[line 2] Error at ';': Expect expression.",
            "[line 3] Error at '(': Expect function name.",
        ])
    }

    @Test func deepNestingIsOneErrorNotACrash() {
        // Parsing stops at the limit: one error, not one for every construct left unclosed.
        let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000) + ";"
        #expect(Parser.parse(deep).diagnostics.map(\.message) == ["Too much nesting."])
        let blocks = String(repeating: "{", count: 100_000) + String(repeating: "}", count: 100_000)
        #expect(Parser.parse(blocks).diagnostics.map(\.message) == ["Too much nesting."])
        let unary = String(repeating: "!", count: 100_000) + "true;"
        #expect(Parser.parse(unary).diagnostics.map(\.message) == ["Too much nesting."])
        let functions = String(repeating: "fun f() {", count: 100_000) + String(repeating: "}", count: 100_000)
        #expect(Parser.parse(functions).diagnostics.map(\.message) == ["Too much nesting."])
    }

    @Test func mapLiteralOnlyInExpressionPosition() {
        let result = Parser.parse("{ print 1; } var m = {1: 2};")
        #expect(result.isValid)
        guard case .block = result.statements[0] else {
            Issue.record("a brace at the start of a statement is a block")
            return
        }
    }

    @Test func forDesugarsToWhile() {
        let result = Parser.parse("for (var i = 0; i < 3; i = i + 1) print i;")
        guard case .block(let statements) = result.statements[0], case .while = statements[1] else {
            Issue.record("for should desugar to a block holding a while")
            return
        }
    }
}
