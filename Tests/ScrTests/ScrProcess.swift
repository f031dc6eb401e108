import Foundation
import Synchronization

/// Runs the `scr` binary that `swift build` put beside the test bundle.
enum ScrProcess {
    struct Result {
        let stdout: String
        let stderr: String
        let status: Int32
    }

    static let executable = built("scr")
    /// The host program of the embedding tests that need a process (Tests/EmbeddingProbe).
    static let embeddingProbe = built("EmbeddingProbe")

    private static func built(_ name: String) -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        fatalError("\(name) binary not found near \(CommandLine.arguments[0])")
    }

    /// Runs `scr arguments…` on a thread of its own, so that waiting for it does not hold one of the
    /// few threads of Swift's cooperative pool, which servers under test in this process need.
    /// With `mergingErrors`, standard error goes where standard output goes (as on a terminal), and
    /// `stdout` holds both in the order they were written.
    static func run(_ arguments: [String], stdin: String = "",
                    mergingErrors: Bool = false, environment: [String: String] = [:],
                    program: URL = executable) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Swift.Result {
                    try run(blocking: arguments, stdin: stdin, program: program,
                            mergingErrors: mergingErrors, environment: environment)
                })
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs blocking work — a read of a pipe, a wait for a process — on a thread of its own, for the
    /// reason `run` does: blocked on the pool, two such waits on two cores stalled every other test of
    /// a parallel run until their 300 s limits ran out.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result { try work() }) }.start()
        }
    }

    /// `run`, in turn with the other runs of the suite's generated and golden cases: at most two
    /// children a processor at once. Swift Testing starts every case of a parameterized test at once,
    /// and a case waiting for its child holds no thread, so a thousand golden runs were a thousand
    /// processes at the same moment; under AddressSanitizer, on two cores, the in-process servers of
    /// other tests then got no time for minutes, and their waits (60 s) ran out.
    static func runInTurn(_ arguments: [String], stdin: String = "") async throws -> Result {
        await turns.enter()
        do {
            let result = try await run(arguments, stdin: stdin)
            await turns.leave()
            return result
        } catch {
            await turns.leave()
            throw error
        }
    }

    private static let turns = Turns(limit: 2 * ProcessInfo.processInfo.activeProcessorCount)

    /// Lets `limit` holders in at once; the others wait in line, holding no thread.
    private actor Turns {
        private let limit: Int
        private var holders = 0
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(limit: Int) { self.limit = limit }

        func enter() async {
            guard holders == limit else {
                holders += 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        /// Hands the turn to the first in line, if any.
        func leave() {
            if waiting.isEmpty { holders -= 1 } else { waiting.removeFirst().resume() }
        }
    }

    /// Runs `scr arguments…` to completion. Output goes to files, so neither stream can fill a pipe
    /// and stall the child while the other is read.
    static func run(blocking arguments: [String], stdin: String = "",
                    program: URL = executable, mergingErrors: Bool = false,
                    environment: [String: String] = [:]) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("scr-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let paths = ["in", "out", "err"].map { scratch.appendingPathComponent($0) }
        try Data(stdin.utf8).write(to: paths[0])
        for path in paths.dropFirst() { _ = FileManager.default.createFile(atPath: path.path, contents: nil) }

        let pid = try spawn(program, arguments, stdin: paths[0].path, stdout: paths[1].path,
                            stderr: mergingErrors ? nil : paths[2].path, environment: environment)
        // No test may hang the suite: a child still running after five minutes is killed (and fails).
        // The limit is generous because a busy machine (or a sanitizer) can make a child that takes
        // seconds take minutes; it is an outer bound for hangs, not a measure of speed.
        let finished = Mutex(false)
        DispatchQueue.global().asyncAfter(deadline: .now() + 300) {
            finished.withLock { if !$0 { kill(pid, SIGTERM) } }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        finished.withLock { $0 = true }
        return Result(
            stdout: try String(contentsOf: paths[1], encoding: .utf8),
            stderr: try String(contentsOf: paths[2], encoding: .utf8),
            // The exit status, or the signal that ended it (as Foundation's Process reports).
            status: status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f)
    }

    /// Starts `scr arguments…` with its standard streams on the given files. With posix_spawn, not
    /// Foundation's Process, whose `run()` reads past a buffer while listing /proc/self/fd and, now
    /// and then, crashes the test process (AddressSanitizer shows the over-read every time).
    /// `environment` adds to (or overrides) the test process's own.
    private static func spawn(_ program: URL, _ arguments: [String], stdin: String, stdout: String, stderr: String?,
                              environment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_TRUNC, 0)
        if let stderr {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_TRUNC, 0)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv = ([program.path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for variable in envp { free(variable) } }
        let result = posix_spawn(&pid, program.path, &actions, nil, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        return pid
    }

    /// Sends `signal` to the scr process whose arguments include `argument`, every half second, from
    /// when it has started until it has ended (within a generous bound). For tests of signal handling.
    /// With `readyFile`, only once that file exists (the script writes it when it has got as far as
    /// the test needs: on a busy machine, a signal can otherwise come before the work it should cut).
    static func signalUntilExit(_ argument: String, _ signal: Int32, readyFile: String? = nil) async throws {
        var seen = false
        for _ in 0..<240 {
            let pids = processes(withArgument: argument)
            if pids.isEmpty && seen { return }
            seen = seen || !pids.isEmpty
            if let readyFile, !FileManager.default.fileExists(atPath: readyFile) {
                try await Task.sleep(nanoseconds: 500_000_000)
                continue
            }
            // Only once the process catches the signal: before its handler is installed, the signal's
            // default action would end it.
            for pid in pids where catches(pid, signal) { kill(pid, signal) }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
    }

    /// Whether the process has a handler for `signal` (the `SigCgt` mask of /proc/PID/status).
    private static func catches(_ pid: pid_t, _ signal: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16)
        else { return false }
        return mask & (1 << UInt64(signal - 1)) != 0
    }

    private static func processes(withArgument argument: String) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry in
            guard let pid = pid_t(entry),
                  let command = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  String(decoding: command, as: UTF8.self).split(separator: "\0").contains(Substring(argument))
            else { return nil }
            return pid
        }
    }
}
