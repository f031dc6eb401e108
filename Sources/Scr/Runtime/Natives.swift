#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The global native functions every interpreter starts with.
enum Natives {
    static func install(in runtime: Runtime) {
        let natives: [NativeFunction] = [
            NativeFunction("clock", arity: 0) { _, _ in .number(monotonicSeconds()) },
            NativeFunction("spawn", arity: 1) { arguments, context in
                guard case .coroutine(let coroutine) = arguments[0] else {
                    throw context.error("spawn() takes a coroutine, not \(arguments[0].typeName).")
                }
                return .task(try context.runtime.spawn(coroutine, line: context.line))
            },
            NativeFunction("sleep", arity: 1) { arguments, context in
                guard case .number(let seconds) = arguments[0], !seconds.isNaN else {
                    throw context.error("sleep() takes a number of seconds.")
                }
                return .coroutine(Coroutine(name: "sleep") {
                    try await context.runtime.sleep(seconds, line: context.line)
                    return .nil
                })
            },
            NativeFunction("gather", arity: 0...255) { arguments, context in
                .coroutine(Coroutine(name: "gather") {
                    try await context.runtime.gather(arguments, line: context.line)
                })
            },
        ]
        for native in natives {
            runtime.globals.define(native.name, .native(native))
        }
        installConversions(in: runtime)
    }

    /// Seconds since an arbitrary start, as jlox's `clock()` (which reads the wall clock) is only ever
    /// used for differences.
    private static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
