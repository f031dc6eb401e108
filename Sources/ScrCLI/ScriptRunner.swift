import Scr
import ScrREPL

/// Runs a script and turns its outcome into jlox's exit statuses.
enum ScriptRunner {
    static let compileErrorStatus: Int32 = 65
    static let fileErrorStatus: Int32 = 66
    static let runtimeErrorStatus: Int32 = 70

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
        do {
            try await interpreter.run(source, path: path)
        } catch let error as CompileError {
            reportError(error.description)
            return compileErrorStatus
        } catch let error as ScriptError {
            reportError(error.report)
            if waitForTasks { _ = await interpreter.waitForTasks() }
            return runtimeErrorStatus
        } catch {
            reportError("scr: \(error)")
            return runtimeErrorStatus
        }
        guard waitForTasks else { return 0 }
        return await interpreter.waitForTasks() ? 0 : runtimeErrorStatus
    }

    static func reportError(_ text: String) {
        StandardOutput.output.flush()
        StandardOutput.error.write(text + "\n")
    }
}
