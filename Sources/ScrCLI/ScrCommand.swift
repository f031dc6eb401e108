import ArgumentParser
import Scr
import ScrREPL

/// The `scr` command line: argument parsing only; everything else lives in the libraries.
@main
struct ScrCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scr",
        abstract: "Run scr scripts, open the await-aware REPL, or serve and connect to a remote REPL.",
        version: Version.string,
        subcommands: [RunCommand.self, ServeCommand.self, ConnectCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// `scr FILE [ARGS…]` and `scr -c CODE [ARGS…]`, the commonest invocations, run without the
    /// argument parser: its parsing, done by reflection, scans every protocol conformance in the
    /// binary (TLS and X.509 brought thousands), 13 of the 17 million instructions of a start.
    /// Anything else — another option, a subcommand, no file — goes through it.
    static func main() async {
        System.tuneAllocator()
        // Killed politely (SIGTERM, a closed terminal): what the program printed still comes out.
        TerminationMonitor.install { _ in
            StandardOutput.output.flush()
            StandardOutput.error.flush()
        }
        let arguments = CommandLine.arguments.dropFirst()
        let subcommands = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        if let file = arguments.first, !file.hasPrefix("-"), !subcommands.contains(file) {
            RunCommand.exit(await ScriptRunner.runFile(file, arguments: Array(arguments.dropFirst())))
        }
        let words = Array(arguments)
        if words.count >= 2, words[0] == "-c", !words[2...].contains(where: { $0.hasPrefix("-") }) {
            RunCommand.exit(await ScriptRunner.runCode(words[1], arguments: Array(words[2...])))
        }
        await main(nil)
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a script (the default), a string, or the REPL."
    )

    @Option(name: .customShort("c"), help: ArgumentHelp("Run CODE as a script.", valueName: "CODE"))
    var code: String?

    @Flag(name: .customShort("i"), help: ArgumentHelp(
        "Open the REPL after running the script, over its globals, with .pm ready if it failed (as python -i); "
            + "without a script, the REPL even when standard input is not a terminal."))
    var interactive = false

    @Flag(help: "Print the nodes the script analyses to, one statement a line, and do not run it.")
    var dumpNodes = false

    @Flag(help: "Run on the generic nodes only, without the specialised fast paths (for testing them).")
    var genericNodes = false

    @Argument(help: "The script to run; with none, the REPL (or standard input when it is not a terminal).")
    var file: String?

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the script, as the list `args`.")
    var arguments: [String] = []

    func run() async throws {
        let status: Int32
        let interpreter = Interpreter(specializedNodes: genericNodes ? false : nil)
        if dumpNodes {
            status = await ScriptRunner.dumpNodes(code.map { .code($0) } ?? file.map { .file($0) } ?? .standardInput,
                                                  with: interpreter)
        } else if interactive && (code != nil || file != nil) {
            status = await runThenInspect(interpreter)
        } else if code != nil || file != nil {
            status = await runScript(interpreter, waitForTasks: true)
        } else if interactive || System.isTerminal(System.standardInput) {
            await openREPL(interpreter)
            status = 0
        } else {
            status = await ScriptRunner.runStandardInput(with: interpreter)
        }
        RunCommand.exit(status)
    }

    /// `scr -i FILE`: runs the script, then opens the REPL over its globals while its tasks go on; on
    /// an uncaught error, `.pm` enters the frames it left. The status is the REPL's (0 on Ctrl-D).
    private func runThenInspect(_ interpreter: Interpreter) async -> Int32 {
        interpreter.keepFramesForPostMortem()
        let status = await runScript(interpreter, waitForTasks: false)
        if let exited = interpreter.exitStatus { return exited }
        if status == ScriptRunner.runtimeErrorStatus || status == ScriptRunner.interruptedStatus {
            ScriptRunner.reportError("Type .pm to look at the frames the error left.")
        }
        guard status != ScriptRunner.compileErrorStatus && status != ScriptRunner.fileErrorStatus else { return status }
        await openREPL(interpreter)
        return 0
    }

    /// Runs `-c CODE` or FILE; `waitForTasks`: until its spawned tasks end too.
    private func runScript(_ interpreter: Interpreter, waitForTasks: Bool) async -> Int32 {
        guard let code else {
            return await ScriptRunner.runFile(file!, arguments: arguments, with: interpreter, waitForTasks: waitForTasks)
        }
        // `scr -c CODE a b`: the words after the code are its arguments.
        return await ScriptRunner.runCode(code, arguments: (file.map { [$0] } ?? []) + arguments, with: interpreter,
                                          waitForTasks: waitForTasks)
    }

    /// The REPL over the interpreter's globals, with line editing on a terminal.
    private func openREPL(_ interpreter: Interpreter) async {
        interpreter.enableScriptREPL()
        await REPL.standard(for: interpreter, lineEditing: System.isTerminal(System.standardInput)).run()
    }

    /// Ends the process once the output is out.
    static func exit(_ status: Int32) -> Never {
        StandardOutput.output.flush()
        System.exit(status)
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run FILE (or nothing) and serve a REPL over its globals on a Unix socket or TCP."
    )

    @Option(help: ArgumentHelp("Listen on this Unix socket (default: ~/.scr.sock).", valueName: "PATH"))
    var unix: String?

    @Option(help: ArgumentHelp("Listen on TCP, 127.0.0.1 unless --allow-remote.", valueName: "HOST:PORT"))
    var tcp: String?

    @Option(help: ArgumentHelp("Refused: a token on the command line is visible to every local user. TCP "
                               + "clients must send the token in SCR_TOKEN, else a random one written to --token-file.",
                               visibility: .hidden))
    var token: String?

    @Option(help: ArgumentHelp("Where the generated token is written (default: ~/.scr/tokens/HOST-PORT, one "
                               + "file per address); only a token file of scr is ever replaced.", valueName: "PATH"))
    var tokenFile: String?

    @Flag(help: "Allow listening on a TCP address other than loopback (always over TLS).")
    var allowRemote = false

    @Flag(help: "Speak TLS on a loopback address too (with --allow-remote it always does).")
    var tls = false

    @Option(help: ArgumentHelp("The TLS certificate chain, PEM (default: a self-signed one made at start, "
                               + "pinned by its fingerprint in the token file).", valueName: "PATH"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The TLS certificate's private key, PEM.", valueName: "PATH"))
    var tlsKey: String?

    @Option(help: "Close connections idle for this many seconds.")
    var idleTimeout: Int64 = 1800

    @Argument(help: "A script to run while serving.")
    var file: String?

    func run() async throws {
        let givenToken = System.environment("SCR_TOKEN")
        let interpreter = Interpreter()
        let server: REPLServer
        do {
            if token != nil { throw RemoteError.tokenOnCommandLine }
            var options = REPLServerOptions(address: .unix(path: unix ?? Self.defaultSocket))
            if let tcp { options.address = try RemoteAddress(parsing: tcp, tcp: true) }
            options.token = givenToken
            options.tokenFile = tokenFile
            options.allowRemote = allowRemote
            if (tlsCert == nil) != (tlsKey == nil) {
                throw ValidationError("--tls-cert and --tls-key go together")
            }
            if let tlsCert, let tlsKey {
                options.tls = try TLSIdentity.load(certificate: tlsCert, key: tlsKey)
            } else if tls || allowRemote {
                options.tls = try TLSIdentity.selfSigned()
            }
            options.idleTimeoutSeconds = idleTimeout
            server = try await interpreter.serveREPL(options)
        } catch {
            ScriptRunner.reportError("scr serve: \(error)")
            System.exit(1)
        }
        // SIGINT, SIGTERM and SIGHUP end the server cleanly: output flushed (by the handler `main`
        // installed), the socket and a generated token file removed.
        TerminationMonitor.handle(System.interruptSignal)
        let ownedFiles = Self.filesOwned(by: server)
        TerminationMonitor.onTermination { for path in ownedFiles { System.removeFile(path) } }
        // Output of the served program's tasks reaches a pipe or file within a fifth of a second.
        Task.detached {
            while true {
                try? await Task.sleep(nanoseconds: 200_000_000)
                StandardOutput.output.flush()
            }
        }
        var notice = "scr: serving a REPL on \(server.boundAddress)"
        if server.options.tls != nil { notice += " over TLS" + (tlsCert == nil ? " (self-signed)" : "") }
        if server.token != nil {
            notice += server.tokenFile.map { " (token in \($0))" } ?? " (token from SCR_TOKEN)"
        }
        ScriptRunner.reportError(notice)
        if let identity = server.options.tls, server.tokenFile == nil || tlsCert != nil {
            // Clients pin this when no token file carries it to them (docs/remote.md, "TLS").
            ScriptRunner.reportError("scr: the certificate's fingerprint is sha256 \(identity.fingerprint)")
        }
        if let file {
            let status = await ScriptRunner.runFile(file, with: interpreter, waitForTasks: false)
            if status != 0 { ScriptRunner.reportError("scr: \(file) ended with status \(status); still serving") }
        }
        await server.wait()
    }

    static var defaultSocket: String {
        (System.environment("HOME") ?? "/tmp") + "/.scr.sock"
    }

    /// The files a running server made and removes when it ends: its Unix socket, or the token file
    /// it wrote.
    static func filesOwned(by server: REPLServer) -> [String] {
        switch server.boundAddress {
        case .unix(let path): [path]
        case .tcp: server.tokenFile.map { [$0] } ?? []
        }
    }
}

struct ConnectCommand: AsyncParsableCommand {
    /// Whether a failure to connect means the server is not there yet (worth a retry).
    static func noServerYet(_ reason: String) -> Bool {
        reason == "Connection refused" || reason == "No such file or directory"
    }

    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Attach to a REPL server (Ctrl-D detaches; Ctrl-C interrupts the remote input)."
    )

    @Argument(help: ArgumentHelp("A Unix socket path, or HOST:PORT.", valueName: "TARGET"))
    var target: String = ServeCommand.defaultSocket

    @Option(help: ArgumentHelp("Refused: a token on the command line is visible to every local user. Set "
                               + "SCR_TOKEN, or use --token-file.", visibility: .hidden))
    var token: String?

    @Option(help: ArgumentHelp("Read the token from this file (default: the server's, ~/.scr/tokens/HOST-PORT; "
                               + "SCR_TOKEN wins).", valueName: "PATH"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("Speak TLS, and accept only a server whose certificate has this SHA-256 "
                               + "(default: the one in the token file, if any).", valueName: "HEX"))
    var tlsFingerprint: String?

    @Flag(help: "Speak TLS, checking the server's certificate against the system's trust roots and the host name.")
    var tls = false

    @Flag(help: "Connect to a Unix socket even if its server runs as another user.")
    var allowOtherUser = false

    @Option(help: ArgumentHelp("Give up connecting, or waiting for the handshake, after this many seconds.",
                               valueName: "SECONDS"))
    var timeout: Double = 10

    @Option(help: ArgumentHelp("Keep trying for this many seconds while there is no server yet (the socket "
                               + "is missing or the connection refused): for a server that is starting.",
                               valueName: "SECONDS"))
    var retry: Double = 0

    func run() async throws {
        System.ignoreBrokenPipe()
        let backend: RemoteBackend
        do {
            if token != nil { throw RemoteError.tokenOnCommandLine }
            let address = try RemoteAddress(parsing: target)
            var secret = System.environment("SCR_TOKEN")
            var trust: TLSTrust? = tls ? .systemRoots : nil
            if secret == nil, case .tcp(let host, let port) = address {
                let path = tokenFile ?? AccessToken.path(host: host, port: port)
                if tokenFile == nil && System.kind(of: path) == nil { throw RemoteError.noToken(address.description, path) }
                let contents = try AccessToken.read(from: path)
                secret = contents.token
                if let pinned = contents.fingerprint { trust = .pinned(fingerprint: pinned) }
            }
            if let tlsFingerprint {
                guard let pinned = TLSIdentity.normalized(fingerprint: tlsFingerprint) else {
                    throw ValidationError("--tls-fingerprint takes a SHA-256 in hex (64 digits, colons allowed)")
                }
                trust = .pinned(fingerprint: pinned)
            }
            guard timeout > 0, retry >= 0 else { throw ValidationError("--timeout must be positive, --retry not negative") }
            let giveUp = System.monotonicSeconds() + retry
            while true {
                do {
                    backend = try await RemoteBackend.connect(to: address, token: secret, tls: trust,
                                                              allowingOtherUser: allowOtherUser, timeout: timeout)
                    break
                } catch RemoteError.cannotConnect(_, let reason)
                    where System.monotonicSeconds() < giveUp && ConnectCommand.noServerYet(reason)
                {
                    try await Task.sleep(nanoseconds: 200_000_000)
                }
            }
        } catch {
            ScriptRunner.reportError("scr connect: \(error)")
            System.exit(1)
        }
        // A server that goes away ends the session with a message, rather than leave a prompt that
        // can only answer "the connection is closed".
        backend.whenServerGoes {
            StandardOutput.output.flush()
            ScriptRunner.reportError("scr connect: the server closed the connection")
            System.exit(1)
        }
        let repl = REPL(backend: backend, reader: REPL.standardReader(for: backend,
                                                                    lineEditing: System.isTerminal(System.standardInput)))
        await repl.run()
        backend.disconnect()
        System.exit(0)
    }
}
