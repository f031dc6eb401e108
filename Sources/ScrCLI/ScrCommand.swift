import ArgumentParser
import Scr
import ScrREPL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `scr` command line: argument parsing only; everything else lives in the libraries.
@main
struct ScrCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scr",
        abstract: "Run scr scripts, or open the await-aware REPL.",
        version: Version.string
    )

    @Option(name: .customShort("c"), help: ArgumentHelp("Run CODE as a script.", valueName: "CODE"))
    var code: String?

    @Flag(name: .customShort("i"), help: "Run the REPL on standard input without line editing (for pipes and tests).")
    var interactive = false

    @Argument(help: "The script to run; with none, the REPL (or standard input when it is not a terminal).")
    var file: String?

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the script.")
    var arguments: [String] = []

    func run() async throws {
        let status: Int32
        if let code {
            status = await ScriptRunner.run(source: code, path: nil)
        } else if let file {
            status = await ScriptRunner.runFile(file)
        } else if interactive || isatty(0) == 1 {
            let interpreter = Interpreter()
            interpreter.enableScriptREPL()
            await REPL.standard(for: interpreter, lineEditing: !interactive).run()
            status = 0
        } else {
            status = await ScriptRunner.runStandardInput()
        }
        StandardOutput.output.flush()
        Glibc.exit(status)
    }
}
