import Foundation
import Testing

/// End-to-end tests of the REPL: the real `scr` binary on a pseudo-terminal, with line editing.
@Suite(.serialized)
struct REPLTests {
    private let history = FileManager.default.temporaryDirectory
        .appendingPathComponent("scr-history-\(UUID().uuidString)").path

    private func start() throws -> PseudoTerminal {
        let terminal = try PseudoTerminal(environment: ["SCR_HISTORY": history])
        #expect(terminal.expect(">>> "))
        return terminal
    }

    /// Sends a line, waits for the next primary prompt, and returns what was printed in between, after
    /// the terminal's echo of the line itself.
    @discardableResult
    private func enter(_ terminal: PseudoTerminal, _ line: String) -> String {
        let mark = terminal.output.endIndex
        terminal.send(line + "\r")
        #expect(terminal.expect("\r\n", after: mark), "no echo of \(line)")
        let echoEnd = terminal.output[mark...].range(of: "\r\n")!.upperBound
        #expect(terminal.expect(">>> ", after: echoEnd), "no prompt after \(line)")
        let printed = terminal.output[echoEnd...]
        return String(printed[..<(printed.range(of: ">>> ")?.lowerBound ?? printed.endIndex)])
    }

    @Test func printsValuesButNotNilOrAssignments() throws {
        let terminal = try start()
        #expect(enter(terminal, "1 + 2") == "3\r\n")
        #expect(enter(terminal, "nil") == "")
        #expect(enter(terminal, "var a = 5") == "")
        #expect(enter(terminal, "a = 6") == "")
        #expect(enter(terminal, "print a") == "6\r\n")
        #expect(enter(terminal, "[a, \"s\", {\"k\": nil}]") == "[6, \"s\", {\"k\": nil}]\r\n")
        #expect(enter(terminal, "\"text\"") == "\"text\"\r\n")
        // An input's last expression is its result even when a statement of it would be dropped.
        #expect(enter(terminal, "1 == nil") == "false\r\n")
        #expect(enter(terminal, "2; !true") == "false\r\n")
        #expect(enter(terminal, "") == "")
    }

    @Test func underscoreHoldsTheLastValue() throws {
        let terminal = try start()
        enter(terminal, "20 + 1")
        #expect(enter(terminal, "_ * 2") == "42\r\n")
        enter(terminal, "nil")
        #expect(enter(terminal, "_") == "42\r\n")
    }

    @Test func errorsShowTheirTracebackAndLandInUnderscoreError() throws {
        let terminal = try start()
        enter(terminal, "fun f(x) { return x.field; }")
        #expect(enter(terminal, "f(1)") == "Only instances have properties.\r\n[line 1] in f()\r\n[line 1] in <input>\r\n")
        #expect(enter(terminal, "_error is TypeError") == "true\r\n")
        #expect(enter(terminal, "_error.stack[0]") == "\"[line 1] in f()\"\r\n")
    }

    @Test func continuationPromptUntilComplete() throws {
        let terminal = try start()
        var mark = terminal.output.endIndex
        terminal.send("fun f() {\r")
        #expect(terminal.expect("... ", after: mark))
        mark = terminal.output.endIndex
        terminal.send("  return 41 + 1;\r")
        #expect(terminal.expect("... ", after: mark))
        enter(terminal, "}")
        #expect(enter(terminal, "f()") == "42\r\n")
    }

    @Test func syntaxErrorIsReportedAndDropped() throws {
        let terminal = try start()
        #expect(enter(terminal, "1 +;") == "[line 1] Error at ';': Expect expression.\r\n")
        #expect(enter(terminal, "print \"recovered\"") == "recovered\r\n")
    }

    @Test func runtimeErrorReturnsToPrompt() throws {
        let terminal = try start()
        #expect(enter(terminal, "nope") == "Undefined variable 'nope'.\r\n[line 1] in <input>\r\n")
    }

