import Foundation
import Testing

/// Cyclic garbage is reclaimed (the cycle collector); that live cycles survive it is checked by the
/// golden programs in Tests/golden/extensions/collector.
struct CollectorTests {
    // AddressSanitizer holds freed memory in quarantine, and every sanitizer adds to each allocation.
    @Test(.disabled(if: Sanitizer.isAny, "a sanitizer's memory is not the program's"))
    func aMillionSelfReferencingObjectsKeepMemoryBounded() async throws {
        // Each turn leaves an instance holding itself and a closure whose captured variable holds it:
        // without the collector, a million of them take over 300 MB.
        let result = try await ScrProcess.run(["-c", """
            class Node { init() { this.me = this; } }
            for (var i = 0; i < 1000000; i = i + 1) {
              var node = Node();
              fun f() { return f; }
            }
            print "done";
            """], measuringMemory: true)
        #expect(result.stdout == "done\n")
        let peak = try #require(result.peakMemory)
        #expect(peak > 0 && peak < 50 << 20, "peak memory: \(peak >> 20) MiB")
    }

    @Test(.disabled(if: Sanitizer.isAny, "a sanitizer's memory is not the program's"))
    func cyclesThroughCoroutinesAndTasksAreCollected() async throws {
        // Each turn leaves a coroutine that holds, through its argument, the instance holding it,
        // and a finished task whose result holds it: without collecting them, 300,000 turns take
        // 190 MB.
        let result = try await ScrProcess.run(["-c", """
            class Holder {}
            async fun keep(h) { return h; }
            for (var i = 0; i < 300000; i = i + 1) {
              var h = Holder();
              h.pending = keep(h);
              var g = Holder();
              g.task = spawn(keep(g));
              await g.task;
            }
            print "done";
            """], measuringMemory: true)
        #expect(result.stdout == "done\n")
        let peak = try #require(result.peakMemory)
        #expect(peak > 0 && peak < 60 << 20, "peak memory: \(peak >> 20) MiB")
    }
}
