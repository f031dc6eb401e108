import Foundation
import Scr
import Testing

/// Cyclic garbage is reclaimed (the cycle collector); that live cycles survive it is checked by the
/// golden programs in Tests/golden/collector.
struct CollectorTests {
    /// The peak resident memory of this process so far, in bytes.
    private func peakMemory() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        let kilobytes = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        return kilobytes << 10
    }

    // AddressSanitizer holds freed memory in quarantine, and every sanitizer adds to each allocation.
    @Test(.disabled(if: Sanitizer.isAny, "a sanitizer's memory is not the program's"))
    func aMillionSelfReferencingObjectsKeepMemoryBounded() async throws {
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        let before = try peakMemory()
        // Each turn leaves an instance holding itself and a closure whose captured variable holds it:
        // without the collector, a million of them take over 300 MB.
        try await interpreter.run("""
            class Node { init() { this.me = this; } }
            for (var i = 0; i < 1000000; i = i + 1) {
              var node = Node();
              fun f() { return f; }
            }
            """)
        let growth = try peakMemory() - before
        #expect(growth < 50 << 20, "peak memory grew by \(growth >> 20) MiB")
    }
}
