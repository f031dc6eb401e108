import Foundation

/// Runs the `scr` binary that `swift build` put beside the test bundle.
enum ScrProcess {
    struct Result {
        let stdout: String
        let stderr: String
        let status: Int32
        /// The child's peak resident memory in bytes, as last seen before it ended, if asked for.
        let peakMemory: Int?
    }

    static let executable: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("scr")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        fatalError("scr binary not found near \(CommandLine.arguments[0])")
    }()

    /// Runs `scr arguments…` on a thread of its own, so that waiting for it does not hold one of the
    /// few threads of Swift's cooperative pool, which servers under test in this process need.
    static func run(_ arguments: [String], stdin: String = "", measuringMemory: Bool = false) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Swift.Result {
                    try run(blocking: arguments, stdin: stdin, measuringMemory: measuringMemory)
                })
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `scr arguments…` to completion. Output goes to files, so neither stream can fill a pipe
    /// and stall the child while the other is read.
    static func run(blocking arguments: [String], stdin: String = "", measuringMemory: Bool = false) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("scr-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let paths = ["in", "out", "err"].map { scratch.appendingPathComponent($0) }
        try Data(stdin.utf8).write(to: paths[0])
        for path in paths.dropFirst() { _ = FileManager.default.createFile(atPath: path.path, contents: nil) }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: paths[0])
        process.standardOutput = try FileHandle(forWritingTo: paths[1])
        process.standardError = try FileHandle(forWritingTo: paths[2])
        try process.run()
        // No test may hang the suite: a child still running after a minute is killed (and fails).
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) {
            if process.isRunning { process.terminate() }
        }
        var peakMemory: Int?
        while measuringMemory && process.isRunning {
            peakMemory = max(peakMemory ?? 0, highWaterMark(of: process.processIdentifier) ?? 0)
            usleep(5_000)
        }
        process.waitUntilExit()
        return Result(
            stdout: try String(contentsOf: paths[1], encoding: .utf8),
            stderr: try String(contentsOf: paths[2], encoding: .utf8),
            status: process.terminationStatus,
            peakMemory: peakMemory)
    }

    /// A process's peak resident memory in bytes (`VmHWM`), while it runs.
    private static func highWaterMark(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ")[1])
        else { return nil }
        return kilobytes << 10
    }
}
