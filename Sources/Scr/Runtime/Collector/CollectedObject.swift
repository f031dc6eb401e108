/// An object the cycle collector looks after: one of the script objects that can refer to others
/// (boxes, closures, bound methods, classes, instances, lists, maps, coroutines and tasks). Reference counting frees
/// them as soon as nothing refers to them; the collector finds the ones that only keep each other
/// alive (see `Collector`).
package class CollectedObject {
    /// The neighbours in the collector's list of its generation; unretained, for the list must not
    /// keep anything alive. Both nil until the object is tracked.
    // Unchecked exclusivity: linked and unlinked on the executor, without calling out.
    @exclusivity(unchecked) var previous: Unmanaged<CollectedObject>?
    @exclusivity(unchecked) var next: Unmanaged<CollectedObject>?
    /// During a collection: the references to the object not yet explained by other objects in the
    /// generation being collected. `Collector.notCollecting` otherwise.
    // Unchecked exclusivity: counted on the executor during a collection.
    @exclusivity(unchecked) var unexplained = Collector.notCollecting

    deinit {
        unlink()
    }

    /// Calls `visit` once for each strong reference this object holds to another collected object.
    func forEachReference(_ visit: inout Traversal) {}

    /// Drops the references that can close a cycle, for an object that is garbage. Only the mutable
    /// objects need to: every cycle runs through one of them.
    func clearReferences() {}

    func unlink() {
        guard let previous, let next else { return }
        previous._withUnsafeGuaranteedRef { $0.next = next }
        next._withUnsafeGuaranteedRef { $0.previous = previous }
        self.previous = nil
        self.next = nil
    }
}

/// What the collector does with each reference `forEachReference` reports: one of its two passes.
struct Traversal {
    enum Pass {
        /// Takes the reference off the target's count of references from outside.
        case subtract
        /// Marks the target reachable, and queues it to visit what it refers to.
        case markReachable
    }

    let pass: Pass
    /// Objects marked reachable whose references are still to be visited.
    var pending: [CollectedObject] = []
    /// Shared storage already visited: a Swift array shared by two objects (a list made from a map's
    /// keys, before either changes) holds one reference per element, not two; so do the key tables
    /// two copies of a map share. Buffers with one owner, nearly all of them, are not recorded
    /// (docs/internals.md, "What a collection costs").
    private var sharedBuffers = AddressSet()

    init(_ pass: Pass) { self.pass = pass }

    mutating func visit(_ target: CollectedObject) {
        guard target.isBeingCollected else { return }
        switch pass {
        case .subtract:
            if target.unexplained > 0 { target.unexplained -= 1 }
        case .markReachable:
            if target.unexplained != Collector.reachable {
                target.unexplained = Collector.reachable
                pending.append(target)
            }
        }
    }

    mutating func visit(_ value: Value) {
        if let target = value.unretainedCollected { target._withUnsafeGuaranteedRef { visit($0) } }
    }

    /// Whether the subtracting pass meets `container` (storage that two objects may share, as
    /// `OrderedMap`'s tables) for the first time: its references must be subtracted once.
    mutating func isFirstVisit(to container: AnyObject) -> Bool {
        pass != .subtract || sharedBuffers.insert(UnsafeRawPointer(Unmanaged.passUnretained(container).toOpaque()))
    }

    /// `visit(values)` for an array stored in a class: an inout access reads it in place, where a
    /// plain read would retain its buffer and make it look shared (`ownsItsBuffer`).
    mutating func visit(inPlace values: inout [Value]) { visit(values) }

    /// Visits the values where the array holds them: a loop over copies retained and released each
    /// element (three quarters of the time spent on a map of six entries).
    mutating func visit(_ values: [Value]) {
        values.withUnsafeBufferPointer { buffer in
            guard let address = buffer.baseAddress else { return }
            if pass == .subtract && !Traversal.ownsItsBuffer(values) && !sharedBuffers.insert(address) { return }
            for index in buffer.indices {
                if let target = buffer[index].unretainedCollected { target._withUnsafeGuaranteedRef { visit($0) } }
            }
        }
    }
}

