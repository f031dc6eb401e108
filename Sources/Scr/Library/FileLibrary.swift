/// `io`: files and directories. `readFile`, `writeFile` and the rest block the executor until the
/// system call returns, as Python's `open()` blocks asyncio's loop: fine for the files a script
/// reads at start. Their async forms `await io.read(path)`, `io.write` and `io.append` run on NIO's
/// thread pool, so a big file does not stall the other tasks. Failures are `IOError`s naming the
/// path and the system's reason.
enum FileLibrary {
    static func members(_ runtime: Runtime) -> [(String, Value)] {
        [
            native("readFile", 1) { call in
                let path = try call.string(0, "path")
                return .string(String(decoding: try io(call, "read", path) { try System.readFile(path) }, as: UTF8.self))
            },
            native("readLines", 1) { call in
                let path = try call.string(0, "path")
                let text = String(decoding: try io(call, "read", path) { try System.readFile(path) }, as: UTF8.self)
                var lines = text.splitText(by: "\n")
                if lines.last == "" { lines.removeLast() }
                return call.list(lines.map { .string($0.hasSuffix("\r") ? String($0.dropLast()) : $0) })
            },
            native("read", 1) { call in
                let path = try call.string(0, "path")
                return call.awaitable {
                    let bytes = try await offExecutor(call, "read", path) { try System.readFile(path) }
                    return .string(String(decoding: bytes, as: UTF8.self))
                }
            },
            native("write", 2) { call in try writeAsync(call, append: false) },
            native("append", 2) { call in try writeAsync(call, append: true) },
            native("writeFile", 2) { call in try write(call, append: false) },
            native("appendFile", 2) { call in try write(call, append: true) },
            native("exists", 1) { call in .bool(System.pathKind(try call.string(0, "path")) != nil) },
            native("isDir", 1) { call in .bool(System.pathKind(try call.string(0, "path")) == .directory) },
            native("listDir", 0...1) { call in
                let path = call.count > 0 ? try call.string(0, "path") : "."
                return call.list(try io(call, "list", path) { try System.listDirectory(path) }.map { .string($0) })
            },
            native("remove", 1) { call in
                let path = try call.string(0, "path")
                try io(call, "remove", path) { try System.remove(path) }
                return .nil
            },
            native("mkdir", 1) { call in
                let path = try call.string(0, "path")
                try io(call, "make directory", path) { try System.makeDirectory(path) }
                return .nil
            },
            Prelude.eprint(),
        ]
    }

    private static func write(_ call: NativeCall, append: Bool) throws -> Value {
        let path = try call.string(0, "path")
        let text = try call.string(1, "text")
        try io(call, "write", path) { try System.writeFile(path, Array(text.utf8), append: append) }
        return .nil
    }

    private static func writeAsync(_ call: NativeCall, append: Bool) throws -> Value {
        let path = try call.string(0, "path")
        let bytes = Array(try call.string(1, "text").utf8)
        return call.awaitable {
            try await offExecutor(call, "write", path) { try System.writeFile(path, bytes, append: append) }
            return .nil
        }
    }

    /// Runs a system call on NIO's thread pool while the task waits; its failure is an `IOError`.
    @discardableResult
    private static func offExecutor<T: Sendable>(
        _ call: NativeCall, _ verb: String, _ path: String, _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        do {
            return try await call.runtime.awaitIO(call.runtime.runBlocking(body), line: call.context.line)
        } catch {
            throw call.runtime.ioError(error, "\(verb) '\(path)'", line: call.context.line)
        }
    }

    /// Runs a system call; its failure is an `IOError`: `Can't read 'x.txt': No such file or directory.`
    @discardableResult
    private static func io<T>(_ call: NativeCall, _ verb: String, _ path: String, _ body: () throws -> T)
        throws -> T
    {
        do {
            return try body()
        } catch let failure as System.Failure {
            throw call.error("Can't \(verb) '\(path)': \(failure.reason).", class: .ioError)
        }
    }
}

/// `os`: the process's environment, arguments, directory and platform, and `exit`.
enum OSLibrary {
    static func members(_ runtime: Runtime) -> [(String, Value)] {
        [
            native("env", 1...2) { call in
                let name = try call.string(0, "name")
                return System.environment(name).map { .string($0) } ?? (call.count > 1 ? call.arguments[1] : .nil)
            },
            native("cwd", 0) { _ in .string(System.currentDirectory()) },
            native("pid", 0) { _ in .number(Double(System.processID)) },
            ("args", runtime.globals.value(of: "args") ?? .list(runtime.track(ListObject([])))),
            ("platform", .string(System.platform)),
            Prelude.exit(),
        ]
    }
}

/// `time`: the wall clock, a clock that never goes back, and formatting.
enum TimeLibrary {
    static func members(_ runtime: Runtime) -> [(String, Value)] {
        [
            native("now", 0) { _ in .number(System.wallClockSeconds()) },
            native("monotonic", 0) { _ in .number(System.monotonicSeconds()) },
            native("formatTime", 1...3) { call in
                let t = try call.number(0, "time")
                let pattern = call.count > 1 ? try call.string(1, "pattern") : "%Y-%m-%d %H:%M:%S"
                let zone = call.count > 2 ? try call.string(2, "zone") : "local"
                guard zone == "local" || zone == "utc" else {
                    throw call.valueError("formatTime() zone must be \"local\" or \"utc\", not \"\(zone)\".")
                }
                guard t.isFinite, Swift.abs(t) < 1e15 else { throw call.valueError("formatTime() takes a finite time.") }
                guard let text = System.formatTime(t, pattern, utc: zone == "utc") else {
                    throw call.valueError("formatTime() pattern makes more than 1 KiB.")
                }
                return .string(text)
            },
        ]
    }
}
