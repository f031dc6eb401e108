// A host program for the embedding tests that need a process of their own: what reaches a pipe
// when the process ends, the signal dispositions a REPL leaves behind, and what a blocking call
// (a file read, a name resolution) that outlives its interpreter leaves on the output. (In the test process
// itself, a redirected stdout or an ignored SIGINT would reach every other test and the children
// they start.)
import Glibc
import Scr
import ScrREPL

@main
struct EmbeddingProbe {
    static func main() async throws {
        switch CommandLine.arguments.dropFirst().first {
        case "output":
            // The interpreter's output, buffered because stdout is a pipe, must come out before the
            // host's own line that follows the run, and whatever the process does next.
            let interpreter = Interpreter()
            try await interpreter.run("for (var i = 0; i < 3; i = i + 1) print \"script \" + str(i);")
            writeLine("host after run")
            try await interpreter.run("print \"script again\";")
            _exit(0)  // No exit handlers: only what `run` flushed has reached the pipe.
        case "dropped":
            // An interpreter dropped with output still buffered writes it out as it goes.
            do {
                let interpreter = Interpreter()
                _ = try await interpreter.evaluate("print \"from a dropped interpreter\"; 1")
            }
            for _ in 0..<200 {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            _exit(0)
        case "ignored-interrupt":
            // A host that ignores SIGINT opens a REPL (stdin is a pipe, so it reads lines) and
            // must still ignore it after the REPL is closed.
            signal(SIGINT, SIG_IGN)
            let interpreter = Interpreter()
            await interpreter.repl(lineEditing: false)
            kill(getpid(), SIGINT)
            writeLine("survived SIGINT")
            _exit(0)
        case "outlived-read", "outlived-resolution":
            // A file read blocks on the FIFO given, or a name resolution does (glibc reads the file
            // that HOSTALIASES names to resolve a name without dots); the interpreter is stopped and
            // dropped, its executor's loop shuts down, and only then does the call end. Its outcome
            // must be delivered where something still runs: nothing but "done" may reach the output.
            let fifo = CommandLine.arguments[2]
            let script: String
            if CommandLine.arguments[1] == "outlived-read" {
                script = "import \"io\" as io; await io.read(\"\(fifo)\");"
            } else {
                setenv("HOSTALIASES", fifo, 1)
                script = "import \"net\" as net; await net.connect(\"scrprobehost\", 80);"
            }
            weak var executor: ScriptExecutor?
            var writer: Int32 = -1
            do {
                let interpreter = Interpreter()
                executor = interpreter.executor
                let input = Task { try await interpreter.run(script) }
                // A writer opens a FIFO without waiting only once a reader has: the read has begun.
                // Each wait polls every 10 ms, up to 10 minutes (an outer bound for a busy machine).
                let ended = Locked(false)
                Task { _ = await input.result; ended.withLock { $0 = true } }
                for _ in 0..<60_000 where writer < 0 && !ended.withLock({ $0 }) {
                    writer = open(fifo, O_WRONLY | O_NONBLOCK)
                    if writer < 0 { try await Task.sleep(nanoseconds: 10_000_000) }
                }
                if writer < 0 { giveUp("the call to open the FIFO (\(await input.result))") }
                interpreter.stop()
                _ = await input.result
            }
            for _ in 0..<60_000 where executor != nil { try await Task.sleep(nanoseconds: 10_000_000) }
            if executor != nil { giveUp("the interpreter's executor to be freed") }
            _ = Glibc.write(writer, "text", 4)
            close(writer)
            // The read has ended once no reader holds the FIFO; then a moment for its outcome.
            var readerClosed = false
            for _ in 0..<60_000 where !readerClosed {
                let probe = open(fifo, O_WRONLY | O_NONBLOCK)
                readerClosed = probe < 0
                if !readerClosed {
                    close(probe)
                    try await Task.sleep(nanoseconds: 10_000_000)
                }
            }
            if !readerClosed { giveUp("the read to close the FIFO") }
            try await Task.sleep(nanoseconds: 300_000_000)
            writeLine("done")
            _exit(0)
        default:
            writeLine("usage: EmbeddingProbe output|dropped|ignored-interrupt|outlived-read FIFO|outlived-resolution FIFO")
            _exit(2)
        }
    }

    /// Ends a wait that never came to an end: says what it waited for, rather than hang the test.
    static func giveUp(_ what: String) -> Never {
        writeLine("gave up waiting for \(what)")
        _exit(1)
    }

    /// Writes straight to the descriptor, as a host's unbuffered log would.
    static func writeLine(_ text: String) {
        let line = Array((text + "\n").utf8)
        _ = line.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
    }
}