extension Traversal {
    /// Whether `values` is the only array on its buffer: the buffer object's strong count is 1. An
    /// array is one reference to that object (ValueLayoutTests pins it). A count raised by a copy in
    /// flight only sends the array to `sharedBuffers`, which is right for any count; so the callers
    /// pass their arrays in place (`OrderedMap.forEachReference` is `mutating` for that).
    @inline(__always)
    static func ownsItsBuffer(_ values: [Value]) -> Bool {
        swiftRetainCount(unsafeBitCast(values, to: UnsafeMutableRawPointer.self)) == 1
    }
}

extension Value {
    /// The collected object the value holds, unretained (the value keeps it alive); nil for values
    /// that hold none (strings, natives and modules are not collected: they refer to no script object).
    @inline(__always)
    var unretainedCollected: Unmanaged<CollectedObject>? {
        switch self {
        case .function(let closure): Unmanaged.passUnretained(closure)
        case .boundMethod(let method): Unmanaged.passUnretained(method)
        case .class(let klass): Unmanaged.passUnretained(klass)
        case .instance(let instance): Unmanaged.passUnretained(instance)
        case .list(let list): Unmanaged.passUnretained(list)
        case .map(let map): Unmanaged.passUnretained(map)
        case .object(let object): Unmanaged.passUnretained(object)
        case .coroutine(let coroutine): Unmanaged.passUnretained(coroutine)
        case .task(let task): Unmanaged.passUnretained(task)
        case .nil, .bool, .number, .string, .native, .module: nil
        }
    }
}

/// The collector's lists: circular, doubly linked through the objects themselves, from a sentinel.
final class Generation {
    let sentinel = CollectedObject()

    init() {
        let me = Unmanaged.passUnretained(sentinel)
        sentinel.previous = me
        sentinel.next = me
    }

    /// Objects still alive when their collector goes (only those in cycles it could not see) leave
    /// the list, so that their own end does not touch it.
    deinit {
        let end = Unmanaged.passUnretained(sentinel).toOpaque()
        var current = sentinel.next
        while let object = current, object.toOpaque() != end {
            current = object._withUnsafeGuaranteedRef { $0.next }
            object._withUnsafeGuaranteedRef {
                $0.previous = nil
                $0.next = nil
            }
        }
        sentinel.previous = nil
        sentinel.next = nil
    }

    var isEmpty: Bool { sentinel.next?.toOpaque() == Unmanaged.passUnretained(sentinel).toOpaque() }

    func append(_ object: CollectedObject) {
        let last = sentinel.previous!
        let node = Unmanaged.passUnretained(object)
        object.previous = last
        object.next = Unmanaged.passUnretained(sentinel)
        last._withUnsafeGuaranteedRef { $0.next = node }
        sentinel.previous = node
    }

    /// Moves every object of `other` to the end of this list.
    func takeAll(from other: Generation) {
        guard !other.isEmpty else { return }
        let first = other.sentinel.next!, last = other.sentinel.previous!
        let mine = sentinel.previous!
        mine._withUnsafeGuaranteedRef { $0.next = first }
        first._withUnsafeGuaranteedRef { $0.previous = mine }
        last._withUnsafeGuaranteedRef { $0.next = Unmanaged.passUnretained(self.sentinel) }
        sentinel.previous = last
        let theirs = Unmanaged.passUnretained(other.sentinel)
        other.sentinel.next = theirs
        other.sentinel.previous = theirs
    }

    /// Calls `body` with each object, unretained: nothing here may change the list.
    func forEach(_ body: (UnsafeMutableRawPointer, CollectedObject) -> Void) {
        let end = Unmanaged.passUnretained(sentinel).toOpaque()
        var current = sentinel.next!
        while current.toOpaque() != end {
            current._withUnsafeGuaranteedRef { body(current.toOpaque(), $0) }
            current = current._withUnsafeGuaranteedRef { $0.next! }
        }
    }
}

extension CollectedObject {
    @inline(__always)
    var isBeingCollected: Bool { unexplained != Collector.notCollecting }
}
