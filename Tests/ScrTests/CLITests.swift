import Foundation
import Testing

/// The `scr` command line, run as a process.
struct CLITests {
    @Test func runsCodeFromTheCommandLine() async throws {
        let result = try await ScrProcess.run(["-c", "print 6 * 7;"])
        #expect(result.stdout == "42\n")
        #expect(result.status == 0)
    }

    @Test func scriptArgumentsAreTheListArgs() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("args-\(UUID()).scr")
        try "print args; print len(args);".write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try await ScrProcess.run([path.path, "one", "--two", "3"])
        #expect(result.stdout == "[\"one\", \"--two\", \"3\"]\n3\n")
        // The same through the `run` subcommand, which the argument parser handles (a bare file
        // skips it).
        let viaParser = try await ScrProcess.run(["run", path.path, "one", "--two", "3"])
        #expect(viaParser.stdout == result.stdout)
        // `scr -c CODE ARGS…` skips the parser too; an option after the code sends it through the parser.
        let code = try await ScrProcess.run(["-c", "print args; print len(args);", "one", "two"])
        #expect(code.stdout == "[\"one\", \"two\"]\n2\n")
        let codeViaParser = try await ScrProcess.run(["--generic-nodes", "-c", "print args; print len(args);", "one", "two"])
        #expect(codeViaParser.stdout == code.stdout)
        let missing = try await ScrProcess.run(["/nonexistent/file.scr"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("can't open file"))
    }

    @Test func compileErrorFromTheCommandLine() async throws {
        let result = try await ScrProcess.run(["-c", "print ;"])
        #expect(result.stderr == "[line 1] Error at ';': Expect expression.\n")
        #expect(result.status == 65)
    }

    @Test func runsStandardInputWhenItIsNotATerminal() async throws {
        let result = try await ScrProcess.run([], stdin: "var a = 2;\nprint a * 21;\n")
        #expect(result.stdout == "42\n")
        #expect(result.status == 0)
    }

    @Test func interactiveModeOnAPipe() async throws {
        let result = try await ScrProcess.run(["-i"], stdin: "1 + 2\nfun f() {\nreturn 5;\n}\nf()\nnil\n1 +;\n")
        #expect(result.stdout == ">>> 3\n>>> ... ... >>> 5\n>>> >>> [line 1] Error at ';': Expect expression.\n>>> \n")
        #expect(result.status == 0)
    }

    @Test func interactiveModeKeepsGoingAfterErrors() async throws {
        let result = try await ScrProcess.run(["-i"], stdin: "undefinedThing\nprint \"still here\"\n")
        #expect(result.stdout.contains("Undefined variable 'undefinedThing'.\n[line 1] in <input>\n"))
        #expect(result.stdout.contains("still here"))
        #expect(result.status == 0)
    }

    @Test func missingFileIsAClearError() async throws {
        let result = try await ScrProcess.run(["/nonexistent/script.scr"])
        #expect(result.stderr == "scr: can't open file '/nonexistent/script.scr': No such file or directory\n")
        #expect(result.status == 66)
    }

    @Test func directoryIsAClearError() async throws {
        let result = try await ScrProcess.run(["/tmp"])
        #expect(result.stderr.hasPrefix("scr: can't open file '/tmp': "))
        #expect(result.status == 66)
    }

    @Test func versionAndHelp() async throws {
        let version = try await ScrProcess.run(["--version"])
        #expect(version.stdout.hasPrefix("scr "))
        let help = try await ScrProcess.run(["--help"])
        #expect(help.stdout.contains("USAGE"))
        #expect(help.status == 0)
    }

    @Test func binaryInputIsACompileErrorNotACrash() async throws {
        var bytes = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
        bytes.append(contentsOf: [0xFF, 0xFE, 0x00])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("binary-\(UUID()).scr")
        try Data(bytes).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try await ScrProcess.run([path.path])
        #expect(result.status == 65)
        #expect(result.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("[line ") })
    }

    // Under a sanitizer it takes longer than the one minute a test's process may run.
    @Test(.disabled(if: Sanitizer.isAny, "too slow under a sanitizer"))
    func hugeOneLineFileIsHandled() async throws {
        let line = String(repeating: "print 1; ", count: 1_200_000)  // About 10 MB on one line.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID()).scr")
        try line.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try await ScrProcess.run([path.path])
        #expect(result.status == 0)
        #expect(result.stdout.count == 2 * 1_200_000)
    }

