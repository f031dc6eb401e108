/// The coordination primitives of asyncio, as globals: `Lock`, `Event`, `Semaphore(n)`,
/// `Queue(maxSize?)`, `timeout(seconds, awaitable)`, `waitFirst(list)` and `withLock(lock, fn)`.
///
/// Fairness: waiters are served first come, first served. What a waiter is given (the lock, a
/// permit, an item) is handed to it at once, before it runs again; if it is cancelled in between,
/// it passes what it was given on (see `Waiter`), so a cancelled waiter never takes an item or
/// keeps a lock. Like everything scripts touch, these objects live on the executor.
enum AsyncLibrary {
    static func members(_ runtime: Runtime) -> [(String, Value)] {
        [
            native("Lock", 0) { call in .object(call.runtime.track(ScriptLock())) },
            native("Event", 0) { call in .object(call.runtime.track(ScriptEvent())) },
            native("Semaphore", 0...1) { call in
                let permits = call.count > 0 ? try call.integer(0, "permits") : 1
                guard permits >= 0 else { throw call.valueError("Semaphore() permits can't be negative: \(permits).") }
                return .object(call.runtime.track(ScriptSemaphore(permits)))
            },
            native("Queue", 0...1) { call in
                let maxSize = call.optional(0) == nil ? 0 : try call.integer(0, "maxSize")
                guard maxSize >= 0 else { throw call.valueError("Queue() maxSize can't be negative: \(maxSize).") }
                return .object(call.runtime.track(ScriptQueue(maxSize: maxSize)))
            },
            native("timeout", 2) { call in
                let seconds = try call.number(0, "seconds")
                guard !seconds.isNaN else { throw call.valueError("timeout() takes a number of seconds, not NaN.") }
                let awaitable = try call.awaitableArgument(1)
                return call.awaitable { try await call.runtime.timeout(seconds, awaitable, line: call.context.line) }
            },
            native("waitFirst", 1) { call in
                let list = try call.list(0, "argument")
                guard !list.elements.isEmpty else { throw call.valueError("waitFirst() of an empty list.") }
                for element in list.elements {
                    switch element {
                    case .coroutine, .task: continue
                    default: throw call.error("waitFirst() takes a list of coroutines and tasks, not \(element.typeName).")
                    }
                }
                let awaitables = list.elements
                return call.awaitable { try await call.runtime.waitFirst(awaitables, line: call.context.line) }
            },
            native("withLock", 2) { call in
                guard case .object(let object) = call.arguments[0], let lock = object as? ScriptLock else {
                    throw call.error("withLock() takes a Lock as its first argument, not \(call.arguments[0].typeName).")
                }
                let function = try call.callable(1, "second argument")
                return call.awaitable {
                    try await lock.acquire(call)
                    defer { lock.release() }
                    let result = try call.call(function, [])
                    guard case .coroutine = result else { return result }
                    return try await call.runtime.await(result, line: call.context.line)
                }
            },
        ]
    }
}

extension ArgumentChecking {
    /// A coroutine or a task, which the library may await.
    func awaitableArgument(_ index: Int) throws -> Value {
        switch arguments[index] {
        case .coroutine, .task: return arguments[index]
        default: throw error("\(name)() takes a coroutine or a task, not \(arguments[index].typeName).")
        }
    }
}

/// A task waiting on a primitive: suspended on `shot` until it is `granted` what it waits for.
final class Waiter {
    let shot = OneShot()
    /// Set, with `value`, by whoever hands the waiter what it waits for, before firing `shot`.
    var granted = false
    var value: Value = .nil

    /// Hands the waiter what it waits for (`value`, for a queue's getter) and wakes it.
    func grant(_ value: Value = .nil) {
        self.value = value
        granted = true
        shot.fire()
    }
}

/// A first-come-first-served line of waiters. A class: a waiter suspends while others change the line.
final class WaitLine {
    private var waiters: [Waiter] = []
    private var head = 0
    /// What its waiters wait for, as `.tasks` says it: `Lock`, `Queue.get()`, …
    let what: String

    init(_ what: String) {
        self.what = what
    }

    var isEmpty: Bool { head == waiters.count }
    var count: Int { waiters.count - head }

    func append(_ waiter: Waiter) { waiters.append(waiter) }

    func popFirst() -> Waiter? {
        guard head < waiters.count else { return nil }
        defer {
            head += 1
            if head > 64 && head * 2 > waiters.count {
                waiters.removeFirst(head)
                head = 0
            }
        }
        return waiters[head]
    }

    /// Grants the first waiter, if any; whether there was one.
    func grantFirst() -> Bool {
        guard let first = popFirst() else { return false }
        first.grant()
        return true
    }