    @Test func aPasteRunsAsItsLinesTyped() throws {
        let terminal = try start()
        let paste = """
            class Counter {
              init() { this.n = 0; }
              add() {
                this.n = this.n + 1;
                return this;
              }
            }
            var c = Counter()
            print c.add().add().n
            40 + 2
            print "pasted"
            """
        let mark = terminal.output.endIndex
        terminal.send(paste.replacingOccurrences(of: "\n", with: "\r") + "\r")
        #expect(terminal.expect("pasted\r\n", after: mark))
        let output = terminal.output[mark...]
        #expect(output.contains("2\r\n") && output.contains("42\r\n"), "\(output)")
        #expect(!output.contains("Error"), "\(output)")
    }

    /// Lines typed while an input runs each run in turn once it ends (they arrive together, as a
    /// paste does).
    @Test func typeAheadRunsLineByLine() throws {
        let terminal = try start()
        let mark = terminal.output.endIndex
        terminal.send("await sleep(0.5)\r")
        terminal.send("1 + 1\r2 + 3\r\"do\" + \"ne\"\r")
        // The terminal echoes what is typed ahead at once; the results come after the sleep.
        #expect(terminal.expect("\"done\"\r\n", after: mark))
        let output = terminal.output[mark...]
        #expect(output.contains("2\r\n") && output.contains("5\r\n"), "\(output)")
        #expect(!output.contains("Error"), "\(output)")
    }

    @Test func awaitAtThePrompt() throws {
        let terminal = try start()
        enter(terminal, "async fun later(x) { await sleep(0.05); return x * 3; }")
        #expect(enter(terminal, "await later(3)") == "9\r\n")
    }

    @Test func backgroundTaskRunsWhileThePromptIsIdle() throws {
        let terminal = try start()
        enter(terminal, "var n = 0")
        enter(terminal, "async fun count() { while (true) { n = n + 1; await sleep(0.01); } }")
        enter(terminal, "var t = spawn(count())")
        terminal.settle(0.3)
        #expect(enter(terminal, "n > 10") == "true\r\n")
    }

