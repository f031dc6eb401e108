import Foundation
import Testing

/// Differential testing: random valid programs (`ProgramGenerator`) run on the specialised nodes and
/// on the generic ones (`--generic-nodes`), whose stdout, stderr and exit status must be the same.
/// The generic path is the plain one (every local in a box, every operation through its general
/// node), so it computes the expected output independently of every fast path.
///
/// `swift test` runs a fixed set of seeds; `fuzz/diff [SECONDS]` runs new seeds for as long as asked
/// (through `SCR_DIFF_SECONDS` and `SCR_DIFF_SEED`) and saves any program whose runs differ.
struct DifferentialTests {
    struct Outcome: Equatable {
        let stdout: String
        let stderr: String
        let status: Int32
    }

    static func outcomes(of source: String, seed: UInt64) async throws -> (specialised: Outcome, generic: Outcome) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("diff-\(seed)-\(UUID()).scr")
        try source.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let fast = try await ScrProcess.runInTurn([file.path])
        let plain = try await ScrProcess.runInTurn(["--generic-nodes", file.path])
        // The file's name appears in nothing scr prints, so the two runs compare as they are.
        return (Outcome(stdout: fast.stdout, stderr: fast.stderr, status: fast.status),
                Outcome(stdout: plain.stdout, stderr: plain.stderr, status: plain.status))
    }

    @Test(arguments: 0..<40)
    func specialisedAndGenericNodesAgree(seed: UInt64) async throws {
        let source = ProgramGenerator.program(seed: seed)
        let (fast, plain) = try await DifferentialTests.outcomes(of: source, seed: seed)
        #expect(fast == plain, "seed \(seed):\n\(source)")
        // The generated programs are meant to run: a crash is a failure whatever both paths say.
        #expect(fast.status == 0 || fast.status == 70, "seed \(seed) ended with \(fast.status):\n\(fast.stderr)")
    }

    @Test func generatedProgramsMostlyRunToTheEnd() async throws {
        // A generator whose programs all die early would test little: most must finish cleanly.
        var clean = 0
        for seed in 1000..<1020 {
            let (fast, _) = try await DifferentialTests.outcomes(of: ProgramGenerator.program(seed: UInt64(seed)),
                                                                 seed: UInt64(seed))
            if fast.status == 0 { clean += 1 }
        }
        #expect(clean >= 10, "\(clean) of 20 generated programs ran to the end")
    }

    /// `fuzz/diff`: runs for `SCR_DIFF_SECONDS` from seed `SCR_DIFF_SEED`; does nothing otherwise.
    @Test func longRun() async throws {
        guard let seconds = ProcessInfo.processInfo.environment["SCR_DIFF_SECONDS"].flatMap(Double.init) else { return }
        var seed = ProcessInfo.processInfo.environment["SCR_DIFF_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970)
        let failures = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SCR_DIFF_FAILURES"] ?? "fuzz/diff-failures")
        let end = Date().addingTimeInterval(seconds)
        var programs = 0, clean = 0, differences = 0
        while Date() < end {
            let source = ProgramGenerator.program(seed: seed)
            let (fast, plain) = try await DifferentialTests.outcomes(of: source, seed: seed)
            programs += 1
            if fast.status == 0 { clean += 1 }
            if fast != plain || (fast.status != 0 && fast.status != 70) {
                differences += 1
                try FileManager.default.createDirectory(at: failures, withIntermediateDirectories: true)
                try source.write(to: failures.appendingPathComponent("seed-\(seed).scr"), atomically: true, encoding: .utf8)
                Issue.record("seed \(seed) differs: saved in \(failures.path)/seed-\(seed).scr")
            }
            seed &+= 1
        }
        print("fuzz/diff: \(programs) programs (\(clean) ran to the end, the rest stopped at a runtime error), "
              + "\(differences) differences; next seed \(seed)")
    }
}