    func remove(_ waiter: Waiter) {
        if let index = waiters[head...].firstIndex(where: { $0 === waiter }) { waiters.remove(at: index) }
    }

    var values: [Value] { waiters[head...].map(\.value) }

    /// Waits in this line until granted; if the task is cancelled first, leaves the line, and if it
    /// is cancelled after being granted, calls `giveBack` with the value before rethrowing.
    func wait(_ waiter: Waiter, _ call: NativeCall, giveBack: (Waiter) -> Void) async throws {
        append(waiter)
        do {
            try await call.runtime.suspendCurrent(on: waiter.shot, line: call.context.line, reason: .primitive(what))
        } catch {
            if waiter.granted { giveBack(waiter) } else { remove(waiter) }
            throw error
        }
    }
}

/// `Lock()`: `await lock.acquire()`, `lock.release()`, `lock.locked()`.
final class ScriptLock: NativeObject {
    private var isLocked = false
    private let waiting = WaitLine("Lock")

    override var typeName: String { "Lock" }
    override var description: String { "<Lock \(isLocked ? "locked" : "unlocked")\(waiting.isEmpty ? "" : ", \(waiting.count) waiting")>" }
    override var methodNames: [String] { Self.methods }
    private static let methods = ["acquire", "release", "locked"]

    override func callMethod(_ call: NativeCall) throws -> Value? {
        switch call.name {
        case "acquire":
            try call.expect(0...0)
            return call.awaitable {
                try await self.acquire(call)
                return .nil
            }
        case "release":
            try call.expect(0...0)
            guard isLocked else { throw call.valueError("release() of a Lock that is not locked.") }
            release()
            return .nil
        case "locked":
            try call.expect(0...0)
            return .bool(isLocked)
        default:
            return nil
        }
    }

    func acquire(_ call: NativeCall) async throws {
        try call.runtime.currentTask.raisePendingSignal(line: call.context.line)
        guard isLocked else {
            isLocked = true
            return
        }
        // Granted: `release` handed the lock over, still locked, to this waiter.
        try await waiting.wait(Waiter(), call) { _ in release() }
    }

    func release() {
        if !waiting.grantFirst() { isLocked = false }
    }
}

/// `Semaphore(n)`: `await s.acquire()`, `s.release()`, `s.value()`.
final class ScriptSemaphore: NativeObject {
    private var permits: Int
    private let waiting = WaitLine("Semaphore")

    init(_ permits: Int) { self.permits = permits }

    override var typeName: String { "Semaphore" }
    override var description: String { "<Semaphore \(permits)\(waiting.isEmpty ? "" : ", \(waiting.count) waiting")>" }
    override var methodNames: [String] { Self.methods }
    private static let methods = ["acquire", "release", "value"]

    override func callMethod(_ call: NativeCall) throws -> Value? {
        switch call.name {
        case "acquire":
            try call.expect(0...0)
            return call.awaitable {
                try call.runtime.currentTask.raisePendingSignal(line: call.context.line)
                if self.permits > 0 {
                    self.permits -= 1
                    return .nil
                }
                try await self.waiting.wait(Waiter(), call) { _ in self.release() }
                return .nil
            }
        case "release":
            try call.expect(0...0)
            release()
            return .nil
        case "value":
            try call.expect(0...0)
            return .number(Double(permits))
        default:
            return nil
        }
    }

    private func release() {
        if !waiting.grantFirst() { permits += 1 }
    }
}

/// `Event()`: `await e.wait()`, `e.set()`, `e.clear()`, `e.isSet()`.
final class ScriptEvent: NativeObject {
    private var isSet = false
    private let waiting = WaitLine("Event")

    override var typeName: String { "Event" }
    override var description: String { "<Event \(isSet ? "set" : "clear")>" }
    override var methodNames: [String] { Self.methods }
    private static let methods = ["wait", "set", "clear", "isSet"]

    override func callMethod(_ call: NativeCall) throws -> Value? {
        switch call.name {
        case "wait":
            try call.expect(0...0)
            return call.awaitable {
                try call.runtime.currentTask.raisePendingSignal(line: call.context.line)
                if self.isSet { return .nil }
                try await self.waiting.wait(Waiter(), call) { _ in }
                return .nil
            }
        case "set":
            try call.expect(0...0)
            isSet = true
            while waiting.grantFirst() {}
            return .nil
        case "clear":
            try call.expect(0...0)
            isSet = false
            return .nil
        case "isSet":
            try call.expect(0...0)
            return .bool(isSet)
        default:
            return nil
        }
    }
}