    @Test func outputComesBeforeTheErrorThatFollowsIt() async throws {
        // Standard output is buffered when it is not a terminal; it is written out before any error
        // report, so that one file (or a terminal) shows them in the program's order.
        let result = try await ScrProcess.run(["-c", """
            print "first";
            async fun task() { print "in the task"; nil + 1; }
            spawn(task());
            await sleep(0.01);
            print "second";
            nil.field;
            """], mergingErrors: true)
        #expect(result.stdout == """
            first
            in the task
            Operands must be two numbers or two strings.
            [line 2] in task()
            [line 3] in script (spawned here)
            second
            Only instances have properties.
            [line 6] in script

            """)
        #expect(result.status == 70)
    }

    @Test func ctrlCRaisesKeyboardInterruptInARunningScript() async throws {
        // SIGINT raises KeyboardInterrupt in the main task at its next loop edge: `finally` blocks run,
        // the traceback is printed, and the exit status is 130 (128 + SIGINT, as a shell reports it).
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ctrl-c-\(UUID()).scr")
        try """
            print "started";
            try {
              while (true) {}
            } finally {
              print "finally ran";
            }
            """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        async let result = ScrProcess.run([file.path])
        // Signal the child until it has ended: once its handler is installed, the first one is enough.
        try await ScrProcess.signalUntilExit(file.path, SIGINT)
        let outcome = try await result
        #expect(outcome.stdout == "started\nfinally ran\n")
        #expect(outcome.stderr == "KeyboardInterrupt\n[line 3] in script\n")
        #expect(outcome.status == 130)
    }

    @Test func terminationSignalFlushesWhatWasPrinted() async throws {
        // Standard output to a file is buffered; SIGTERM must not lose it (issue 22).
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sigterm-\(UUID()).scr")
        let ready = file.path + ".ready"
        try """
            import "io" as io;
            for (var i = 0; i < 1000; i = i + 1) print i;
            io.writeFile("\(ready)", "printed");
            while (true) await sleep(0.05);
            """.write(to: file, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(atPath: ready)
        }
        async let result = ScrProcess.run([file.path])
        try await ScrProcess.signalUntilExit(file.path, SIGTERM, readyFile: ready)
        let outcome = try await result
        #expect(outcome.stdout == (0..<1000).map { "\($0)\n" }.joined())
        #expect(outcome.status == 128 + SIGTERM)
    }

    /// A script writes 8 MiB to a reader that takes its time, and ends: everything arrives, whether
    /// the script closed the connection or left it open. The process exits with much of it still in
    /// the system's buffers (the reader had 4–6 MiB of it then, in runs with a count).
    @Test(arguments: ["connection.close();", "// left open"])
    func writesToASlowReaderArriveAfterTheScriptEnds(ending: String) async throws {
        let (result, total, _) = try await writeAndEnd("""
            var chunk = "x".repeat(65536);
            for (var i = 0; i < 128; i = i + 1) await connection.write(chunk);
            print "sent " + str(128 * 65536);
            \(ending)
            """, reader: .paced)
        #expect(result.stdout == "sent 8388608\n")
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(total == 8 << 20)
    }

    /// One write of 8 MiB, queued whole, to a reader that reads nothing for a second, then the
    /// script ends: it waits for the peer, and everything arrives (an exit with the write still
    /// queued used to drop what the system's buffers had no room for, about half).
    @Test(arguments: ["connection.close();", "// left open"])
    func aWriteQueuedAtTheEndWaitsForALateReader(ending: String) async throws {
        let (result, total, _) = try await writeAndEnd("""
            await connection.write("x".repeat(8388608));
            print "queued";
            \(ending)
            """, reader: .after(seconds: 1))
        #expect(result.stdout == "queued\n")
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(total == 8 << 20)
    }

    /// A peer that reads nothing: the script's end waits ten seconds without a byte going out, then
    /// the process exits, saying how much it could not send. The peer then gets what the system
    /// had taken; the two add up to what was written.
    @Test func writesAPeerNeverReadsAreReportedAtTheEnd() async throws {
        let (result, received, port) = try await writeAndEnd("""
            await connection.write("x".repeat(8388608));
            connection.close();
            """, reader: .afterExit)
        #expect(result.status == 0)
        let total = try #require(received)
        #expect(total < 8 << 20)
        #expect(result.stderr == "scr: \((8 << 20) - total) bytes written to '127.0.0.1:\(port)' were not sent: "
                + "it read nothing for 10 seconds.\n")
    }

    /// Runs `script` with `connection` connected to a `SlowReader` that starts as `start`: the
    /// process's outcome, the bytes the reader got once the script's side closed (nil after the
    /// outer limit), and the reader's port.
    private func writeAndEnd(_ script: String, reader start: SlowReader.Start) async throws
        -> (result: ScrProcess.Result, received: Int?, port: Int)
    {
        let (listener, port) = try loopbackListener()
        defer { close(listener) }
        let reader = SlowReader(listener: listener, start: start)
        let code = """
            import "net" as net;
            var connection = await net.connect("127.0.0.1", num(args[0]));
            \(script)
            """
        let result = try await ScrProcess.run(["-c", code, String(port)])
        reader.processExited()
        return (result, await reader.total(), port)
    }

    @Test func exitStatusAndFinallyBlocks() async throws {
        let result = try await ScrProcess.run(["-c", """
            for (var i = 0; i < 100; i = i + 1) print i;
            try { exit(7); } finally { eprint("cleanup"); }
            """])
        #expect(result.stdout == (0..<100).map { "\($0)\n" }.joined())
        #expect(result.stderr == "cleanup\n")
        #expect(result.status == 7)
    }

    @Test func importsSearchScrPathAfterTheImportingFilesDirectory() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("scr-path-\(UUID())")
        let library = root.appendingPathComponent("library")
        let program = root.appendingPathComponent("program")
        for directory in [library, program] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: root) }
        try "fun where() { return \"library\"; }\n".write(to: library.appendingPathComponent("shared.scr"),
                                                               atomically: true, encoding: .utf8)
        try "import \"shared.scr\" as shared;\nprint shared.where();\n"
            .write(to: program.appendingPathComponent("main.scr"), atomically: true, encoding: .utf8)
        let found = try await ScrProcess.run([program.appendingPathComponent("main.scr").path],
                                             environment: ["SCR_PATH": "/nonexistent:" + library.path])
        #expect(found.stdout == "library\n")
        #expect(found.status == 0)
        // The importing file's directory comes first.
        try "fun where() { return \"beside\"; }\n".write(to: program.appendingPathComponent("shared.scr"),
                                                              atomically: true, encoding: .utf8)
        let beside = try await ScrProcess.run([program.appendingPathComponent("main.scr").path],
                                              environment: ["SCR_PATH": library.path])
        #expect(beside.stdout == "beside\n")
    }

    @Test func deeplyNestedInputIsACompileError() async throws {
        let source = String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000) + ";"
        let result = try await ScrProcess.run([], stdin: source)
        #expect(result.status == 65)
        #expect(result.stderr == "[line 1] Error at '(': Too much nesting.\n")
    }
}

/// Accepts one connection and reads it to its end on a thread of its own, pausing after each read
/// while the writing process runs, so that the system's buffers stay full.
private final class SlowReader: @unchecked Sendable {
    /// When the reader begins: at once, pausing 10 ms after each read until the process has exited;
    /// after a pause of some seconds, then at full speed; or only once the process has exited.
    enum Start {
        case paced
        case after(seconds: Double)
        case afterExit
    }

    private let lock = NSLock()
    private var exited = false
    private var received: Int?
    private let start: Start

    init(listener: Int32, start: Start = .paced) {
        self.start = start
        Thread { self.read(listener) }.start()
    }

    func processExited() { lock.withLock { exited = true } }

    /// The bytes read once the peer has closed; waits for that (an outer limit of ten minutes).
    func total() async -> Int? {
        for _ in 0..<12_000 {
            if let received = lock.withLock({ received }) { return received }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return nil
    }

    private func read(_ listener: Int32) {
        let connection = accept(listener, nil, nil)
        var count = 0
        if connection >= 0 {
            switch start {
            case .paced: break
            case .after(let seconds): usleep(UInt32(seconds * 1e6))
            case .afterExit: while !lock.withLock({ exited }) { usleep(10000) }
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = Glibc.read(connection, &buffer, buffer.count)
                if n <= 0 { break }
                count += n
                if case .paced = start, !lock.withLock({ exited }) { usleep(10000) }
            }
            close(connection)
        }
        lock.withLock { received = count }
    }
}