    @Test func backgroundOutputLandsAboveTheHalfTypedLine() throws {
        let terminal = try start()
        enter(terminal, "async fun announce() { await sleep(0.3); print \"BACKGROUND\"; }")
        enter(terminal, "spawn(announce())")
        terminal.send("var s = \"half")
        #expect(terminal.expect("BACKGROUND\r\n"), "\(terminal.output.debugDescription)")
        // The prompt and the half-typed line are redrawn below the output.
        let redrawn = terminal.output.components(separatedBy: "BACKGROUND\r\n").last!
        #expect(terminal.expect(">>> var s = \"half", after: terminal.output.range(of: "BACKGROUND")!.upperBound),
                "not redrawn: \(redrawn.debugDescription)")
        enter(terminal, " done\"")
        #expect(enter(terminal, "s") == "\"half done\"\r\n")
    }

    /// A half-typed line that wraps is cleared whole — from the prompt's row down — before output
    /// goes above it, and drawn again below it; so is a line the window's new width rewraps.
    @Test func wrappedLineIsRedrawnWholeAfterOutputAndResize() throws {
        let terminal = try start()  // 120 columns wide.
        enter(terminal, "async fun announce() { await sleep(0.3); print \"BACKGROUND\"; }")
        enter(terminal, "spawn(announce())")
        let typed = "\"" + String(repeating: "a", count: 150)
        terminal.send(typed)
        #expect(terminal.expect("BACKGROUND\r\n"))
        // `>>> ` and 150 characters end on the second row: up one row, clear, then the output.
        #expect(terminal.output.contains("\r\u{1B}[1A\u{1B}[JBACKGROUND"), "\(terminal.output.suffix(400).debugDescription)")
        let mark = terminal.output.endIndex
        terminal.resize(rows: 30, columns: 60)
        // 154 columns at 60 a row: the cursor is on the third row of the rewrapped line.
        #expect(terminal.expect("\r\u{1B}[2A\u{1B}[J", after: mark), "\(terminal.output[mark...].debugDescription)")
        #expect(enter(terminal, "\"").contains(String(repeating: "a", count: 150) + "\""))
    }

    /// The line being typed is coloured — keywords, strings, numbers, comments — unless NO_COLOR.
    @Test func typedLineIsHighlightedUnlessNoColor() throws {
        let terminal = try start()
        terminal.send("var x = \"s\" + str(12) // note")
        #expect(terminal.expect("\u{1B}[1;34mvar\u{1B}[0m x = \u{1B}[32m\"s\"\u{1B}[0m + str(\u{1B}[33m12\u{1B}[0m) \u{1B}[2m// note\u{1B}[0m"),
                "\(terminal.output.suffix(300).debugDescription)")
        #expect(enter(terminal, "").isEmpty)
        #expect(enter(terminal, "x").hasPrefix("\"s12\""))
        let plain = try PseudoTerminal(environment: ["SCR_HISTORY": history, "NO_COLOR": "1"])
        #expect(plain.expect(">>> "))
        plain.send("var y = \"s\"")
        plain.settle(0.3)
        #expect(enter(plain, "").isEmpty)
        #expect(!plain.output.contains("\u{1B}[32m"))
    }

    /// Inside a bracketed paste a TAB is a character, not a request to complete.
    @Test func bracketedPasteInsertsTabsLiterally() throws {
        let terminal = try start()
        #expect(terminal.output.contains("\u{1B}[?2004h"), "bracketed paste not asked for")
        terminal.send("\u{1B}[200~var t = \"a\tb\"\rlen(t)\r\u{1B}[201~")
        #expect(terminal.expect("3\r\n>>> "))
        let answer = enter(terminal, "t == \"a\" + \"\\t\" + \"b\"")
        #expect(answer.contains("true"), "\(terminal.output.suffix(500).debugDescription)")
    }

    @Test func ctrlCStopsAwaitAndLoopsButNotBackgroundTasks() throws {
        let terminal = try start()
        enter(terminal, "var n = 0")
        enter(terminal, "async fun count() { while (true) { n = n + 1; await sleep(0.01); } }")
        enter(terminal, "var t = spawn(count())")
        // Each input announces that it runs, so Ctrl-C is not sent while the line is still being read.
        var mark = terminal.output.endIndex
        terminal.send("print \"sleeping\"; await sleep(100)\r")
        #expect(terminal.expect("sleeping\r\n", after: mark))
        terminal.send("\u{3}")
        #expect(terminal.expect("KeyboardInterrupt", after: mark))
        #expect(terminal.expect(">>> ", after: mark))
        mark = terminal.output.endIndex
        terminal.send("print \"looping\"; while (true) {}\r")
        #expect(terminal.expect("looping\r\n", after: mark))
        terminal.send("\u{3}")
        #expect(terminal.expect("KeyboardInterrupt", after: mark))
        enter(terminal, "var before = n")
        terminal.settle(0.2)
        mark = terminal.output.endIndex
        enter(terminal, "n > before")
        #expect(terminal.output[mark...].contains("true"), "the background task stopped")
        #expect(terminal.output.components(separatedBy: "KeyboardInterrupt").count == 3, "one report per Ctrl-C")
    }

    /// A spawned task that never yields holds the executor, so no input can finish or even start:
    /// Ctrl-C interrupts that task (at its next loop edge) and the REPL comes back, as CPython's
    /// asyncio REPL does. Before, three Ctrl-C got no answer.
    @Test func ctrlCInterruptsARunawayTask() throws {
        let terminal = try start()
        enter(terminal, "async fun run() { print \"looping\"; while (true) {} }")
        // The input itself cannot finish: the task it spawned takes the executor first.
        var mark = terminal.output.endIndex
        terminal.send("spawn(run())\r")
        #expect(terminal.expect("looping", after: mark))
        terminal.send("\u{03}")
        #expect(terminal.expect("KeyboardInterrupt\r\n[line 1] in run()", after: mark))
        #expect(terminal.expect(">>> ", after: mark))
        #expect(enter(terminal, "1 + 1") == "2\r\n")

        // A task that runs away later keeps the next input from starting: Ctrl-C frees it to run.
        enter(terminal, "async fun later() { await sleep(0.2); print \"looping later\"; while (true) {} }")
        mark = terminal.output.endIndex
        enter(terminal, "spawn(later())")
        #expect(terminal.expect("looping later", after: mark))
        mark = terminal.output.endIndex
        terminal.send("3 + 3\r")
        #expect(terminal.expect("\r\n", after: mark))
        terminal.settle(0.5)  // The REPL hands the accepted line to its session.
        terminal.send("\u{03}")
        #expect(terminal.expect("KeyboardInterrupt\r\n[line 1] in later()", after: mark))
        #expect(terminal.expect("6\r\n>>> ", after: mark))
        #expect(enter(terminal, "4 + 4") == "8\r\n")
    }

    @Test func ctrlCWhileTypingDropsTheLine() throws {
        let terminal = try start()
        terminal.send("garbage that is never run")
        #expect(terminal.expect("never run"))
        let beforeInterrupt = terminal.output.endIndex
        // A loaded machine can be slow to deliver the signal; a repeated Ctrl-C on a dropped line is
        // harmless.
        var interrupted = false
        for _ in 0..<5 where !interrupted {
            terminal.send("\u{3}")
            interrupted = terminal.expect("^C", after: beforeInterrupt, timeout: 2)
        }
        #expect(interrupted)
        #expect(terminal.expect(">>> ", after: terminal.output.range(of: "^C")!.upperBound))
        let mark = terminal.output.endIndex
        enter(terminal, "1 + 1")
        #expect(terminal.output[mark...].contains("2"), "\(terminal.output.debugDescription)")
        #expect(!terminal.output.contains("Undefined variable"))
    }

    @Test func ctrlDOnAnEmptyLineExitsCleanly() throws {
        let terminal = try start()
        terminal.send("\u{4}")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func exitCommand() throws {
        let terminal = try start()
        terminal.send(".exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func historyIsKeptAcrossSessions() throws {
        let first = try start()
        enter(first, "var remembered = 1")
        first.send("\u{4}")
        #expect(first.waitForExit() == 0)
        let second = try start()
        let mark = second.output.endIndex
        second.send("\u{1B}[A")
        #expect(second.expect("var remembered = 1", after: mark))
    }

    /// The entries of the history file (History.swift's format).
    private func historyEntries() throws -> [String] {
        let text = try String(contentsOfFile: history, encoding: .utf8)
        var entries: [String] = []
        for record in text.components(separatedBy: "\n\n") {
            let lines = record.split(separator: "\n").filter { $0.hasPrefix("+") }.map { String($0.dropFirst()) }
            if !lines.isEmpty { entries.append(lines.joined(separator: "\n")) }
        }
        return entries
    }

    @Test func historyIsSavedAsEachInputIsAccepted() throws {
        // A session killed with SIGKILL keeps every input it ran; a leading space keeps one out.
        let terminal = try start()
        enter(terminal, "var a = 1")
        enter(terminal, " var secret = \"hunter2\"")
        terminal.send("fun twice(x) {\r")
        #expect(terminal.expect("... "))
        terminal.send("  return x * 2;\r")
        #expect(terminal.expect("... ", after: terminal.output.range(of: "... ")!.upperBound))
        enter(terminal, "}")
        kill(terminal.pid, SIGKILL)
        #expect(try historyEntries() == ["var a = 1", "fun twice(x) {\n  return x * 2;\n}"])
    }

    @Test func concurrentSessionsKeepEveryInput() throws {
        let first = try start()
        let second = try start()
        for round in 0..<3 {
            enter(first, "var first\(round) = \(round)")
            enter(second, "var second\(round) = \(round)")
        }
        first.send("\u{4}")
        #expect(first.waitForExit() == 0)
        enter(second, "var last = 1")
        second.send("\u{4}")
        #expect(second.waitForExit() == 0)
        #expect(try historyEntries() == ["var first0 = 0", "var second0 = 0", "var first1 = 1", "var second1 = 1",
                                        "var first2 = 2", "var second2 = 2", "var last = 1"])
    }

    @Test func multiLineInputComesBackAsOneEntry() throws {
        let first = try start()
        first.send("fun three() {\r")
        #expect(first.expect("... "))
        enter(first, "}")
        first.send("\u{4}")
        #expect(first.waitForExit() == 0)
        let second = try start()
        enter(second, ".history")
        let listed = enter(second, ".history")
        #expect(listed.contains("1     fun three() {\r\n      }"), "\(listed)")
    }

    @Test func corruptHistoryFileWarnsOnceAndTheREPLWorks() throws {
        try Data([0x00, 0xFF, 0xFE, 0x01, 0x02]).write(to: URL(fileURLWithPath: history))
        let terminal = try PseudoTerminal(environment: ["SCR_HISTORY": history])
        #expect(terminal.expect("is not a history file"))
        #expect(terminal.expect(">>> "))
        #expect(enter(terminal, "1 + 1") == "2\r\n")
    }

    @Test func loadWithoutAFileShowsItsUsage() throws {
        let terminal = try start()
        #expect(enter(terminal, ".load") == "Usage: .load FILE (runs FILE in this session).\r\n")
    }

    /// Characters past ASCII are typed and edited as characters, even when the REPL starts in the "C"
    /// locale (libedit dropped `é` and `中` there, and editing `"aéb"` gave `"aZb"` drawn wrongly).
    @Test func typesAndEditsUnicode() throws {
        let terminal = try PseudoTerminal(environment: ["SCR_HISTORY": history, "LANG": "C", "LC_ALL": "C"])
        #expect(terminal.expect(">>> "))
        #expect(enter(terminal, "\"aéb\" + \"中文\"") == "\"aéb中文\"\r\n")
        #expect(enter(terminal, "len(\"é🙂\")") == "2\r\n")
        let left = "\u{1B}[D", backspace = "\u{7F}"
        // Delete the character before the cursor (two left of the end: the `é`), type another.
        terminal.send("\"aéb\"" + left + left + backspace + "Z")
        terminal.settle(0.3)
        #expect(enter(terminal, "") == "\"aZb\"\r\n")
        terminal.send("\"中文x\"" + left + left + backspace + "字")
        terminal.settle(0.3)
        #expect(enter(terminal, "") == "\"中字x\"\r\n")
    }

    @Test func tabCompletesNamesAndMethods() throws {
        let terminal = try start()
        enter(terminal, "var longVariableName = 3")
        // libedit redraws the completed word with cursor movements, so the test checks what the
        // completed line evaluates to.
        terminal.send("longVar\t")
        terminal.settle(0.3)
        #expect(enter(terminal, " + 1") == "4\r\n")
        enter(terminal, "var xs = [1]")
        terminal.send("xs.pu\t")
        terminal.settle(0.3)
        enter(terminal, "(2)")
        #expect(enter(terminal, "xs") == "[1, 2]\r\n")
    }

    @Test func tasksCommandListsRunningTasks() throws {
        let terminal = try start()
        enter(terminal, "async fun napper() { await sleep(100); }")
        enter(terminal, "spawn(napper())")
        #expect(enter(terminal, ".tasks").contains("napper: waiting at line 1"))
    }

    @Test func replInsideAFunctionSeesAndChangesItsLocals() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("repl-\(UUID()).scr")
        try """
            var counter = 0;
            async fun background() { while (true) { counter = counter + 1; await sleep(0.01); } }
            spawn(background());
            async fun work(n) {
              var local = n * 2;
              await repl();
              print "resumed with " + str(local);
            }
            await work(21);
            print "counter moved: " + str(counter > 5);
            """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let terminal = try PseudoTerminal(arguments: [script.path], environment: ["SCR_HISTORY": history])
        #expect(terminal.expect(">>> "))
        #expect(enter(terminal, "local") == "42\r\n")
        #expect(enter(terminal, "n") == "21\r\n")
        enter(terminal, "local = local + 1")
        terminal.settle(0.1)
        let mark = terminal.output.endIndex
        terminal.send("\u{4}")
        #expect(terminal.expect("resumed with 43", after: mark))
        #expect(terminal.expect("counter moved: true", after: mark))
    }

    /// The id `.tasks` lists for the task running `function`, once it waits there.
    private func taskID(_ terminal: PseudoTerminal, running function: String) -> Int? {
        for _ in 0..<600 {
            let listing = enter(terminal, ".tasks")
            if let match = listing.firstMatch(of: /#(\d+) (\w+): waiting at line \d+ on sleep/), match.2 == function {
                return Int(match.1)
            }
            terminal.settle(0.05)
        }
        return nil
    }

    @Test func enterHoldsATaskAndSeesItsVariables() throws {
        let terminal = try start()
        enter(terminal, "var stop = false")
        // `tries` is captured by a closure (it lives in a box), `n` is a plain parameter.
        enter(terminal, "async fun fetch(n) { var tries = n; var bump = fun () { tries = tries + 1; }; while (!stop) { await sleep(0.02); } bump(); print \"tries \" + str(tries) + \" n \" + str(n); }")
        enter(terminal, "spawn(fetch(1))")
        let id = try #require(taskID(terminal, running: "fetch"))
        #expect(enter(terminal, ".tasks").contains("spawned at <input>:1 in <input>"))
        let stack = enter(terminal, ".tasks \(id)")
        #expect(stack.contains("0  <input>:1 in fetch()"), "\(stack)")
        #expect(stack.contains("tries = 1"))
        var mark = terminal.output.endIndex
        terminal.send(".enter \(id)\r")
        #expect(terminal.expect("task \(id) fetch()>>> ", after: mark))
        #expect(enter(terminal, "tries").hasPrefix("1\r\n"))
        enter(terminal, "tries = 5")
        enter(terminal, "n = 7")
        enter(terminal, "stop = true")
        // The loop may go on now, but the task is held while its frame is entered.
        enter(terminal, "await sleep(0.3)")
        #expect(!terminal.output.contains("tries 6"))
        #expect(enter(terminal, ".tasks").contains("held"))
        mark = terminal.output.endIndex
        terminal.send("\u{4}")  // Ctrl-D leaves the frame, not the REPL.
        #expect(terminal.expect("Left task #\(id); it goes on.", after: mark))
        #expect(terminal.expect("tries 6 n 7", after: mark))
        // The task's output comes above a redrawn prompt: wait for that before typing again.
        let printed = terminal.output.range(of: "tries 6 n 7", range: mark..<terminal.output.endIndex)!.upperBound
        #expect(terminal.expect(">>> ", after: printed))
        #expect(enter(terminal, "1 + 1").contains("2"))
    }

    @Test func interactiveScriptOpensPostMortem() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("pm-\(UUID()).scr")
        try """
            var total = 0;
            fun area(w, h) {
              var scale = 3;
              return w * h * scale + missing;
            }
            total = area(2, 5);
            """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let terminal = try PseudoTerminal(arguments: ["-i", script.path], environment: ["SCR_HISTORY": history])
        #expect(terminal.expect("Type .pm to look at the frames the error left."))
        #expect(terminal.expect(">>> "))
        let mark = terminal.output.endIndex
        terminal.send(".pm\r")
        #expect(terminal.expect("pm area()>>> ", after: mark))
        #expect(terminal.output[mark...].contains("scale = 3"))
        #expect(enter(terminal, "w * h * scale").hasPrefix("30\r\n"))
        #expect(enter(terminal, ".up").contains("in script"))
        #expect(enter(terminal, ".leave").contains("Left pm script."))
        #expect(enter(terminal, "total") == "0\r\n")
    }

    /// An uncaught error in a spawned task: `.pm` enters its frame with the values at the raise.
    @Test func postMortemOfAFailedTask() throws {
        let terminal = try start()
        enter(terminal, "async fun job(order) { var total = order * 3; await sleep(0.01); return total.price; }")
        let mark = terminal.output.endIndex
        terminal.send("spawn(job(4))\r")
        #expect(terminal.expect("Only instances have properties.", after: mark))
        terminal.settle(0.1)
        let entered = enter(terminal, ".pm")
        #expect(entered.contains("Frame 0 of 1: <input>:1 in job()"), "\(entered)")
        #expect(entered.contains("total = 12"))
        #expect(enter(terminal, "order").hasPrefix("4\r\n"))
    }

    /// Ctrl-R searches the history backwards as you type; Enter ends the search with the entry
    /// found on the line (libedit's incremental search), and Enter again runs it.
    @Test func ctrlRSearchesTheHistory() throws {
        let terminal = try start()
        enter(terminal, "var alpha = 41")
        enter(terminal, "alpha + 1")
        enter(terminal, "\"other\"")
        let mark = terminal.output.endIndex
        // Keys are handled in order, however they arrive: no need to wait between them.
        terminal.send("\u{12}alpha +\r\r")
        #expect(terminal.expect("42\r\n", after: mark), "\(terminal.output[mark...].debugDescription)")
    }
}
