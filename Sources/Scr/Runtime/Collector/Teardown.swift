/// Freeing a deep structure without recursion. When the last reference to a list goes, Swift frees
/// its elements from inside its `deinit`, and theirs from inside theirs: a list nested 500,000 deep,
/// or a linked list of 10^6 instances, went 500,000 frames deep and crashed (issue 22).
///
/// So a container's `deinit` hands its children to this thread's worklist instead of dropping them,
/// and the outermost `deinit` drops them one by one: a child freed then hands its own children to the
/// same list, and the stack stays one `deinit` deep whatever the shape. The list is per thread because
/// a script value can be freed outside the executor (a host dropping a `ScriptError` that holds one).
final class Teardown {
    private var values: [Value] = []
    private var boxes: [Box] = []
    private var draining = false

    private static let current = ThreadSpecific()

    private static var forThisThread: Teardown {
        if let pointer = current.value { return Unmanaged<Teardown>.fromOpaque(pointer).takeUnretainedValue() }
        // Retained for the thread's life (one small object per thread that frees script values).
        let teardown = Teardown()
        current.value = Unmanaged.passRetained(teardown).toOpaque()
        return teardown
    }

    // A `deinit` collects its children (moving them out of its storage, so that nothing else holds
    // them), then calls `drain()` last: a child's last reference is then the worklist's.

    /// Moves the references in `values` to the worklist; whether there were any.
    @discardableResult
    static func collect(_ values: inout [Value]) -> Bool {
        guard values.contains(where: \.canHoldReferences) else { return false }
        forThisThread.values.append(contentsOf: values)
        values = []
        return true
    }

    @discardableResult
    static func collect(_ value: consuming Value?) -> Bool {
        guard let value, value.canHoldReferences else { return false }
        forThisThread.values.append(value)
        return true
    }

    static func collect(_ box: consuming Box) {
        forThisThread.boxes.append(box)
    }

    /// Frees what was collected, unless a `deinit` further out on this thread is already doing so.
    static func drain() {
        forThisThread.drainIfOutermost()
    }

    private func drainIfOutermost() {
        guard !draining else { return }
        draining = true
        // Each value dropped here may run a `deinit` that appends more: the loop takes them too.
        while true {
            if let value = values.popLast() {
                _ = value
            } else if let box = boxes.popLast() {
                _ = box
            } else {
                break
            }
        }
        draining = false
    }
}

extension Value {
    /// Whether the value is an object that can hold others (a string, a number cannot).
    fileprivate var canHoldReferences: Bool {
        switch self {
        case .nil, .bool, .number, .string, .native: false
        default: true
        }
    }
}