/// `Queue(maxSize?)`: `await q.put(x)`, `await q.get()`, `q.size()`, `q.isEmpty()`; with a
/// `maxSize` (0: unbounded), `put` waits while the queue is full.
final class ScriptQueue: NativeObject {
    private let maxSize: Int
    private var items: [Value] = []
    private var head = 0
    private let getters = WaitLine("Queue.get()")
    private let putters = WaitLine("Queue.put()")

    init(maxSize: Int) { self.maxSize = maxSize }

    override var typeName: String { "Queue" }
    override var description: String { "<Queue \(items.count - head)\(maxSize > 0 ? "/\(maxSize)" : "")>" }
    override var methodNames: [String] { Self.methods }
    private static let methods = ["put", "get", "size", "isEmpty"]

    override func forEachReference(_ visit: inout Traversal) {
        visit.visit(Array(items[head...]))
        visit.visit(putters.values)
    }

    override func clearReferences() {
        items = []
        head = 0
    }

    private var size: Int { items.count - head }

    override func callMethod(_ call: NativeCall) throws -> Value? {
        switch call.name {
        case "put":
            try call.expect(1...1)
            let item = call.arguments[0]
            return call.awaitable {
                try call.runtime.currentTask.raisePendingSignal(line: call.context.line)
                if let getter = self.getters.popFirst() {
                    getter.grant(item)
                } else if self.maxSize == 0 || self.size < self.maxSize {
                    self.items.append(item)
                } else {
                    // Granted: a `get` made room and moved this item into the queue.
                    let waiter = Waiter()
                    waiter.value = item
                    try await self.putters.wait(waiter, call) { _ in }
                }
                return .nil
            }
        case "get":
            try call.expect(0...0)
            return call.awaitable {
                try call.runtime.currentTask.raisePendingSignal(line: call.context.line)
                if self.size > 0 { return self.takeFirst() }
                let waiter = Waiter()
                // Cancelled after an item was handed over: it goes back to the front of the queue.
                try await self.getters.wait(waiter, call) { waiter in self.giveBack(waiter.value) }
                return waiter.value
            }
        case "size":
            try call.expect(0...0)
            return .number(Double(size))
        case "isEmpty":
            try call.expect(0...0)
            return .bool(size == 0)
        default:
            return nil
        }
    }


    private func takeFirst() -> Value {
        let item = items[head]
        items[head] = .nil
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        // Room for the first waiting putter's item.
        if let putter = putters.popFirst() {
            items.append(putter.value)
            putter.grant()
        }
        return item
    }

    private func giveBack(_ item: Value) {
        if let getter = getters.popFirst() {
            getter.grant(item)
        } else if head > 0 {
            head -= 1
            items[head] = item
        } else {
            items.insert(item, at: 0)
        }
    }
}

extension Runtime {
    /// `timeout(seconds, awaitable)`: the awaitable's result, or, if it takes longer, a
    /// `TimeoutError` after it has been cancelled (and its `finally` blocks have run).
    func timeout(_ seconds: Double, _ awaitable: Value, line: Int) async throws -> Value {
        let task = try taskOf(awaitable, line: line)
        task.isObserved = true
        let waiter = OneShot()
        var timedOut = false
        task.whenDone { waiter.fire() }
        let timer = Task.detached {
            try? await Task.sleep(nanoseconds: UInt64(min(max(seconds, 0), 1e9) * 1e9))
            waiter.fire()
        }
        defer { timer.cancel() }
        do {
            if !task.isDone { try await suspendCurrent(on: waiter, line: line, reason: .tasks([task.id])) }
            timedOut = !task.isDone
        } catch {
            task.signal(.cancelled)
            throw error
        }
        if timedOut {
            task.signal(.cancelled)
            try await wait(for: [task], line: line)
            throw ScriptError("timeout() after \(NumberFormatting.format(seconds)) seconds.", line: line,
                              class: .timeoutError)
        }
        return try await self.await(.task(task), line: line)
    }

    /// `waitFirst(list)`: the first of the tasks (coroutines are started as tasks) to finish.
    func waitFirst(_ awaitables: [Value], line: Int) async throws -> Value {
        let tasks = try awaitables.map { try taskOf($0, line: line) }
        if let done = tasks.first(where: \.isDone) { return .task(done) }
        let waiter = OneShot()
        var first: TaskObject?
        for task in tasks {
            task.whenDone {
                if first == nil { first = task }
                waiter.fire()
            }
        }
        try await suspendCurrent(on: waiter, line: line, reason: .tasks(tasks.map(\.id)))
        return .task(first!)
    }

    private func taskOf(_ awaitable: Value, line: Int) throws -> TaskObject {
        switch awaitable {
        case .task(let task): return task
        case .coroutine(let coroutine): return try spawn(coroutine, line: line)
        default: throw ScriptError("Can only await coroutines and tasks.", line: line, class: .typeError)
        }
    }
}
