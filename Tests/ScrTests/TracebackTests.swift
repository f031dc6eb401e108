import Testing
@testable import Scr

/// The traceback's text, from frames made by hand: what the golden tests cannot pin exactly (the
/// length of a recursion that ran out of stack).
struct TracebackTests {
    private func error(_ frames: [(String, String?, Int)], spawnedAt site: (String, String?, Int)? = nil) -> ScriptError {
        let error = ScriptError("boom", line: frames.first?.2 ?? 1)
        for (function, file, line) in frames {
            error.arrive(at: line)
            error.leave(CodeLocation(function: function, file: file))
        }
        error.spawnSite = site.map { TraceFrame(location: CodeLocation(function: $0.0, file: $0.1), line: $0.2) }
        return error
    }

    @Test func framesInnermostFirstNamingOtherFiles() {
        let error = error([("area", "lib/shapes.scr", 3), ("total", "main.scr", 7), ("script", "main.scr", 12)])
        error.mainFile = "main.scr"
        #expect(error.report == """
            boom
            [line 3] in area() (lib/shapes.scr)
            [line 7] in total()
            [line 12] in script
            """)
        #expect(error.stack.map(\.function) == ["area", "total", "script"])
        #expect(error.file == "lib/shapes.scr")
    }

    @Test func repeatedFramesCollapse() {
        let location = CodeLocation(function: "fib", file: nil)
        let error = ScriptError("Stack overflow.", line: 2)
        for _ in 0..<9_993 { error.leave(location) }
        error.arrive(at: 5)
        error.leave(CodeLocation(function: "script", file: nil))
        #expect(error.report == """
            Stack overflow.
            [line 2] in fib()
            [line 2] in fib()
            [line 2] in fib()
            ... 9,990 more frames of fib() ...
            [line 5] in script
            """)
        let four = ScriptError("x", line: 1)
        for _ in 0..<4 { four.leave(location) }
        #expect(four.report.contains("... 1 more frame of fib() ..."))
    }

    @Test func aTaskErrorEndsWithItsSpawnSite() {
        let error = error([("worker", nil, 4)], spawnedAt: ("start", nil, 7))
        #expect(error.report == """
            boom
            [line 4] in worker()
            [line 7] in start() (spawned here)
            """)
    }

    @Test func modulePathsAreShownRelativeToTheMainFile() {
        #expect(Traceback.display("/home/me/app/mods/util.scr", mainFile: "/home/me/app/main.scr") == "mods/util.scr")
        #expect(Traceback.display("./mods/util.scr", mainFile: "main.scr") == "mods/util.scr")
        #expect(Traceback.display("/elsewhere/util.scr", mainFile: "/home/me/app/main.scr") == "/elsewhere/util.scr")
    }

    @Test func anErrorThatLeftNoFrameShowsItsLine() {
        #expect(ScriptError("early", line: 9).report == "early\n[line 9]")
    }
}
