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
