import NIOCore
import NIOPosix

/// `process`: child processes. `await process.run(["cmd", "arg"], input?)` gives
/// `{"status": …, "stdout": …, "stderr": …}`; `process.spawn(["cmd", …])` gives a `Process` whose
/// `stdout` and `stderr` are streams to read as they come, with `write`, `closeInput`, `kill` and
/// `await wait()`. A task cancelled while it awaits `run` kills the child (SIGKILL); a spawned
/// process outlives its value, as Python's Popen does (dropping it closes its pipes), and
/// `kill()` ends it.
enum ProcessLibrary {
    static func members(_ runtime: Runtime) -> [(String, Value)] {
        [
            native("run", 1...2) { call in
                let arguments = try call.commandLine(0)
                let input = call.optional(1) == nil ? nil : try call.string(1, "input")
                return call.awaitable {
                    let child = try await ScriptProcess.start(arguments, toEnd: true, call)
                    return try await child.run(input: input, call)
                }
            },
            native("spawn", 1) { call in
                let arguments = try call.commandLine(0)
                return call.awaitable { .object(try await ScriptProcess.start(arguments, call)) }
            },
        ]
    }
}

extension ArgumentChecking {
    /// A command line: a non-empty list of strings, the program first.
    func commandLine(_ index: Int) throws -> [String] {
        let list = try list(index, "command")
        guard !list.elements.isEmpty else { throw valueError("\(name)() takes a command, not an empty list.") }
        return try list.elements.map { element in
            guard case .string(let text) = element else {
                throw error("\(name)() takes a list of strings as its command, not one holding \(element.typeName).")
            }
            guard !text.value.utf8.contains(0) else { throw valueError("\(name)() command holds a NUL character.") }
            return text.value
        }
    }
}

/// A child process started by `process.spawn` (or `process.run`, which reads it to the end).
final class ScriptProcess: NativeObject {
    let pid: Int32
    private let command: String
    private let input: ScriptStream
    private let output: ScriptStream
    private let errors: ScriptStream
    /// The exit status, from a `waitpid` on NIO's thread pool, which reaps the child whoever waits.
    private let exit: EventLoopFuture<Int32>
    /// Set as soon as the child has been reaped: after that its pid may name another process.
    private let exited: Locked<Bool>

    private init(pid: Int32, command: String, input: ScriptStream, output: ScriptStream, errors: ScriptStream,
                 exit: EventLoopFuture<Int32>, exited: Locked<Bool>) {
        self.pid = pid
        self.command = command
        self.input = input
        self.output = output
        self.errors = errors
        self.exit = exit
        self.exited = exited
    }

    private var hasExited: Bool { exited.withLock { $0 } }

    override var typeName: String { "Process" }
    override var description: String { "<Process \(pid) \(command)\(hasExited ? " ended" : "")>" }
    override var methodNames: [String] { Self.methods }
    private static let methods = ["write", "closeInput", "kill", "wait"]

    override func property(_ name: String) throws -> Value? {
        switch name {
        case "pid": .number(Double(pid))
        case "stdout": .object(output)
        case "stderr": .object(errors)
        default: nil
        }
    }

    override func callMethod(_ call: NativeCall) throws -> Value? {
        switch call.name {
        case "write":
            return try input.callMethod(call)
        case "closeInput":
            try call.expect(0...0)
            input.closeChannel()
            return .nil
        case "kill":
            try call.expect(0...1)
            let signal = call.optional(0) == nil ? Int(System.terminateSignal) : try call.integer(0, "signal")
            guard (1...64).contains(signal) else { throw call.valueError("kill() takes a signal from 1 to 64, not \(signal).") }
            if !hasExited { System.kill(pid, Int32(signal)) }
            return .nil
        case "wait":
            try call.expect(0...0)
            return call.awaitable { .number(Double(try await self.status(call))) }
        default:
            return nil
        }
    }

    private func status(_ call: NativeCall) async throws -> Int32 {
        try await call.runtime.awaitIO(exit, line: call.context.line)
    }

    /// `process.run`: writes `input` (if any) and closes the child's input, reads its output and
    /// errors to the end, and waits for it to exit. Cancelled, it kills the child.
    func run(input text: String?, _ call: NativeCall) async throws -> Value {
        let runtime = call.runtime
        let line = call.context.line
        do {
            if let text, !text.isEmpty {
                // A child that exits without reading its input is not an error (Python's
                // communicate() ignores the broken pipe too).
                try? await input.send(text, runtime: runtime, line: line)
            }
            input.closeChannel()
            // Output and errors are read one after the other: their inboxes never stop reading
            // (`bounded: false`), so a child that fills its error pipe first does not block.
            let stdout = try await output.readAll(runtime: runtime, line: line)
            let stderr = try await errors.readAll(runtime: runtime, line: line)
            let status = try await self.status(call)
            return call.map([("status", .number(Double(status))), ("stdout", .string(stdout)), ("stderr", .string(stderr))])
        } catch {
            if !hasExited { System.kill(pid, System.killSignal) }
            throw error
        }
    }

    /// Starts the child and takes its pipes into NIO channels.
    static func start(_ arguments: [String], toEnd: Bool = false, _ call: NativeCall) async throws -> ScriptProcess {
        let runtime = call.runtime
        let line = call.context.line
        let command = arguments[0]
        let child: System.Child
        do {
            child = try System.spawn(arguments)
        } catch {
            throw runtime.ioError(error, "run '\(command)'", line: line)
        }
        let exited = Locked(false)
        let exit = runtime.runBlocking {
            let status = System.waitForExit(child.pid)
            exited.withLock { $0 = true }
            return status
        }
        let outputInbox = Inbox(bounded: !toEnd)
        let errorInbox = Inbox(bounded: !toEnd)
        let group = await runtime.eventLoop()
        let channels = NIOPipeBootstrap(group: group).takingOwnershipOfDescriptor(output: child.input)
            .and(NIOPipeBootstrap(group: group)
                .channelInitializer { InboxHandler.install(outputInbox, on: $0) }
                .takingOwnershipOfDescriptor(input: child.output))
            .and(NIOPipeBootstrap(group: group)
                .channelInitializer { InboxHandler.install(errorInbox, on: $0) }
                .takingOwnershipOfDescriptor(input: child.error))
        let ((input, output), errors): ((any Channel, any Channel), any Channel)
        do {
            ((input, output), errors) = try await runtime.awaitIO(channels, line: line) { channels in
                channels.0.0.close(promise: nil)
                channels.0.1.close(promise: nil)
                channels.1.close(promise: nil)
            }
        } catch {
            System.kill(child.pid, System.killSignal)
            throw runtime.ioError(error, "run '\(command)'", line: line)
        }
        return runtime.track(ScriptProcess(
            pid: child.pid, command: command,
            input: runtime.track(ScriptStream(kind: "Stream", name: "stdin of \(command)", channel: input, inbox: nil,
                                              writes: runtime.unsentWrites)),
            output: runtime.track(ScriptStream(kind: "Stream", name: "stdout of \(command)", channel: output,
                                               inbox: outputInbox, writes: nil)),
            errors: runtime.track(ScriptStream(kind: "Stream", name: "stderr of \(command)", channel: errors,
                                               inbox: errorInbox, writes: nil)),
            exit: exit, exited: exited))
    }
}
