import CScrSupport
import NIOCore
import NIOPosix
import Synchronization

/// The interpreter's task executor: one dedicated thread with a large stack that runs jobs in the
/// order they arrive. Every script task prefers it, so script code never runs on two threads at once, ready
/// tasks run first-in first-out (the same program prints the same output every run), and deep
/// recursion has room before the `Stack overflow.` check trips, whatever thread the host calls from.
///
/// Once a script does I/O, the thread becomes a SwiftNIO event loop (`eventLoop`), on which the
/// script's own sockets, pipes and servers live: what arrives on them wakes the waiting task on this
/// thread, and what the script writes goes to the socket from here, with no hand-off between threads
/// (docs/internals.md, "Async I/O"). The jobs then run in turns of the loop (`drain`); between turns,
/// and when there is nothing to run, the loop waits for I/O. Until then the thread waits on a
/// condition variable: a script that does no I/O does not pay for setting up a loop at start.
package final class ScriptExecutor: TaskExecutor, @unchecked Sendable {
    /// The stack of the executor's thread.
    static let stackSize = LargeStack.size
    /// Headroom kept below the stack-overflow check for natives and the runtime's own frames.
    private static let stackMargin = 8 << 20

    private let queue = ConditionLock()
    /// What the thread runs next: a job, or a continuation to resume (which enqueues its task).
    private enum Item {
        case job(UnownedJob)
        case resume(UnsafeContinuation<Void, Never>)
        case start(Confined<() -> Void>)
        /// The last reference to a value a host dropped, to be released here.
        case release(Confined<Value>)
        /// Turn the thread into an event loop (`eventLoopReady`).
        case becomeEventLoop
        case stop
    }

    // Guarded by `queue`: work waiting to run, drained from `head`. A taken item's slot is emptied at
    // once: what it captured (the runtime, say) must not outlive it, or a stopped executor whose
    // array still held it would keep the runtime, and the runtime the executor, alive for ever.
    // Unchecked exclusivity: every access holds `queue`.
    @exclusivity(unchecked) private var jobs: [Item?] = []
    @exclusivity(unchecked) private var head = 0
    /// How many items were ever appended, read without the lock by the thread that watches an empty
    /// queue for a moment before it sleeps; `taken` is how many it took, its own count.
    private let appended = Atomic<Int>(0)
    private var taken = 0
    private let idleSpin = Spin()
    /// Set by the thread once it has stopped and found the queue empty: nothing runs here any more.
    // Guarded by `queue`.
    private var hasEnded = false
    /// Whether a `.stop` was taken: the thread runs what is left in the queue, then ends. Thread-local.
    private var isStopping = false
    /// Whether a turn of `drain` is scheduled on the loop or running: an item appended meanwhile is
    /// run by it, and only an append that finds none schedules one (waking the loop).
    // Guarded by `queue`.
    private var drainScheduled = false
    /// How many items one turn runs before the loop looks at I/O again.
    private static let turnLength = 64
    /// The event loop the thread runs, once something asked for it (`eventLoopReady`); nil before.
    // Guarded by `queue` for writing; read without it only on the executor's thread.
    package private(set) nonisolated(unsafe) var eventLoop: (any EventLoop)?
    /// The lowest stack address script code may reach: the thread reports it before `init` returns.
    private(set) nonisolated(unsafe) var stackLimit: UInt = 0
    /// The executor's thread, also reported before `init` returns.
    private nonisolated(unsafe) var threadID: UInt = 0

    /// Whether the caller runs on the executor's thread (a task that prefers this executor): it may
    /// then touch script state directly, between the executor's other jobs.
    var isCurrent: Bool { Threads.currentID == threadID }

    public init() {
        startThread()
        waitForStackLimit()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        append(.job(UnownedJob(job)))
    }

    /// Resumes `continuation` after everything already queued has run: the task that waits on it goes
    /// to the back of the line. This is how a script task yields.
    func resumeLater(_ continuation: UnsafeContinuation<Void, Never>) {
        append(.resume(continuation))
    }

    /// Runs `start` after everything already queued: a new script task begins when its turn comes,
    /// and holds a Swift task only from then on.
    func startLater(_ start: @escaping () -> Void) {
        append(.start(Confined(start)))
    }

    /// Makes the thread an event loop if it is not one yet, and returns it: the task that asks (on the
    /// executor) resumes on the loop, after what was queued before it.
    func eventLoopReady() async -> any EventLoop {
        if let eventLoop { return eventLoop }
        await withUnsafeContinuation { continuation in
            append(.becomeEventLoop)
            append(.resume(continuation))
        }
        return eventLoop!
    }

    /// Ends the thread once everything queued has run.
    func stop() {
        append(.stop)
    }

    /// Whether the thread has stopped and run everything queued (for tests).
    var hasStopped: Bool { queue.withLock { hasEnded } }

    /// Releases `last` — the last reference to script objects, dropped outside the executor by a host —
    /// where script objects may be released: on the executor's thread, or, once that has ended, here,
    /// under the queue's lock, so that two hosts dropping values at once do not race (no script code
    /// runs any more).
    func release(_ last: consuming Confined<Value>) {
        append(.release(consume last))
    }

    private func append(_ item: consuming Item) {
        queue.lock()
        // After the thread has ended an item would never run: it is dropped here, under the lock,
        // and what it holds is released now. The item is moved, not copied, into the queue: a copy
        // left here could be the last reference, released off the executor once the job has run.
        if hasEnded {
            _ = consume item
            queue.unlock()
            return
        }
        jobs.append(consume item)
        appended.add(1, ordering: .relaxed)
        guard let eventLoop else {
            queue.signal()
            queue.unlock()
            return
        }
        let schedules = !drainScheduled
        drainScheduled = true
        queue.unlock()
        if schedules { eventLoop.execute { self.drain() } }
    }

    /// The thread holds the executor until it stops.
    private func startThread() {
        LargeStack.detach { self.runJobs() }
    }

    /// The name of the executor's thread, as tools (and tests) see it.
    public static let threadName = "scr-executor"

    private func waitForStackLimit() {
        queue.withLock {
            while stackLimit == 0 { queue.wait() }
        }
    }

    private func runJobs() {
        System.nameCurrentThread(ScriptExecutor.threadName)
        queue.withLock {
            stackLimit = currentStackAddress() - UInt(ScriptExecutor.stackSize) + UInt(ScriptExecutor.stackMargin)
            threadID = Threads.currentID
            queue.broadcast()
        }
        while let item = nextItem(waiting: true) {
            if case .becomeEventLoop = item {
                // The rest of the thread's life is the loop's (it returns once the loop has shut down).
                MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
                    self.queue.withLock {
                        self.eventLoop = loop
                        self.drainScheduled = true
                    }
                    loop.execute { self.drain() }
                }
                return
            }
            run(item)
        }
    }

    private func run(_ item: consuming Item) {
        switch item {
        case .job(let job):
            // Not isolated to any serial executor: script code is nonisolated and must run here
            // without hopping, which is what a task executor gives it.
            job.runSynchronously(on: asUnownedTaskExecutor())
        case .resume(let continuation):
            continuation.resume()
        case .start(let start):
            start.value()
        case .release, .becomeEventLoop:
            break  // A release: the item, the value's last reference, goes at the end of this turn.
        case .stop:
            isStopping = true
        }
    }

    /// One turn of the event loop: runs queued items until the queue is empty, or `turnLength` of them
    /// and then schedules the next turn, so that I/O is looked at between turns however busy the
    /// tasks are.
    private func drain() {
        for _ in 0..<ScriptExecutor.turnLength {
            guard let item = nextItem(waiting: false) else { return }
            run(item)
        }
        eventLoop!.execute { self.drain() }
    }

    /// The next item to run. Nil once the executor has stopped and run everything queued (the thread
    /// ends, or the loop shuts down and then the thread). An empty queue: `waiting`, the thread sleeps
    /// until an append; otherwise nil ends the loop's turn (the loop waits for I/O or an append).
    private func nextItem(waiting: Bool) -> Item? {
        // An empty queue is watched for a moment before the thread sleeps: a host calling in from
        // another thread then finds it awake (docs/embedding.md, "Speed").
        if !isStopping, appended.load(ordering: .relaxed) == taken {
            _ = idleSpin.until { appended.load(ordering: .relaxed) != taken }
        }
        queue.lock()
        if isStopping, head == jobs.count {
            hasEnded = true
            jobs = []
            queue.unlock()
            // The loop closes what is still registered on it (a server nobody closed) and ends. Off
            // the lock: closing a channel can wake a task, which appends.
            eventLoop?.shutdownGracefully { _ in }
            return nil
        }
        defer { queue.unlock() }
        while head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
            guard waiting else {
                drainScheduled = false
                return nil
            }
            queue.wait()
        }
        taken += 1
        let item = jobs[head].take()!
        head += 1
        if head > 1024 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return item
    }
}

/// An address near the top of the current thread's stack, for the stack-overflow check: the frame's,
/// from C; a Swift local's address put a stack canary in every call the check is inlined into
/// (fib −2.2%, method_call −1.6%, binary_trees −1.2% instructions).
@inline(__always)
func currentStackAddress() -> UInt {
    UInt(scr_stack_address())
}
