import CScrSupport
import Foundation
import Testing
@testable import Scr

/// `Buffer`'s memory: freed small blocks wait on per-thread lists by size for the next request of
/// their size (allocator.c; docs/internals.md, "Small buffers"). Each test runs on a thread of its own,
/// so that no other test's buffers come and go on its lists meanwhile.
struct BufferTests {
    /// Runs `body` on a new thread and waits for it to end.
    private func onThreadOfItsOwn(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                body()
                done.resume()
            }
            thread.start()
        }
    }

    @Test func aFreedBlockServesTheNextRequestOfItsSize() async {
        await onThreadOfItsOwn {
            scr_release_kept_blocks()
            let first = Buffer.allocate(Value.self, capacity: 3)
            Buffer.deallocate(first, capacity: 3)
            #expect(scr_blocks_kept() == 1)
            // 48 bytes: a request of 33 to 48 bytes takes the same block back.
            let again = Buffer.allocate(Capture.self, capacity: 3)
            #expect(UnsafeMutableRawPointer(again) == UnsafeMutableRawPointer(first))
            #expect(scr_blocks_kept() == 0)
            // A request of another size does not.
            Buffer.deallocate(again, capacity: 3)
            let other = Buffer.allocate(Value.self, capacity: 4)
            #expect(UnsafeMutableRawPointer(other) != UnsafeMutableRawPointer(first))
            #expect(scr_blocks_kept() == 1)
            Buffer.deallocate(other, capacity: 4)
            scr_release_kept_blocks()
            #expect(scr_blocks_kept() == 0)
        }
    }

    @Test func aBlockIsWrittenAndReadWholeAfterComingBack() async {
        await onThreadOfItsOwn {
            scr_release_kept_blocks()
            // Every size the lists keep, and the first they do not: each block is filled, freed, taken
            // again (from a list or from malloc) and filled with other values.
            for capacity in 1...(Int(SCR_BLOCK_SIZES) + 1) {
                let values = Buffer.allocate(Value.self, capacity: capacity)
                values.initialize(repeating: .string("first \(capacity)"), count: capacity)
                values.destroy(count: capacity)
                Buffer.deallocate(values, capacity: capacity)
                let again = Buffer.allocate(Value.self, capacity: capacity)
                for index in 0..<capacity { (again + index).initialize(to: .number(Double(index))) }
                #expect((0..<capacity).allSatisfy { again[$0] == .number(Double($0)) })
                again.destroy(count: capacity)
                Buffer.deallocate(again, capacity: capacity)
            }
            // Values are 16 bytes: sizes 16 to 256 bytes are kept, one block each; 272 is not.
            #expect(scr_blocks_kept() == Int(SCR_BLOCK_SIZES))
            scr_release_kept_blocks()
        }
    }

    @Test func aListKeepsAFewDozenBlocksAndFreesTheRest() async {
        await onThreadOfItsOwn {
            scr_release_kept_blocks()
            let depth = Int(SCR_BLOCK_LIST_DEPTH)
            let blocks = (0..<(depth + 10)).map { _ in Buffer.allocate(Value.self, capacity: 2) }
            #expect(Set(blocks.map { UnsafeMutableRawPointer($0) }).count == blocks.count)
            for block in blocks { Buffer.deallocate(block, capacity: 2) }
            #expect(scr_blocks_kept() == depth)
            // Taken back last freed first, the list's blocks and then malloc's.
            let again = (0..<(depth + 1)).map { _ in Buffer.allocate(Value.self, capacity: 2) }
            #expect(scr_blocks_kept() == 0)
            let kept = Set(blocks.prefix(depth).map { UnsafeMutableRawPointer($0) })
            #expect(Set(again.prefix(depth).map { UnsafeMutableRawPointer($0) }) == kept)
            for block in again { Buffer.deallocate(block, capacity: 2) }
            scr_release_kept_blocks()
        }
    }

    /// A zero-sized buffer (a closure that captures nothing, a frame without boxes) is one address,
    /// never allocated, and freeing it keeps nothing.
    @Test func aZeroSizedBufferIsNeverAllocated() async {
        await onThreadOfItsOwn {
            scr_release_kept_blocks()
            let empty = Buffer.allocate(Capture.self, capacity: 0)
            let other = Buffer.allocate(Box?.self, capacity: 0)
            #expect(UnsafeMutableRawPointer(empty) == UnsafeMutableRawPointer(other))
            Buffer.deallocate(empty, capacity: 0)
            Buffer.deallocate(other, capacity: 0)
            #expect(scr_blocks_kept() == 0)
        }
    }

    /// A thread's kept blocks go back to malloc when it ends: an executor thread of an interpreter that
    /// was stopped leaks nothing.
    @Test func aThreadsKeptBlocksAreFreedWhenItEnds() async {
        let before = scr_blocks_freed_at_thread_end()
        await onThreadOfItsOwn {
            let blocks = (0..<5).map { Buffer.allocate(Value.self, capacity: $0 + 1) }
            for (index, block) in blocks.enumerated() { Buffer.deallocate(block, capacity: index + 1) }
            #expect(scr_blocks_kept() == 5)
        }
        // The thread ran its body; its key's destructor runs as it exits, just after.
        var freed = scr_blocks_freed_at_thread_end() - before
        for _ in 0..<6_000 where freed < 5 {
            try? await Task.sleep(for: .milliseconds(10))
            freed = scr_blocks_freed_at_thread_end() - before
        }
        #expect(freed >= 5)
    }

    /// Closures and async calls made and dropped in turn reuse their blocks: what a script computes
    /// through them is the same as on first use.
    @Test func closuresAndAsyncFramesMadeAgainAndAgainKeepTheirValues() async throws {
        let source = """
            fun makeAdder(n) { var k = n * 2; fun add(x) { return x + n + k; } return add; }
            async fun twice(x) { var y = x; return y + x; }
            var total = 0;
            for (var i = 0; i < 2000; i = i + 1) {
              var add = makeAdder(i);
              total = total + add(1) + await twice(i);
            }
            print total;
            """
        // Σ (1 + 3i) + Σ 2i over i < 2000 = 2000 + 5 · 1999000.
        for options in [[], ["--generic-nodes"]] {
            let result = try await ScrProcess.run(options + ["-c", source])
            #expect(result.stdout == "\(2000 + 5 * 1_999_000)\n" && result.stderr.isEmpty && result.status == 0,
                    "\(options): \(result.stdout) \(result.stderr)")
        }
    }
}
