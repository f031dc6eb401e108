import Foundation
import Testing

/// Memory is reclaimed: cyclic garbage by the cycle collector, a loop's locals before its next turn
/// makes them again. That live cycles survive the collector is checked by the golden programs in
/// Tests/golden/extensions/collector.
struct CollectorTests {
    // AddressSanitizer holds freed memory in quarantine, and every sanitizer adds to each allocation.
    @Test(.disabled(if: Sanitizer.isAny, "a sanitizer's memory is not the program's"))
    func aMillionSelfReferencingObjectsKeepMemoryBounded() async throws {
        // Each turn leaves an instance holding itself and a closure whose captured variable holds it:
        // without the collector, a million of them take over 300 MB.
        let (output, peak) = try await runMeasuringPeakMemory("""
            class Node { init() { this.me = this; } }
            for (var i = 0; i < 1000000; i = i + 1) {
              var node = Node();
              fun f() { return f; }
            }
            print "done";
            """)
        #expect(output == "done\n")
        #expect(peak > 0 && peak < 50 << 20, "peak memory: \(peak >> 20) MiB")
    }

    @Test(.disabled(if: Sanitizer.isAny, "a sanitizer's memory is not the program's"))
    func cyclesThroughCoroutinesAndTasksAreCollected() async throws {
        // Each turn leaves a coroutine that holds, through its argument, the instance holding it,
        // and a finished task whose result holds it: without collecting them, 300,000 turns take
        // 190 MB.
        let (output, peak) = try await runMeasuringPeakMemory("""
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
            """)
        #expect(output == "done\n")
        #expect(peak > 0 && peak < 60 << 20, "peak memory: \(peak >> 20) MiB")
    }

    /// A local declared in a loop's body releases the value of the last turn before its initializer
    /// makes the next (docs/internals.md, "A local dies when it is declared again"): one 32 MB list
    /// is alive at a time, not two. In a function and at the top level; on the specialised nodes
    /// (`SlotDeclarationStatement`, or `DeclarationStatement` for an initializer that assigns the
    /// variable) and on the generic ones (every local in a box).
    @Test(.disabled(if: Sanitizer.isAny, "a sanitizer's memory is not the program's"),
          arguments: [[], ["--generic-nodes"]])
    func aLoopsLocalIsReleasedBeforeItsNextTurnMakesItAgain(flags: [String]) async throws {
        let declarations = ["var numbers = range(2000000);", "var numbers = range(2000000) or (numbers = 0);"]
        let loop = { (declaration: String) in "for (var turn = 0; turn < 4; turn = turn + 1) { \(declaration) }" }
        // Each in a process of its own: a list freed in one place and made again in another can find
        // malloc's freed memory too fragmented for it, which says nothing about when it was freed.
        for declaration in declarations {
            for script in ["fun turns() { \(loop(declaration)) } turns();", loop(declaration)] {
                let (output, peak) = try await runMeasuringPeakMemory(script + "\nprint \"done\";", flags: flags)
                #expect(output == "done\n", "\(script)")
                // One list is 2,000,000 16-byte values: 32 MB; with two alive the peak was 78 MiB.
                #expect(peak > 0 && peak < 60 << 20, "\(script) \(flags): peak memory \(peak >> 20) MiB")
            }
        }
    }

    /// A call's arguments and receiver are released when its frame is popped (`FrameStack.pop`, which
    /// does not look at a function's slot 0, the receiver it does not have): a 16 MB list passed each
    /// turn to a plain and a boxed function, from a global and a local, to a method and an initializer,
    /// and held by a method's receiver. Were any kept, its five turns would hold 80 MB.
    @Test(.disabled(if: Sanitizer.isAny, "a sanitizer's memory is not the program's"),
          arguments: [[], ["--generic-nodes"]])
    func aCallsArgumentsAndReceiverAreReleasedWithItsFrame(flags: [String]) async throws {
        let script = """
            fun plain(a, b) { return b; }
            fun boxed(a, b) { fun get() { return a; } return b; }
            class Sized { init(list, b) { this.size = len(list); } pick(a, b) { return b; } }
            class Big { init(list) { this.list = list; } get(a) { return a; } }
            fun turns() {
              var local = plain;
              var sized = Sized([], 0);
              var sum = 0;
              for (var turn = 0; turn < 5; turn = turn + 1) {
                sum = sum + plain(range(1000000), 1) + local(range(1000000), 1) + boxed(range(1000000), 1);
                sum = sum + sized.pick(range(1000000), 1) + Sized(range(1000000), 1).size + Big(range(1000000)).get(1);
              }
              return sum;
            }
            print turns();
            """
        let (output, peak) = try await runMeasuringPeakMemory(script, flags: flags)
        #expect(output == "5000025\n")
        // One list is 1,000,000 16-byte values: 16 MB, one alive at a time.
        #expect(peak > 0 && peak < 60 << 20, "\(flags): peak memory \(peak >> 20) MiB")
    }

    /// Runs `script` and returns what it printed and its peak resident memory in bytes, as the
    /// process itself reads it at the end (`VmHWM` of /proc/self/status). Read from inside, not
    /// polled from the test process: a high-water mark misses nothing between samples, and cannot be
    /// another process's (on a busy CI machine the polled figure twice read 185–198 MiB where every
    /// local run, idle or starved of CPU, peaks at 25 MiB).
    private func runMeasuringPeakMemory(_ script: String, flags: [String] = []) async throws
        -> (output: String, peak: Int) {
        let result = try await ScrProcess.run(flags + ["-c", """
            import "io" as io;
            \(script)
            print "--- /proc/self/status";
            print io.readFile("/proc/self/status");
            """])
        let parts = result.stdout.components(separatedBy: "--- /proc/self/status\n")
        try #require(parts.count == 2, "unexpected output: \(result.stdout) \(result.stderr)")
        let line = try #require(parts[1].split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        let kilobytes = try #require(Int(line.split(whereSeparator: \.isWhitespace)[1]))
        return (parts[0], kilobytes << 10)
    }
}
