import Foundation
import Scr
@testable import ScrREPL
import Testing

/// Results and output longer than one frame (1 MiB) travel as several frames; a client that gets a
/// frame it cannot read says so and disconnects; a client that does not read holds up its own
/// session instead of growing the server's memory (issue 21).
@Suite(.serialized)
struct RemoteFramingTests {
    /// Every limit from 1 to 8 bytes over strings of 1- to 4-byte characters: frames are within the
    /// limit (or hold one whole character), never split a character, and join back to the payload.
    @Test func framesSplitAtCharacters() {
        let characters = ["a", "é", "€", "😀"]
        var payloads = [""]
        for a in characters {
            for b in characters {
                for c in characters { payloads.append(a + b + c + a) }
            }
        }
        for payload in payloads {
            for limit in 1...8 {
                let frames = Message.frames(kind: .result, id: 7, payload: payload, limit: limit)
                #expect(frames.map(\.payload).joined() == payload, "\(payload) at \(limit)")
                for frame in frames {
                    #expect(frame.kind == .result && frame.id == 7)
                    #expect(frame.payload.utf8.count <= limit || frame.payload.count == 1, "\(payload) at \(limit)")
                    if payload.utf8.count > limit { #expect(!frame.payload.isEmpty) }
                }
            }
        }
    }

    @Test func aResultOverOneMiBArrivesWhole() async throws {
        let path = "/tmp/scr-test-\(UUID().uuidString.prefix(8)).sock"
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        let server = try await interpreter.serveREPL(REPLServerOptions(address: .unix(path: path)))
        defer { Task { await server.close() } }
        let backend = try await RemoteBackend.connect(to: .unix(path: path), token: nil, timeout: RemoteTests.clientTimeout)
        defer { backend.disconnect() }
        // The echo is abbreviated; `.full` sends the whole value.
        #expect(await backend.run("\"é\".repeat(1500000)")?.hasSuffix("… 1,490,000 more characters\n") == true)
        let answer = await backend.inspect(".full")
        #expect(answer.count == 1_500_000 + 3)  // The quotes and the newline.
        #expect(answer.hasPrefix("\"éé"))
        // The session goes on after it.
        #expect(await backend.run("1 + 1") == "2\n")
    }

    @Test func aBadFrameIsReportedAndTheClientDisconnects() async throws {
        // A "server" that answers the handshake, then sends a frame whose length is over the limit.
        let host = Interpreter(output: { _ in }, errors: { _ in })
        try await host.run("""
            import "net" as net;
            var fake = await net.listen("127.0.0.1", 0, async fun (connection) {
              await connection.readLine();
              await connection.write("SCR/2 OK\\n");
              await connection.read();  // The client's first input: answer it with a bad frame.
              await connection.write("\\u{FF}\\u{FF}\\u{FF}\\u{FF}garbage");
              await sleep(30);
            });
            var port = fake.port;
            """)
        guard case .number(let port) = await host.get("port") else { throw SocketError.connect("no port") }
        let backend = try await RemoteBackend.connect(to: .tcp(host: "127.0.0.1", port: Int(port)), token: nil, timeout: RemoteTests.clientTimeout)
        let said = Locked("")
        backend.attachOutput { text in said.withLock { $0 += text } }
        #expect(await backend.run("1 + 1") == "error: the connection is closed\n")
        #expect(!backend.isConnected)
        #expect(said.withLock { $0 }.contains(
            "scr connect: the server sent a message longer than 1 MiB; disconnecting."))
        host.stop()
    }

    @Test func aClientThatDoesNotReadHoldsUpItsSession() async throws {
        let path = "/tmp/scr-test-\(UUID().uuidString.prefix(8)).sock"
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        // Echoes stop at 100 elements of 10,000 characters: this one is 200 KB.
        try await interpreter.run("var n = 0; var big = []; for (var i = 0; i < 100; i = i + 1) big.push(\"y\".repeat(2000));")
        let server = try await interpreter.serveREPL(REPLServerOptions(address: .unix(path: path)))
        defer { Task { await server.close() } }
        let client = try SocketClient(unix: path)
        // 200 inputs with answers of 200 KB each: 40 MB the server would buffer for a client that
        // does not read.
        let inputs = 200
        client.send(String(repeating: "n = n + 1; big\n", count: inputs))
        func ran() async throws -> Int {
            guard case .number(let n) = await interpreter.get("n") else { return -1 }
            return Int(n)
        }
        // Wait (with a generous limit) until the session has stopped for want of a reader.
        var last = -1
        for _ in 0..<600 {
            try await Task.sleep(nanoseconds: 100_000_000)
            let now = try await ran()
            if now > 0 && now == last { break }
            last = now
        }
        let held = try await ran()
        #expect(held > 0 && held < 20, "ran \(held) of \(inputs) inputs without a reader")
        // Once the client reads, every input runs: 40 MB of answers, which took over two minutes
        // under AddressSanitizer on a loaded machine (an outer bound, not a measure of speed).
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline {
            client.discardAvailable()
            if try await ran() == inputs { break }
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        #expect(try await ran() == inputs)
    }

    /// `nc -N`: the client sends its inputs and shuts its side down; every input still runs, awaits
    /// included, in order, and is answered before the server closes the connection.
    @Test func aClientThatShutsItsSideDownGetsItsAnswers() async throws {
        let path = "/tmp/scr-test-\(UUID().uuidString.prefix(8)).sock"
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        let server = try await interpreter.serveREPL(REPLServerOptions(address: .unix(path: path)))
        defer { Task { await server.close() } }
        let client = try SocketClient(unix: path)
        client.send("async fun later(x) { await sleep(0.2); return x; }\nawait later(41)\nawait later(42)\n6 * 7")
        client.shutdownWrite()
        #expect(await client.closedByPeer())
        #expect(client.received == ">>> >>> 41\n>>> 42\n>>> 42\n>>> ")
    }
}

