import Dispatch
import Scr

/// The read-eval-print loop: reads inputs with a `LineReader`, runs each complete one on a backend
/// (a local session or a remote server), and prints results and errors, while everything else keeps
/// running.
public final class REPL: Sendable {
    public let backend: any REPLBackend
    public let reader: any LineReader
    private let execution = Execution()

    public init(backend: any REPLBackend, reader: any LineReader) {
        self.backend = backend
        self.reader = reader
    }

    /// A REPL on a local interpreter, on the terminal (libedit) or, with `lineEditing` false, on plain
    /// standard input.
    public static func standard(for interpreter: Interpreter, lineEditing: Bool) -> REPL {
        let backend = LocalBackend(session: interpreter.makeSession(), exitEndsProcess: true)
        return REPL(backend: backend, reader: standardReader(for: backend, lineEditing: lineEditing))
    }

    /// The terminal reader (libedit, completing through `backend`) or the plain one.
    public static func standardReader(for backend: any REPLBackend, lineEditing: Bool) -> any LineReader {
        guard lineEditing else { return PlainLineReader() }
        return EditLineReader(historyPath: HistoryFile.defaultPath) { word in backend.completions(for: word) }
    }

    /// Runs until `.exit` or end of input. The backend's output (prints, errors of its tasks) shows
    /// above the prompt meanwhile.
    public func run() async {
        let reader = self.reader
        backend.attachOutput { reader.write($0) }
        let monitor = InterruptMonitor { [self] in interruptReceived() }
        defer {
            monitor.stop()
            backend.detachOutput()
            reader.close()
        }
        await loop()
        // `.exit` inside an entered frame: a held task must not stay held after the REPL is gone.
        if backend.prompt != ">>> " { _ = await backend.inspect(MetaCommand.Inspection.leave.line) }
    }

    private func loop() async {
        var buffer = InputBuffer()
        // The lines of the input being typed: one history entry once it is complete.
        var typed: [String] = []
        while true {
            switch await reader.readLine(prompt: buffer.isEmpty ? backend.prompt : "... ") {
            case .endOfInput:
                reader.write("\n")
                // Ctrl-D in an entered frame leaves it, as `.leave` does; at the top, the REPL.
                if buffer.isEmpty && backend.prompt != ">>> " {
                    reader.write(await backend.inspect(MetaCommand.Inspection.leave.line))
                    if backend.prompt == ">>> " { continue }
                    return
                }
                if buffer.isEmpty { return }
                buffer.clear()
                typed = []
            case .interrupted:
                buffer.clear()
                typed = []
            case .line(let line):
                if buffer.isEmpty, let command = MetaCommand(line) {
                    reader.addHistory(line)
                    if await run(command) == .exit { return }
                    continue
                }
                typed.append(line)
                switch buffer.add(line) {
                case .needMore: continue
                case .nothing: typed = []
                case .error(let error):
                    reader.addHistory(typed.joined(separator: "\n"))
                    typed = []
                    reader.write(error.description + "\n")
                case .run(let source):
                    reader.addHistory(typed.joined(separator: "\n"))
                    typed = []
                    await execute(source)
                }
            }
        }
    }

    /// Runs one input and prints its outcome. A second Ctrl-C within a second of an unanswered first
    /// one stops waiting for it: the input is left to stop at its next check.
    func execute(_ source: String) async {
        execution.begin()
        defer { execution.end() }
        let backend = self.backend
        let outcome = await withTaskGroup(of: String?.self) { group in
            group.addTask { await backend.run(source) }
            group.addTask { [execution] in
                await execution.waitForAbandon()
                return "KeyboardInterrupt\n"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            execution.abandon()
            return first
        }
        if let outcome { reader.write(outcome) }
    }

    private func interruptReceived() {
        if reader.cancelLine() { return }
        switch execution.interrupt() {
        case .first:
            reader.write("\n")  // The terminal echoed ^C; the report goes on a line of its own.
            backend.interrupt()
        case .second: execution.abandon()
        case .idle: break
        }
    }
}

/// The state of the running input, shared with the SIGINT handler's queue.
final class Execution: @unchecked Sendable {
    enum Interrupt { case idle, first, second }

    private let lock = Lock()
    // Guarded by `lock`.
    private var running = false
    private var lastInterrupt: UInt64?
    private var abandonWaiter: CheckedContinuation<Void, Never>?
    private var abandoned = false

    func begin() {
        locked {
            running = true
            lastInterrupt = nil
            abandoned = false
        }
    }

    func end() {
        locked { running = false }
    }

    func interrupt() -> Interrupt {
        locked {
            guard running else { return .idle }
            let now = DispatchTime.now().uptimeNanoseconds
            if let last = lastInterrupt, now - last < 1_000_000_000 { return .second }
            lastInterrupt = now
            return .first
        }
    }

    func waitForAbandon() async {
        await withCheckedContinuation { continuation in
            let resumeNow = locked {
                if abandoned { return true }
                abandonWaiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func abandon() {
        let waiter = locked {
            abandoned = true
            defer { abandonWaiter = nil }
            return abandonWaiter
        }
        waiter?.resume()
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.withLock { body() }
    }
}
