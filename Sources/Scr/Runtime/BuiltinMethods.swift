/// Methods of the built-in types: task methods here; strings, lists and maps in their own files.
extension Runtime {
    /// The method `name` of a non-instance value, bound to it, or nil if it has none.
    func builtinMethod(of receiver: Value, _ name: String) -> Value? {
        switch receiver {
        case .task(let task): taskMethod(task, name)
        default: nil
        }
    }

    private func taskMethod(_ task: TaskObject, _ name: String) -> Value? {
        switch name {
        case "cancel":
            .native(NativeFunction("cancel", arity: 0) { _, _ in
                task.signal(.cancelled)
                return .nil
            })
        case "done":
            .native(NativeFunction("done", arity: 0) { _, _ in .bool(task.isDone) })
        default:
            nil
        }
    }
}