/// `scr connect` to a Unix socket whose server runs as another user is refused (SO_PEERCRED on the
/// client's side): that user would read what is typed. Needs root, to start the server as `nobody`.
@Suite(.serialized)
struct RemoteSocketOwnerTests {
    @Test func aServerOfAnotherUserIsRefused() async throws {
        guard System.userID == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            print("skipped: needs root and setpriv to run a server as another user")
            return
        }
        let path = "/tmp/scr-test-other-\(UUID().uuidString.prefix(8)).sock"
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        server.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", ScrProcess.executable.path,
                            "serve", "--unix", path]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
            try? FileManager.default.removeItem(atPath: path)
        }
        for _ in 0..<600 where !FileManager.default.fileExists(atPath: path) {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: the server as nobody did not start (can nobody run \(ScrProcess.executable.path)?)")
            return
        }
        // Root can connect to a socket of mode 0600; the client's own check must refuse.
        await #expect(throws: RemoteError.self) {
            _ = try await RemoteBackend.connect(to: .unix(path: path), token: nil, timeout: RemoteTests.clientTimeout)
        }
        let result = try await ScrProcess.run(["connect", path], stdin: "1 + 1\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("runs as another user (uid 65534), who would see what you type"))
        #expect(!result.stdout.contains("2"))
    }
}

/// `scr connect`'s patience: a server that never answers the handshake times out; `--retry` waits
/// for a server that is starting.
@Suite(.serialized)
struct RemoteConnectTests {
    @Test func aSilentServerTimesOut() async throws {
        let host = Interpreter(output: { _ in }, errors: { _ in })
        try await host.run("""
            import "net" as net;
            var done = Event();
            var silent = await net.listen("127.0.0.1", 0, async fun (connection) { await done.wait(); });
            var port = silent.port;
            """)
        guard case .number(let port) = await host.get("port") else { throw SocketError.connect("no port") }
        // Long enough that a busy machine still connects in time (CI once took over 0.5 s to complete a
        // loopback connect with every suite starting at once): the handshake's deadline is what is tested.
        do {
            _ = try await RemoteBackend.connect(to: .tcp(host: "127.0.0.1", port: Int(port)), token: nil, timeout: 10)
            Issue.record("connected to a server that never answers")
        } catch {
            #expect("\(error)" == "can't connect to 127.0.0.1:\(Int(port)): no answer to the handshake within 10 s")
        }
        host.stop()
    }

    @Test func retryWaitsForAServerThatIsStarting() async throws {
        let path = "/tmp/scr-test-\(UUID().uuidString.prefix(8)).sock"
        let client = Task { try await ScrProcess.run(["connect", "--retry", "120", path], stdin: "20 + 22\n") }
        try await Task.sleep(nanoseconds: 500_000_000)
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        let server = try await interpreter.serveREPL(REPLServerOptions(address: .unix(path: path)))
        defer { Task { await server.close() } }
        let result = try await client.value
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("42"))
        // Without --retry, a missing server is an error at once, in words.
        let missing = try await ScrProcess.run(["connect", path + ".none"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "scr connect: can't connect to \(path).none: No such file or directory\n")
    }
}

