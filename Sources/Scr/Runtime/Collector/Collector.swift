/// The interpreter's cycle collector. Reference counting frees script objects the moment nothing
/// refers to them, but not a group that refers only to itself (a closure whose captured variable
/// holds the closure, an instance with a field holding itself). The collector finds those groups the
/// way CPython's does, by trial deletion, with Swift's own reference counts:
///
/// 1. For each object of the generation being collected, take its strong reference count.
/// 2. Subtract the references that come from objects of the same generation. What is left are
///    references from outside: frames, globals, Swift code running now, tasks, older objects.
/// 3. Objects with references left are alive, and so is everything they reach.
/// 4. The rest is garbage kept alive only by itself: its references are cleared, and reference
///    counting frees it.
///
/// It is sound as long as `forEachReference` never reports a reference an object does not hold: an
/// unreported one (a coroutine's captured frame, say) only makes an object look referenced from
/// outside, and keeps it. New objects go to the young generation, collected every
/// `youngThreshold` tracked allocations; survivors move to the old one, collected with it when it
/// has doubled since its last collection. (Measured on bench/programs/binary_trees.scr, which keeps
/// a large tree alive: a young generation of 10,000 and an old one collected at +50% took 10% of
/// its time in perf's profile; these settings, 3%.)
final class Collector {
    static let notCollecting = -1
    static let reachable = Int.max
    static let youngThreshold = 50_000

    private let young = Generation()
    private let old = Generation()
    // Unchecked exclusivity: counted at every tracked allocation, on the executor.
    @exclusivity(unchecked) private var allocations = 0
    private var oldSurvivors = 0
    private var promotedSinceFullCollection = 0

    /// Starts looking after a new object. May run a collection first, so call it with `object`
    /// fully made and held.
    @inline(__always)
    func track(_ object: CollectedObject) {
        young.append(object)
        allocations += 1
        if allocations >= Collector.youngThreshold { collectYoung() }
    }

    private func collectYoung() {
        allocations = 0
        let survivors = collect(young)
        old.takeAll(from: young)
        promotedSinceFullCollection += survivors
        if promotedSinceFullCollection > max(Collector.youngThreshold, oldSurvivors) {
            collectEverything()
        }
    }

    /// Collects both generations; what survives becomes old.
    func collectEverything() {
        allocations = 0
        old.takeAll(from: young)
        oldSurvivors = collect(old)
        promotedSinceFullCollection = 0
    }

    /// Frees the garbage cycles of `generation`; returns how many objects survive.
    private func collect(_ generation: Generation) -> Int {
        generation.forEach { address, object in object.unexplained = swiftRetainCount(address) }
        var subtract = Traversal(.subtract)
        generation.forEach { _, object in object.forEachReference(&subtract) }

        var markReachable = Traversal(.markReachable)
        generation.forEach { _, object in
            if object.unexplained > 0 { markReachable.visit(object) }
        }
        while let object = markReachable.pending.popLast() { object.forEachReference(&markReachable) }

        var garbage: [CollectedObject] = []
        var survivors = 0
        generation.forEach { _, object in
            if object.unexplained == Collector.reachable { survivors += 1 } else { garbage.append(object) }
            object.unexplained = Collector.notCollecting
        }
        // `garbage` holds them all while they let go of each other; they go when it does.
        for object in garbage { object.clearReferences() }
        return survivors
    }
}

/// The strong reference count of a Swift object, from the runtime.
@_silgen_name("swift_retainCount")
func swiftRetainCount(_ object: UnsafeMutableRawPointer) -> Int
