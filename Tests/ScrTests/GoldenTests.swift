import Foundation
import Testing

/// Golden tests: every `.scr` file under Tests/golden is run by the real `scr` binary, and its stdout,
/// stderr and exit status are compared with the expectations written in the file, in the notation of
/// the Crafting Interpreters test suite:
///
/// - `// expect: TEXT` — a line of standard output.
/// - `// expect runtime error: MESSAGE` — a runtime error, exit 70: stderr is MESSAGE, then the
///   traceback, whose first line starts with `[line N]` (N: this line), as the Lox test runners read
///   it. The traceback's lines, in order, are the file's `// trace: TEXT` lines if it has any (then
///   stderr must be exactly the message and those); otherwise each is checked for the form
///   `[line N] in …`.
/// - `// Error at 'x': MESSAGE`, `// Error at end: …`, `// Error: …`, optionally after `[line N]` — a
///   compile error on this line (or line N) on stderr; exit 65.
/// - `// stderr: TEXT` — a line of standard error, as is.
/// - `// exit: N` — the exit status, when it is none of the above.
/// - `// stdin: TEXT` — a line fed to standard input.
/// - `// nodes: TEXT` — `scr --dump-nodes` shows a statement of this line as TEXT (a line of the dump,
///   without its line number, indentation and `label: `): it pins the node chosen for a shape. Other
///   markers may follow on the line (`// nodes: TEXT // expect: 1`).
///
/// Every program runs twice: as `scr` runs it, and on the generic nodes only (`--generic-nodes`),
/// which must give the same output (see NodeSelection).
struct GoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("golden")

    static let files: [String] = {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        // Files under a `lib/` folder are modules that the tests import, not tests themselves.
        return (enumerator?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".scr") && !$0.contains("lib/") }
            .filter { !Sanitizer.isThread || !recursesToTheLimit($0) }
            .sorted()
    }()

    /// ThreadSanitizer keeps a shadow stack of its own, of a fixed size, which a recursion down to
    /// `Stack overflow.` (about 150,000 calls) overruns; those programs are left out of its runs.
    private static func recursesToTheLimit(_ file: String) -> Bool {
        let source = try? String(contentsOfFile: directory.appendingPathComponent(file).path, encoding: .utf8)
        return source?.contains("Stack overflow.") ?? false
    }

    @Test func corpusIsLarge() {
        #expect(GoldenTests.files.count >= 150)
    }

    @Test(arguments: files)
    func golden(_ file: String) async throws {
        let path = GoldenTests.directory.appendingPathComponent(file).path
        let expected = try Expectations(source: String(contentsOfFile: path, encoding: .utf8))
        let result = try await ScrProcess.runInTurn([path], stdin: expected.stdin)
        #expect(result.stdout == expected.stdout, "stdout of \(file)")
        expected.checkStderr(result.stderr, file)
        #expect(result.status == expected.status, "exit status of \(file)")
        if !expected.nodes.isEmpty { try await checkNodes(expected.nodes, of: path, file) }
    }

    @Test(arguments: files)
    func goldenOnGenericNodes(_ file: String) async throws {
        let path = GoldenTests.directory.appendingPathComponent(file).path
        let expected = try Expectations(source: String(contentsOfFile: path, encoding: .utf8))
        let result = try await ScrProcess.runInTurn(["--generic-nodes", path], stdin: expected.stdin)
        #expect(result.stdout == expected.stdout, "stdout of \(file) on generic nodes")
        expected.checkStderr(result.stderr, file + " on generic nodes")
        #expect(result.status == expected.status, "exit status of \(file) on generic nodes")
    }

    private func checkNodes(_ nodes: [(line: Int, text: String)], of path: String, _ file: String) async throws {
        let dump = try await ScrProcess.runInTurn(["--dump-nodes", path])
        #expect(dump.status == 0, "scr --dump-nodes \(file): \(dump.stderr)")
        let statements = dump.stdout.split(separator: "\n").map { line -> (line: Int, text: String) in
            let trimmed = line.drop { $0 == " " }
            let number = trimmed.prefix { $0.isNumber }
            return (Int(number) ?? 0, trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces))
        }
        for node in nodes {
            let found = statements.contains { $0.line == node.line && ($0.text == node.text || $0.text.hasSuffix(": " + node.text)) }
            let onLine = statements.filter { $0.line == node.line }.map(\.text).joined(separator: "\n  ")
            #expect(found, "\(file):\(node.line): no statement dumps as \(node.text); the line dumps as:\n  \(onLine)")
        }
    }
}

/// What a golden file says its run must produce.
struct Expectations {
    var stdout = ""
    var stderr = ""
    var stdin = ""
    var status: Int32 = 0
    var nodes: [(line: Int, text: String)] = []
    /// The message and line of an expected runtime error, and the traceback lines, if given.
    var runtimeError: (message: String, line: Int)?
    var trace: [String] = []

    init(source: String) {
        var explicitStatus: Int32?
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = String(line)
            if let text = line.after(marker: "// nodes: ") {
                nodes.append((number, text.components(separatedBy: " // ")[0]))
            }
            if let text = line.after(marker: "// expect: ") {
                stdout += text + "\n"
            } else if let message = line.after(marker: "// expect runtime error: ") {
                runtimeError = (message, number)
                status = 70
            } else if let text = line.after(marker: "// trace: ") {
                trace.append(text)
            } else if let text = line.after(marker: "// stderr: ") {
                stderr += text + "\n"
            } else if let text = line.after(marker: "// stdin: ") {
                stdin += text + "\n"
            } else if let code = line.after(marker: "// exit: ") {
                explicitStatus = Int32(code)
            } else if let error = Expectations.compileError(in: line, at: number) {
                stderr += error + "\n"
                status = 65
            }
        }
        if let explicitStatus { status = explicitStatus }
    }

    /// Compares standard error with what the file expects (see the notation above).
    func checkStderr(_ actual: String, _ file: String) {
        guard let runtimeError else {
            #expect(actual == stderr, "stderr of \(file)")
            return
        }
        let lines = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let traceback = stderr.isEmpty ? Array(lines.dropFirst().dropLast()) : []
        if !trace.isEmpty {
            #expect(actual == ([runtimeError.message] + trace).joined(separator: "\n") + "\n" + stderr,
                    "stderr of \(file)")
            return
        }
        if !stderr.isEmpty {
            // Other output on stderr (a task's error) comes first.
            #expect(actual.hasPrefix(stderr), "stderr of \(file) starts with its `// stderr:` lines")
            let rest = String(actual.dropFirst(stderr.count))
            Expectations(runtimeError: runtimeError).checkStderr(rest, file)
            return
        }
        #expect(lines.first == runtimeError.message, "stderr of \(file): \(actual)")
        #expect(traceback.first?.hasPrefix("[line \(runtimeError.line)]") == true, "stderr of \(file): \(actual)")
        for line in traceback {
            #expect(line.hasPrefix("[line ") && line.contains("] in ") || line.hasPrefix("... "),
                    "traceback line of \(file): \(line)")
        }
    }

    private init(runtimeError: (message: String, line: Int)) {
        self.runtimeError = runtimeError
    }

    private static func compileError(in line: String, at number: Int) -> String? {
        if let error = line.after(marker: "// [line "), error.contains("] Error") { return "[line " + error }
        if let error = line.after(marker: "// Error") { return "[line \(number)] Error" + error }
        return nil
    }
}

extension String {
    /// The rest of the line after the first occurrence of `marker`.
    func after(marker: String) -> String? {
        range(of: marker).map { String(self[$0.upperBound...]) }
    }
}
