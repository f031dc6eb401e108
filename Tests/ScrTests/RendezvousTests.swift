import Foundation
@testable import Scr
import Testing

/// The hand-over of a result from the executor to a waiting host thread or task (`Rendezvous`): a
/// value fulfilled before, during or long after the waiter's spin arrives exactly once.
struct RendezvousTests {
    @Test func aValueFulfilledBeforeTheWaitIsThereAtOnce() async {
        let answer = Rendezvous<Int>()
        answer.fulfil(1)
        #expect(await answer.wait() == 1)
        let blocking = Rendezvous<Int>()
        blocking.fulfil(2)
        #expect(blocking.waitBlocking() == 2)
    }

    /// A value that comes after the spin has given up wakes a suspended task and a sleeping thread.
    @Test func aLateValueWakesTheSleepingWaiter() async {
        let answer = Rendezvous<String>()
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.05)  // Far past the spin (`Spin`).
            answer.fulfil("late")
        }
        #expect(await answer.wait() == "late")
        let blocking = Rendezvous<String>()
        let received: String = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: blocking.waitBlocking()) }
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.05)
                blocking.fulfil("late")
            }
        }
        #expect(received == "late")
    }

    /// A slow answer announced with `willTakeLong` still arrives; thousands of races between the
    /// fulfilling and the waiting side each deliver their own value.
    @Test func racesDeliverEachValueOnce() async {
        for i in 0..<2_000 {
            let answer = Rendezvous<Int>()
            Thread.detachNewThread {
                if i % 3 == 0 { answer.willTakeLong() }
                answer.fulfil(i)
            }
            #expect(await answer.wait() == i)
        }
        let values: [Int] = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var values: [Int] = []
                for i in 0..<2_000 {
                    let answer = Rendezvous<Int>()
                    Thread.detachNewThread { answer.fulfil(i) }
                    values.append(answer.waitBlocking())
                }
                continuation.resume(returning: values)
            }
        }
        #expect(values == Array(0..<2_000))
    }
}

/// Script values a host drops off the executor are released on it, and after it has ended, one at a
/// time under its lock (`ScriptExecutor.release`).
struct ScriptExecutorReleaseTests {
    /// Records on which thread its last reference went.
    final class Sentinel: @unchecked Sendable {
        let onRelease: @Sendable () -> Void
        init(_ onRelease: @escaping @Sendable () -> Void) { self.onRelease = onRelease }
        deinit { onRelease() }
    }

    private static func value(holding sentinel: Sentinel) -> Confined<Value> {
        Confined(.native(NativeFunction("held", arity: 0) { _, _ in withExtendedLifetime(sentinel) {}; return .nil }))
    }

    @Test func releasesRunOnTheExecutorWhileItRunsAndAfterItHasEnded() async throws {
        let executor = ScriptExecutor()
        let released = Locked<[Bool]>([])
        for _ in 0..<200 {
            // Made on the dropping thread and moved into `release`: no copy is left behind there.
            Thread.detachNewThread {
                executor.release(Self.value(holding: Sentinel { released.withLock { $0.append(executor.isCurrent) } }))
            }
        }
        for _ in 0..<60_000 where released.withLock({ $0.count }) < 200 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(released.withLock { $0 } == Array(repeating: true, count: 200), "each released on the executor")

        executor.stop()
        for _ in 0..<60_000 where !executor.hasStopped { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(executor.hasStopped)
        let afterwards = Locked(0)
        for _ in 0..<200 {
            Thread.detachNewThread { executor.release(Self.value(holding: Sentinel { afterwards.withLock { $0 += 1 } })) }
        }
        for _ in 0..<60_000 where afterwards.withLock({ $0 }) < 200 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(afterwards.withLock { $0 } == 200, "released at once by the dropping thread")
    }

    /// A function handle the host drops on a thread of its own releases the function on the executor.
    @Test func aHandleDroppedByTheHostIsReleasedOnTheExecutor() async throws {
        let interpreter = Interpreter(output: { _ in })
        let executor = interpreter.executor
        let releasedOnExecutor = Locked<Bool?>(nil)
        do {
            let sentinel = Sentinel { releasedOnExecutor.withLock { $0 = executor.isCurrent } }
            await interpreter.define("held") { _ in withExtendedLifetime(sentinel) {}; return .nil }
        }
        let handle = Locked<ScrFunction?>(nil)
        if case .function(let function)? = await interpreter.get("held") { handle.withLock { $0 = function } }
        #expect(handle.withLock { $0 } != nil)
        try await interpreter.run("held = nil;")
        #expect(releasedOnExecutor.withLock { $0 } == nil, "the host's handle keeps it")
        Thread.detachNewThread { handle.withLock { $0 = nil } }
        for _ in 0..<60_000 where releasedOnExecutor.withLock({ $0 }) == nil { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(releasedOnExecutor.withLock { $0 } == true)
    }
}
