import Dispatch
import Scr

/// Tab completion asks the interpreter from libedit's synchronous callback. It waits a little for
/// the executor, and offers nothing rather than freeze the prompt while a long computation runs.
enum BlockingCompletion {
    static let patience = DispatchTimeInterval.milliseconds(300)

    static func blocking(_ completions: @escaping @Sendable () async -> [String]) -> [String] {
        let answer = Answer()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            answer.set(await completions())
            done.signal()
        }
        return done.wait(timeout: .now() + patience) == .success ? answer.get() : []
    }

    private final class Answer: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 1)
        private var value: [String] = []
        func set(_ value: [String]) {
            semaphore.wait()
            self.value = value
            semaphore.signal()
        }
        func get() -> [String] {
            semaphore.wait()
            defer { semaphore.signal() }
            return value
        }
    }
}
