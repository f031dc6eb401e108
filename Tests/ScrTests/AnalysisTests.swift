import Testing
@testable import Scr

struct AnalysisTests {
    private let runtime = Runtime(executor: ScriptExecutor(), sendOutput: { _, _ in }, sendError: { _, _ in })

    private func analyze(_ source: String, mode: Analyzer.Mode = .script) -> Result<FunctionCode, CompileError> {
        let parsed = Parser.parse(source)
        #expect(parsed.isValid)
        return Analyzer.analyze(parsed.statements, runtime: runtime, mode: mode)
    }

    private func errors(_ source: String) -> [String] {
        guard case .failure(let error) = analyze(source) else { return [] }
        return error.diagnostics.map(\.description)
    }

    @Test func localsGetSlotsAndCapturedOnesGetBoxes() throws {
        let code = try analyze("{ var a = 1; var b = 2; fun f() { return b; } }").get()
        // Slot 0 is reserved; `a` takes slot 1; `f` slot 2; `b` is captured so it is boxed.
        #expect(code.slotCount == 3)
        #expect(code.boxCount == 1)
    }

    @Test func siblingBlocksReuseSlots() throws {
        let code = try analyze("{ var a; var b; } { var c; var d; }").get()
        #expect(code.slotCount == 3)
    }

    @Test func closuresRecordWhatTheyCapture() throws {
        let code = try analyze("fun outer() { var x = 1; fun inner() { return x; } return inner; }").get()
        guard case let declaration as DeclarationStatement = code.body,
              let closure = declaration.initializer as? ClosureNode,
              case let inner as SlotDeclarationStatement = (closure.code.body as? BlockStatement)?.statements[1],
              let innerClosure = inner.initializer as? ClosureNode
        else {
            Issue.record("unexpected shape")
            return
        }
        #expect(closure.code.boxCount == 1)
        #expect(innerClosure.code.captureSources.count == 1)
    }

    @Test func onlyFreeNamesOfInnerFunctionsBoxLocals() throws {
        func outerBoxCount(_ source: String) throws -> Int? {
            guard case let declaration as DeclarationStatement = try analyze(source).get().body,
                  let closure = declaration.initializer as? ClosureNode else { return nil }
            return closure.code.boxCount
        }
        // The inner function's own `x` (a parameter, a local, a loop variable) is not the outer one.
        #expect(try outerBoxCount("fun f() { var x = 1; fun g(x) { return x; } return x; }") == 0)
        #expect(try outerBoxCount("fun f() { var x = 1; fun g() { var x = 2; return x; } return x; }") == 0)
        #expect(try outerBoxCount("fun f() { var x = 1; fun g() { for (var x in []) print x; } return x; }") == 0)
        // Used before the inner function declares its own, or in a function nested deeper: captured.
        #expect(try outerBoxCount("fun f() { var x = 1; fun g() { print x; var x = 2; } return x; }") == 1)
        #expect(try outerBoxCount("fun f() { var x = 1; fun g() { fun h() { return x; } } return x; }") == 1)
        #expect(try outerBoxCount("fun f() { var x = 1; fun g() { { var x; } return x; } return x; }") == 1)
    }

    @Test func resolverErrors() {
        #expect(errors("{ var a = 1; var a = 2; }") == ["[line 1] Error at 'a': Already a variable with this name in this scope."])
        #expect(errors("{ var a = a; }") == ["[line 1] Error at 'a': Can't read local variable in its own initializer."])
        #expect(errors("return 1;") == ["[line 1] Error at 'return': Can't return from top-level code."])
        #expect(errors("print this;") == ["[line 1] Error at 'this': Can't use 'this' outside of a class."])
        #expect(errors("class A { f() { super.f(); } }") ==
            ["[line 1] Error at 'super': Can't use 'super' in a class with no superclass."])
    }

    @Test func awaitOutsideAsyncFunctionIsAnError() {
        #expect(errors("fun f() { await g(); }") == ["[line 1] Error at 'await': Can't use 'await' outside an async function."])
        #expect(errors("async fun f() { fun g() { await h(); } }") ==
            ["[line 1] Error at 'await': Can't use 'await' outside an async function."])
        #expect(errors("async fun f() { await g(); }").isEmpty)
    }

    @Test func nakedAwaitMakesTheTopLevelSuspend() throws {
        #expect(try analyze("print 1;").get().body.suspends == false)
        #expect(try analyze("print await f();").get().body.suspends)
        // An async function's body suspends, but declaring it does not.
        #expect(try analyze("async fun f() { await g(); }").get().body.suspends == false)
    }

    @Test func replModeReturnsTheLastExpression() throws {
        // A body of one statement is that statement; of two, a pair.
        func last(_ body: Statement) -> Statement? {
            (body as? BlockStatement)?.statements.last ?? (body as? PairStatement)?.second ?? body
        }
        #expect(try last(analyze("1 + 2;", mode: .repl).get().body) is ReturnStatement)
        #expect(try last(analyze("print 0; 1 + 2;", mode: .repl).get().body) is ReturnStatement)
        #expect(try !(last(analyze("var a; a = 2;", mode: .repl).get().body) is ReturnStatement))
    }
}
