import CScrSupport

/// Freeing a deep structure without deep recursion. When the last reference to a list goes, Swift
/// frees its elements from inside its `deinit`, and theirs from inside theirs: a list nested 500,000
/// deep, or a linked list of 10^6 instances, went 500,000 frames deep and crashed (issue 22).
///
/// So the `deinit` of a container (instance, list, map, box, closure) counts how deeply `deinit`s
/// are nested on this thread. Up to `maxDepth` it frees its children there and then, by recursion,
/// as Swift would; deeper, it moves them to this thread's worklist instead, and the outermost
/// `deinit` frees the worklist's values one by one when it leaves — each of which frees up to
/// `maxDepth` levels again. The stack stays within `maxDepth` frames whatever the shape.
///
/// The depth is a C thread-local counter (CScrSupport): one instruction each way, where a worklist
/// for every `deinit` (pthread_getspecific and an array append) cost 18% of binary_trees and 28% of
/// closures in instructions. The list is per thread because a script value can be freed outside
/// the executor (a host dropping a `ScriptError` that holds one).
final class Teardown {
    /// Nested `deinit`s that free their children by recursion: about 200 KB of stack at most, within
    /// any thread's (Swift's cooperative threads have 512 KB).
    static let maxDepth = 1_000

    private var values: [Value] = []
    private var boxes: [Box] = []
    private var draining = false

    /// Released when its thread ends (an interpreter's executor thread ends with the interpreter).
    private static let current = ThreadSpecific { pointer in
        if let pointer { Unmanaged<Teardown>.fromOpaque(pointer).release() }
    }

    private static var forThisThread: Teardown {
        if let pointer = current.value { return Unmanaged<Teardown>.fromOpaque(pointer).takeUnretainedValue() }
        return makeForThisThread()
    }

    /// Retained for the thread's life, one small object per thread that frees deep structures. Only
    /// the thread's key holds it, which LeakSanitizer cannot see: fuzz/lsan.supp names this function.
    @inline(never)
    private static func makeForThisThread() -> Teardown {
        let teardown = Teardown()
        current.value = Unmanaged.passRetained(teardown).toOpaque()
        return teardown
    }

    /// Called first in a container's `deinit`: whether it may free its children here (by recursion),
    /// or must `collect` them. Every `enter` is matched by a `leave` at the end of the `deinit`.
    @inline(__always)
    static func enter() -> Bool {
        scr_teardown_enter() <= maxDepth
    }

    /// Called last in a container's `deinit`: the outermost one frees what the deeper ones collected.
    @inline(__always)
    static func leave() {
        if scr_teardown_leave() == 0 && scr_teardown_pending_count() != 0 { forThisThread.drain() }
    }

    // A deep `deinit` collects its children, moving them out of its storage, so that the worklist
    // holds their last reference.

    static func collect(_ values: inout [Value]) {
        let teardown = forThisThread
        teardown.values.append(contentsOf: values)
        scr_teardown_add_pending(values.count)
        values = []
    }

    static func collect(_ value: consuming Value?) {
        guard let value else { return }
        forThisThread.values.append(value)
        scr_teardown_add_pending(1)
    }

    static func collect(_ box: consuming Box) {
        forThisThread.boxes.append(box)
        scr_teardown_add_pending(1)
    }

    private func drain() {
        guard !draining else { return }
        draining = true
        // Each value dropped here may free up to `maxDepth` levels and collect what lies deeper:
        // the loop takes that too.
        while true {
            if let value = values.popLast() {
                scr_teardown_add_pending(-1)
                _ = value
            } else if let box = boxes.popLast() {
                scr_teardown_add_pending(-1)
                _ = box
            } else {
                break
            }
        }
        // The storage goes too: a worklist that once held a long chain would otherwise keep its
        // capacity for the thread's life (and LeakSanitizer, which cannot see the thread's pointer to
        // it, reported it as a leak of every input that freed a deep structure).
        values = []
        boxes = []
        draining = false
    }
}
