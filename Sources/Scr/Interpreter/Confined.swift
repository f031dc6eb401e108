/// Script values and the objects behind them are not `Sendable`, and need not be: every one of them is
/// created, read and changed only on the interpreter's serial executor, one piece of script code at a
/// time. Where the type system must carry such a value across a concurrency boundary that in fact
/// never leaves that executor (an error thrown through a Swift `Task`, a task's result), it travels in
/// a `Confined`. This is the one place that claims it.
struct Confined<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

// The same confinement is why the cycle collector (Runtime/Collector) may read reference counts and
// walk the objects without locks: they change only on that executor.

// And why the properties marked `@exclusivity(unchecked)` are safe without Swift's dynamic
// exclusivity checks: they are script state, touched only on that executor, and no access to one of
// them is held open while script code (which could access it again) runs. Each says so where it is
// declared. Unchecked, the hot paths run as fast as with the `-enforce-exclusivity=unchecked` flag
// the package used to pass, which a library product cannot (issue 26; fib ran 32% more
// instructions with the checks, properties 66%).

// And why the objects between a script's channels and its tasks need no lock: an `Inbox` (the bytes
// a socket or pipe received) and an `IOQueue` (accepted connections, HTTP requests). Their channels
// live on the event loop that the executor's own thread runs (`ScriptExecutor`), so the loop fills
// them and the script empties them on one thread; uncontended, their locks still cost seven
// lock-and-unlock pairs an echo round trip. `ThreadConfinement` checks it in debug builds.

/// The thread that made an object, which its methods check is theirs in debug builds.
struct ThreadConfinement {
    #if DEBUG
    private let owner = Threads.currentID
    #endif

    @inline(__always)
    func check() {
        #if DEBUG
        assert(Threads.currentID == owner, "touched off the thread of the executor that made it")
        #endif
    }
}
