import Scr
import ScrREPL

/// Runs a script and turns its outcome into jlox's exit statuses.
enum ScriptRunner {
    static let compileErrorStatus: Int32 = 65
    static let fileErrorStatus: Int32 = 66
    static let runtimeErrorStatus: Int32 = 70
    /// A script ended by Ctrl-C, as a shell reports a process killed by SIGINT (128 + 2).
    static let interruptedStatus: Int32 = 130

    static func runFile(_ path: String, arguments: [String] = [], with interpreter: Interpreter? = nil,
                        waitForTasks: Bool = true) async -> Int32
    {
        do {
            let interpreter = interpreter ?? Interpreter()
            await interpreter.set("args", to: .list(arguments.map { .string($0) }))
            return await run(source: try SourceFile.read(path), path: path, with: interpreter,
                             waitForTasks: waitForTasks)
        } catch {
            reportError("scr: \(error)")
            return fileErrorStatus
        }
    }

    /// `scr -c CODE [ARGS…]`: the words after the code are its `args`.
    static func runCode(_ code: String, arguments: [String], with interpreter: Interpreter? = nil,
                        waitForTasks: Bool = true) async -> Int32
    {
        let interpreter = interpreter ?? Interpreter()
        await interpreter.set("args", to: .list(arguments.map { .string($0) }))
        return await run(source: code, path: nil, with: interpreter, waitForTasks: waitForTasks)
    }

    static func runStandardInput(with interpreter: Interpreter? = nil) async -> Int32 {
        await run(source: readStandardInput(), path: nil, with: interpreter)
    }

    private static func readStandardInput() -> String {
        var bytes: [UInt8] = []
        while let line = readLine(strippingNewline: false) { bytes.append(contentsOf: line.utf8) }
        return String(decoding: bytes, as: UTF8.self)
    }

    enum Source {
        case file(String), code(String), standardInput
    }

    /// `scr --dump-nodes`: prints what the source analyses to, without running it.
    static func dumpNodes(_ source: Source, with interpreter: Interpreter) async -> Int32 {
        do {
            let text: String
            switch source {
            case .file(let path): text = try await interpreter.dumpNodes(try SourceFile.read(path), path: path)
            case .code(let code): text = try await interpreter.dumpNodes(code)
            case .standardInput: text = try await interpreter.dumpNodes(readStandardInput())
            }
            StandardOutput.output.write(text)
            return 0
        } catch let error as CompileError {
            reportError(error.description)
            return compileErrorStatus
        } catch {
            reportError("scr: \(error)")
            return fileErrorStatus
        }
    }

    static func run(source: String, path: String?, with existing: Interpreter? = nil, waitForTasks: Bool = true)
        async -> Int32
    {
        let interpreter = existing ?? Interpreter()
        interpreter.enableScriptREPL()
        let ctrlC = CtrlC(interpreter)
        let monitor = InterruptMonitor { ctrlC.received() }
        defer { monitor.stop() }
        do {
            try await interpreter.run(source, path: path)
        } catch let error as CompileError {
            reportError(error.description)
            return compileErrorStatus
        } catch let error as ScriptError where error.kind == .exited {
            return error.exitStatus
        } catch let error as ScriptError {
            report(error, source: source, path: path)
            // As asyncio.run does when its main coroutine fails: the tasks left (a listening server,
            // a sleeper) are stopped, their `finally` blocks run, and the script ends.
            if waitForTasks {
                interpreter.stop()
                _ = await interpreter.waitForTasks()
                await finishWrites(interpreter)
            }
            return error.kind == .interrupted ? interruptedStatus : runtimeErrorStatus
        } catch {
            reportError("scr: \(error)")
            return runtimeErrorStatus
        }
        guard waitForTasks else { return 0 }
        let clean = await interpreter.waitForTasks()
        if let status = interpreter.exitStatus { return status }
        await finishWrites(interpreter)
        if ctrlC.stoppedTasks { return interruptedStatus }
        return clean ? 0 : runtimeErrorStatus
    }

    /// How long the end of a script waits for a peer that takes none of the bytes written to it.
    static let writePatience = 10.0

    /// Lets what the script wrote to its connections and pipes go out before the process exits, for
    /// as long as the peers read (an exit would drop it: docs/stdlib.md, "Writes at the end"); reports
    /// what a peer that read nothing for `writePatience` seconds did not get. Not after `exit()`,
    /// which ends the process at once, as Node's `process.exit()` does.
    private static func finishWrites(_ interpreter: Interpreter) async {
        for (name, bytes) in await interpreter.finishWrites(patience: writePatience) {
            reportError("scr: \(bytes) bytes written to '\(name)' were not sent: it read nothing for "
                        + "\(Int(writePatience)) seconds.")
        }
    }

    /// Ctrl-C on a running script: the first raises `KeyboardInterrupt` in the running top level (so
    /// `finally` blocks run and a script may catch it), or, once only spawned tasks are left, stops
    /// them; a second within a second exits at once.
    private final class CtrlC: Sendable {
        private let interpreter: Interpreter
        private let state = Locked<(last: Double?, stoppedTasks: Bool)>((nil, false))

        init(_ interpreter: Interpreter) {
            self.interpreter = interpreter
        }

        var stoppedTasks: Bool { state.withLock { $0.stoppedTasks } }

        func received() {
            let now = System.monotonicSeconds()
            let repeated = state.withLock { state in
                defer { state.last = now }
                return state.last.map { now - $0 < 1 } ?? false
            }
            if repeated {
                StandardOutput.output.flush()
                StandardOutput.error.write("\nKeyboardInterrupt\n")
                System.exit(ScriptRunner.interruptedStatus)
            }
            if !interpreter.interrupt() {
                state.withLock { $0.stoppedTasks = true }
                interpreter.stop()
            }
        }
    }

    /// An uncaught error's traceback; on a terminal, with the source line of each frame and colour.
    static func report(_ error: ScriptError, source: String, path: String?) {
        guard System.isTerminal(System.standardError) else { return reportError(error.report) }
        reportError(error.terminalReport { file in
            file == nil || file == path ? source : try? SourceFile.read(file!)
        })
    }

    static func reportError(_ text: String) {
        StandardOutput.output.flush()
        StandardOutput.error.write(text + "\n")
    }
}
