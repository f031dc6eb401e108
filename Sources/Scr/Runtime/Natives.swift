/// The global native functions every interpreter starts with.
enum Natives {
    static func install(in runtime: Runtime) {
        let natives: [NativeFunction] = [
            // Seconds since an arbitrary start: jlox's `clock()` reads the wall clock, but is only
            // ever used for differences, which a clock that never goes back measures better.
            NativeFunction("clock", arity: 0) { _, _ in .number(System.monotonicSeconds()) },
            NativeFunction("spawn", arity: 1) { arguments, context in
                guard case .coroutine(let coroutine) = arguments[0] else {
                    throw context.error("spawn() takes a coroutine, not \(arguments[0].typeName).")
                }
                return .task(try context.runtime.spawn(coroutine, line: context.line, site: context.location))
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
        Library.installPrelude(in: runtime)
    }
}