/// The REPL's commands over a plain connection (`nc`), and `.interrupt ID` freeing a server whose
/// spawned task never yields.
@Suite(.serialized)
struct RemotePlainCommandsTests {
    @Test func commandsWorkOverAPlainConnection() async throws {
        let path = "/tmp/scr-test-\(UUID().uuidString.prefix(8)).sock"
        let errors = Locked("")
        let interpreter = Interpreter(output: { _ in }, errors: { text in errors.withLock { $0 += text } })
        let server = try await interpreter.serveREPL(REPLServerOptions(address: .unix(path: path)))
        defer { Task { await server.close() } }
        let client = try SocketClient(unix: path)
        client.send(".help\n")
        #expect(await client.expect(".interrupt ID interrupt task ID"))
        client.send(".nope\n")
        #expect(await client.expect("Unknown command '.nope'. Type .help for the commands.\n>>> "))
        client.send("async fun spin() { await sleep(0.3); while (true) {} }\nvar t = spawn(spin());\n.tasks\n")
        #expect(await client.expect(" spin: "))
        let listed = client.received.components(separatedBy: "\n").first { $0.contains(" spin: ") } ?? ""
        let id = Int(listed.drop { $0 != "#" }.dropFirst().prefix { $0.isNumber }) ?? 0
        #expect(id > 0, "\(client.received)")
        // The task now holds the executor: an input waits behind it, until `.interrupt` frees it.
        try await Task.sleep(nanoseconds: 600_000_000)
        client.send("20 + 22\n")
        let second = try SocketClient(unix: path)
        second.send(".interrupt \(id)\n")
        #expect(await second.expect("Interrupting task #\(id).\n>>> "))
        #expect(await client.expect("42\n>>> "))
        // The interrupted task was spawned by the first client's input: its error goes there.
        #expect(await client.expect("KeyboardInterrupt\n"))
        #expect(!errors.withLock { $0 }.contains("KeyboardInterrupt"))
        second.send(".exit\n")
        #expect(await second.closedByPeer())
    }
}

/// Whose output goes where: a session's prints and the errors of tasks it spawned reach its client
/// alone; the program's own output reaches every client.
@Suite(.serialized)
struct RemoteOutputRoutingTests {
    @Test func sessionsGetTheirOwnOutput() async throws {
        let path = "/tmp/scr-test-\(UUID().uuidString.prefix(8)).sock"
        let programOutput = Locked("")
        let interpreter = Interpreter(output: { text in programOutput.withLock { $0 += text } }, errors: { _ in })
        let server = try await interpreter.serveREPL(REPLServerOptions(address: .unix(path: path)))
        defer { Task { await server.close() } }
        let ann = try SocketClient(unix: path)
        let bob = try SocketClient(unix: path)
        #expect(await ann.expect(">>> "))
        // A plain client gets background output once its first line has chosen the protocol.
        bob.send("1 + 1\n")
        #expect(await bob.expect("2\n>>> "))
        ann.send("print \"ann's print\";\n")
        #expect(await ann.expect("ann's print\n>>> "))
        // A task ann spawned prints, and fails, after her input has ended: still hers.
        ann.send("async fun later() { await sleep(0.1); print \"ann's task\"; throw \"ann's failure\"; }\nspawn(later());\n")
        #expect(await ann.expect("ann's failure\n"))
        #expect(ann.received.contains("ann's task\n"))
        // The program's own output goes to everyone.
        try await interpreter.run("print \"from the program\";")
        #expect(await ann.expect("from the program\n"))
        #expect(await bob.expect("from the program\n"))
        bob.send("3 + 4\n")
        #expect(await bob.expect("7\n>>> "))
        #expect(!bob.received.contains("ann's"), "bob got: \(bob.received)")
        #expect(!programOutput.withLock { $0 }.contains("ann's print"))
    }
}

/// `await repl()` typed at a remote session would open a REPL on the server's own terminal (where a
/// line typed there reached clients): it is an error in words instead.
@Suite(.serialized)
struct RemoteNestedREPLTests {
    @Test func replInARemoteSessionIsAnError() async throws {
        let path = "/tmp/scr-test-\(UUID().uuidString.prefix(8)).sock"
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        interpreter.enableScriptREPL()
        let server = try await interpreter.serveREPL(REPLServerOptions(address: .unix(path: path)))
        defer { Task { await server.close() } }
        let client = try SocketClient(unix: path)
        client.send("async fun inspect() { await repl(); }\nawait inspect()\n")
        #expect(await client.expect("repl() can't open inside a remote session, which is a REPL already"))
        #expect(await client.expect("[line 1] in inspect()\n[line 1] in <input>\n>>> "))
    }
}
