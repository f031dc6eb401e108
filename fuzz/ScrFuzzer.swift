#if canImport(Glibc)
import Glibc
#endif
import Dispatch

// The libFuzzer entry point. `fuzz/run` compiles it into one module with Sources/Scr, so it reaches
// every stage: the lexer, the parser, the analysis and the interpreter, which runs each input for a
// bounded time.

/// How long an input may run before the interpreter is stopped.
private let runningTime = DispatchTimeInterval.milliseconds(50)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    _ = Input.classify(source)
    let executor = run(source)
    waitUntilFreed(executor)
    return 0
}

/// Runs `source` and its spawned tasks to their end or until `runningTime` is up, then stops them:
/// `Interpreter.stop()` must end whatever a script does, or this hangs and libFuzzer reports it.
/// Returns the interpreter's executor, weakly held, to see the interpreter go away.
private func run(_ source: String) -> WeakExecutor {
    let interpreter = Interpreter(output: { _ in }, errors: { _ in })
    let finished = DispatchSemaphore(value: 0)
    Task.detached {
        _ = try? await interpreter.run(source, path: "fuzz-input.scr")
        _ = await interpreter.waitForTasks()
        finished.signal()
    }
    if finished.wait(timeout: .now() + runningTime) == .timedOut {
        interpreter.stop()
        finished.wait()
    }
    return WeakExecutor(interpreter.executor)
}

/// The executor is freed last, once its thread has ended and the runtime that holds it is gone:
/// waiting for that keeps one input's teardown from overlapping the next input (and LeakSanitizer's
/// checks), and turns an interpreter that never goes away into a crash libFuzzer reports.
///
/// The bound is generous: on a machine busy with other builds and tests, a teardown that takes 0.1 s
/// alone took over 10 s once, and a false report stops the whole run.
private func waitUntilFreed(_ executor: WeakExecutor) {
    for _ in 0..<120_000 {
        if executor.value == nil { return }
        usleep(1_000)
    }
    fatalError("the interpreter was not freed within 120 seconds")
}

private final class WeakExecutor: @unchecked Sendable {
    weak var value: ScriptExecutor?
    init(_ value: ScriptExecutor) { self.value = value }
}
