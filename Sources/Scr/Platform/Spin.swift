import CScrSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How long a thread spins before it sleeps, waiting for another thread's answer that usually comes
/// within microseconds: a sleeping thread costs tens of microseconds to wake on an idle machine, and
/// a hop onto the executor and back is two wake-ups (docs/embedding.md, "Speed").
///
/// The limit adapts, as an adaptive mutex's spin count does: it doubles (up to 50 µs) each time a spin
/// ends with the answer and halves (down to 2 µs) each time it gives up. On an idle machine a host
/// calling in a loop gets its answers while spinning; on a busy one, where the thread it waits for is
/// waiting for a core, failed spins soon cut the spinning to almost nothing instead of taking the
/// core that thread needs. Each waiting site keeps its own (the executor's idle queue, the callers).
package final class Spin: Sendable {
    private static let longest = 50_000
    private static let shortest = 2_000
    /// Spinning only helps when the thread waited for can run on another core meanwhile.
    private static let canSpin = sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1

    private let limit = Atomic<Int>(Spin.longest)  // nanoseconds

    package init() {}

    /// Spins until `done` returns true or the limit has passed; returns whether it became true.
    package func until(_ done: () -> Bool) -> Bool {
        if done() { return true }
        guard Spin.canSpin else { return false }
        let nanoseconds = limit.load(ordering: .relaxed)
        let clock = ContinuousClock()
        let deadline = clock.now + .nanoseconds(nanoseconds)
        while true {
            for _ in 0..<32 {
                scr_cpu_relax()
                if done() {
                    limit.store(min(Spin.longest, nanoseconds * 2), ordering: .relaxed)
                    return true
                }
            }
            if clock.now >= deadline { break }
        }
        limit.store(max(Spin.shortest, nanoseconds / 2), ordering: .relaxed)
        return done()
    }
}
