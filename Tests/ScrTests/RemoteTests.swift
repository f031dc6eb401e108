import Foundation
import Scr
@testable import ScrREPL
import Testing

/// The remote REPL over real sockets: an in-process server, and clients on Unix sockets and TCP.
@Suite(.serialized)
struct RemoteTests {
    /// The handshake deadline of the tests' servers: on a loaded machine, with the test process's
    /// few threads busy, a client's first line can take longer than the default 10 s to be sent.
    static let handshakeTimeout: Int64 = 300
    /// How long a test's client waits for the server's answer to its handshake: as long as the
    /// server waits, so that on a busy machine a test sees the server's answer (a refusal, a close)
    /// rather than its own client giving up (`RemoteBackend.connect`'s 10 s, which a CI run under load
    /// once outlasted).
    static let clientTimeout = Double(handshakeTimeout)

    private func socketPath() -> String {
        "/tmp/scr-test-\(UUID().uuidString.prefix(8)).sock"
    }

    private func unixServer(_ path: String) async throws -> (Interpreter, REPLServer) {
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        let server = try await interpreter.serveREPL(REPLServerOptions(address: .unix(path: path)))
        return (interpreter, server)
    }

    private func tcpServer(token: String = "s3cret-token-0123456789") async throws -> (Interpreter, REPLServer, Int) {
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        var options = REPLServerOptions(address: .tcp(host: "127.0.0.1", port: 0))
        options.token = token
        options.handshakeTimeoutSeconds = RemoteTests.handshakeTimeout
        let server = try await interpreter.serveREPL(options)
        guard case .tcp(_, let port) = server.boundAddress else { throw SocketError.connect("no port") }
        return (interpreter, server, port)
    }

    @Test func plainSessionOverAUnixSocket() async throws {
        let path = socketPath()
        let (_, server) = try await unixServer(path)
        defer { Task { await server.close() } }
        let client = try SocketClient(unix: path)
        client.send("var a = 40\na + 2\nasync fun f() { await sleep(0.05); return \"awaited\"; }\nawait f()\n")
        #expect(await client.expect("\"awaited\"\n>>> "))
        #expect(client.received.contains("42\n"))
        client.send("fun g() {\nreturn 7;\n}\ng()\n")
        #expect(await client.expect("... ... >>> 7\n>>> "))
    }

    @Test func remoteErrorsShowTheSameTraceback() async throws {
        let path = socketPath()
        let (_, server) = try await unixServer(path)
        defer { Task { await server.close() } }
        let client = try SocketClient(unix: path)
        client.send("fun f() { return nil.x; }\nf()\n")
        #expect(await client.expect("Only instances have properties.\n[line 1] in f()\n[line 1] in <input>\n>>> "))
        let backend = try await RemoteBackend.connect(to: .unix(path: path), token: nil, timeout: RemoteTests.clientTimeout)
        defer { backend.disconnect() }
        let answer = await backend.run("f()")
        #expect(answer == "Only instances have properties.\n[line 1] in f()\n[line 1] in <input>\n")
    }

    @Test func unixSocketIsOwnerOnly() async throws {
        let path = socketPath()
        let (_, server) = try await unixServer(path)
        defer { Task { await server.close() } }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func existingFileIsNeverReplaced() async throws {
        let path = socketPath()
        try "precious".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        await #expect(throws: RemoteError.self) { _ = try await unixServer(path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    }

    @Test func staleSocketIsReplacedButLiveOneIsNot() async throws {
        let path = socketPath()
        let (_, first) = try await unixServer(path)
        await #expect(throws: RemoteError.self) { _ = try await unixServer(path) }
        await first.close()
        // Leave a stale socket behind: bind one and close it without unlinking.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        let (_, second) = try await unixServer(path)
        await second.close()
    }

    @Test func tcpRequiresTheTokenBeforeAnyCodeRuns() async throws {
        let (interpreter, server, port) = try await tcpServer()
        defer { Task { await server.close() } }
        let wrong = try SocketClient(tcpPort: port)
        wrong.send("not-the-token\nvar hacked = 1;\n")
        #expect(await wrong.closedByPeer())
        #expect(wrong.received.contains("error: bad token"))
        let empty = try SocketClient(tcpPort: port)
        empty.send("\nvar hacked = 2;\n")
        #expect(await empty.closedByPeer())
        let framed = try await RemoteBackendProbe.handshake(port: port, token: "nope")
        #expect(framed.contains("error: bad token"))
        #expect(await interpreter.get("hacked") == nil)

        let right = try SocketClient(tcpPort: port)
        right.send("s3cret-token-0123456789\n1 + 1\n")
        #expect(await right.expect("2\n>>> "))
    }

    @Test func nonLoopbackNeedsPermission() async throws {
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        var options = REPLServerOptions(address: .tcp(host: "0.0.0.0", port: 0))
        options.token = "t"
        await #expect(throws: RemoteError.self) { _ = try await interpreter.serveREPL(options) }
    }

    @Test func httpRequestsAreDropped() async throws {
        let (interpreter, server, port) = try await tcpServer()
        defer { Task { await server.close() } }
        let client = try SocketClient(tcpPort: port)
        client.send("POST /eval HTTP/1.1\r\nHost: localhost\r\n\r\nvar pwned = 1;\n")
        #expect(await client.closedByPeer())
        #expect(await interpreter.get("pwned") == nil)
    }

    @Test func overLongLineIsRejected() async throws {
        let path = socketPath()
        let (interpreter, server) = try await unixServer(path)
        defer { Task { await server.close() } }
        let client = try SocketClient(unix: path)
        client.send("var big = \"" + String(repeating: "x", count: 2 << 20))
        #expect(await client.closedByPeer())
        #expect(client.received.contains("error: line too long"))
        #expect(await interpreter.get("big") == nil)
        let other = try SocketClient(unix: path)
        other.send("1 + 1\n")
        #expect(await other.expect("2\n"))
    }

    @Test func fiftyConcurrentClients() async throws {
        let path = socketPath()
        let (interpreter, server) = try await unixServer(path)
        defer { Task { await server.close() } }
        try await interpreter.run("var results = []; async fun slow(x) { await sleep(0.01); return x; }")
        let clients = try (0..<50).map { _ in try SocketClient(unix: path) }
        for (i, client) in clients.enumerated() {
            client.send("results.push(await slow(\(i)))\n\"done \(i)\"\n")
        }
        for (i, client) in clients.enumerated() {
            #expect(await client.expect("\"done \(i)\"\n"), "client \(i)")
        }
        #expect(try await interpreter.evaluate("len(results)") == 50)
    }

    /// Output flowing to every client while a new one is answered its handshake must reach it framed,
    /// after the answer, never as plain text (it used to, now and then: scripts/soak found it).
    @Test func framedClientsConnectWhileOutputFlows() async throws {
        let path = socketPath()
        let (interpreter, server) = try await unixServer(path)
        defer { Task { await server.close() } }
        try await interpreter.run("""
            async fun chatter() { while (true) { print "tick"; await sleep(0); } }
            spawn(chatter());
            """)
        defer { interpreter.stop() }  // Whatever happens, the chatter must not outlive the test.
        for i in 0..<15 {
            let backend = try await RemoteBackend.connect(to: .unix(path: path), token: nil, timeout: RemoteTests.clientTimeout)
            backend.attachOutput { _ in }
            let watchdog = Task {
                try await Task.sleep(nanoseconds: 60_000_000_000)
                backend.disconnect()
            }
            let answer = await backend.run("\(i) + 1")
            watchdog.cancel()
            backend.disconnect()
            #expect(answer == "\(i + 1)\n", "connection \(i): \(String(describing: answer))")
        }
    }

    @Test func killedClientLeavesTheServerWorking() async throws {
        let path = socketPath()
        let (interpreter, server) = try await unixServer(path)
        defer { Task { await server.close() } }
        var doomed: SocketClient? = try SocketClient(unix: path)
        doomed?.send("await sleep(100)\n")
        try await Task.sleep(nanoseconds: 100_000_000)
        doomed = nil  // Closes the socket mid-await.
        try await Task.sleep(nanoseconds: 100_000_000)
        let survivor = try SocketClient(unix: path)
        survivor.send("1 + 2\n")
        #expect(await survivor.expect("3\n"))
        // An outer limit for a busy machine (60 s), not a measure of speed.
        var tasks = await interpreter.tasks()
        for _ in 0..<1200 where !tasks.isEmpty {
            try await Task.sleep(nanoseconds: 50_000_000)
            tasks = await interpreter.tasks()
        }
        #expect(tasks.isEmpty, "the abandoned input should have been interrupted")
    }

    /// `.enter`, `.up`, `.leave`, `.pm` from `scr connect` (framed) and from a plain client: the
    /// server runs them in the client's session, and the prompt it sends back names the frame.
    @Test func inspectionCommandsRunInTheClientsSession() async throws {
        let path = socketPath()
        let (interpreter, server) = try await unixServer(path)
        defer { Task { await server.close() } }
        let backend = try await RemoteBackend.connect(to: .unix(path: path), token: nil, timeout: RemoteTests.clientTimeout)
        defer { backend.disconnect() }
        _ = await backend.run("""
            var stop = false; var seen = nil;
            async fun fetch(n) { var tries = n; while (!stop) { await sleep(0.02); } seen = tries; }
            async fun worker() { var label = "w"; await fetch(1); }
            spawn(worker());
            """)
        var task: TaskSummary?
        for _ in 0..<600 where task == nil {
            task = await interpreter.tasks().first { $0.frames.first?.function == "fetch" && $0.waitingLine != nil }
            if task == nil { try await Task.sleep(nanoseconds: 10_000_000) }
        }
        let id = try #require(task?.id)
        #expect(await backend.describeTasks().contains("<input>:2 in fetch()"))
        #expect(await backend.inspect(".tasks \(id)").contains("tries = 1"))
        #expect(await backend.inspect(".enter \(id)").contains("frame 0 of 2"))
        #expect(backend.prompt == "task \(id) fetch()>>> ")
        #expect(await backend.run("tries = 9") == nil)
        #expect(await backend.inspect(".up").contains("label = \"w\""))
        #expect(backend.prompt == "task \(id) worker()>>> ")
        _ = await backend.run("stop = true")
        #expect(await backend.inspect(".leave") == "Left task #\(id); it goes on.\n")
        #expect(backend.prompt == ">>> ")
        var seen: String?
        for _ in 0..<600 where seen != "9\n" {
            seen = await backend.run("seen")
            if seen != "9\n" { try await Task.sleep(nanoseconds: 10_000_000) }
        }
        #expect(seen == "9\n")

        // A plain client: the prompt it gets names the frame too.
        let client = try SocketClient(unix: path)
        client.send("fun area(w) { var k = 2; return w * k + nope; }\narea(4)\n.pm\n")
        #expect(await client.expect("pm area()>>> "))
        client.send("w * k\n")
        #expect(await client.expect("8\npm area()>>> "))
        client.send(".leave\n")
        #expect(await client.expect("Left pm area().\n>>> "))
    }

    /// A spawned loop that never awaits holds the executor: `.tasks` from another client still
    /// answers (it says what is going on instead of hanging), and `.interrupt` without an id stops
    /// the loop, after which the tasks can be listed again.
    @Test func tasksAnswersWhileALoopHoldsTheExecutor() async throws {
        let path = socketPath()
        let (interpreter, server) = try await unixServer(path)
        defer {
            interpreter.stop()  // Whatever the test found, no loop keeps spinning in this process.
            Task { await server.close() }
        }
        // A client whose input spawns the loop: the loop takes the executor before that input can
        // even answer, so nothing waits for its answer here.
        let spawner = try SocketClient(unix: path)
        spawner.send("async fun spin() { while (true) {} } var spinner = spawn(spin())\n")
        let backend = try await RemoteBackend.connect(to: .unix(path: path), token: nil, timeout: RemoteTests.clientTimeout)
        defer { backend.disconnect() }
        var answer = ""
        for _ in 0..<600 where !answer.contains("The executor has been busy") {
            answer = await backend.describeTasks()
        }
        #expect(answer.contains(".interrupt alone stops whatever holds the executor."), "\(answer)")
        backend.interruptTask(nil)
        var tasks: [TaskSummary]? = nil
        for _ in 0..<600 where tasks?.isEmpty != true {
            tasks = await interpreter.tasks(patience: 1)
            if tasks?.isEmpty != true { backend.interruptTask(nil) }
        }
        #expect(tasks?.isEmpty == true)
        #expect(await backend.describeTasks() == "No tasks are running.\n")
    }

    @Test func ctrlCForwardingStopsARemoteLoop() async throws {
        let path = socketPath()
        let (_, server) = try await unixServer(path)
        defer { Task { await server.close() } }
        let backend = try await RemoteBackend.connect(to: .unix(path: path), token: nil, timeout: RemoteTests.clientTimeout)
        async let outcome = backend.run("while (true) {}")
        // Interrupt until the input ends, so that a failure cannot leave the loop spinning.
        let watchdog = Task {
            for _ in 0..<100 {
                try await Task.sleep(nanoseconds: 200_000_000)
                backend.interrupt()
            }
        }
        #expect(await outcome == "KeyboardInterrupt\n")
        watchdog.cancel()
        let after = await backend.run("1 + 2")
        #expect(after == "3\n", "\(String(describing: after))")
        // Completion gives up quickly so as not to freeze the prompt; under a loaded test run, ask again.
        var words: [String] = []
        for _ in 0..<300 where words.isEmpty {
            words = backend.completions(for: "cloc")
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(words == ["clock"])
        backend.disconnect()
    }

    @Test func backgroundOutputReachesAttachedClients() async throws {
        let path = socketPath()
        let (interpreter, server) = try await unixServer(path)
        defer { Task { await server.close() } }
        let watcher = try SocketClient(unix: path)
        #expect(await watcher.expect(">>> "))
        watcher.send("\n")  // Output goes to a client once its first line has chosen the protocol.
        #expect(await watcher.expect(">>> >>> "))
        try await interpreter.run("async fun later() { await sleep(0.05); print \"broadcast\"; } spawn(later());")
        #expect(await watcher.expect("broadcast\n"))
    }

    @Test func scrServeAndConnectBinaries() async throws {
        let path = socketPath()
        let process = Process()
        process.executableURL = ScrProcess.executable
        process.arguments = ["serve", "--unix", path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate() }
        // Until the server listens: an outer bound for a busy machine, not a measure of speed.
        var client: SocketClient?
        let deadline = Date().addingTimeInterval(120)
        while client == nil && Date() < deadline {
            client = try? SocketClient(unix: path)
            if client == nil { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        let connected = try #require(client)
        connected.send("print \"hello from serve\";\n")
        #expect(await connected.expect("hello from serve\n", timeout: 180))
        let connect = try await ScrProcess.run(["connect", path], stdin: "6 * 7\n")
        #expect(connect.stdout.contains("42"))
        #expect(connect.status == 0)
    }
}

/// The first answer to a framed handshake.
enum RemoteBackendProbe {
    /// Asks for the framed protocol and answers the challenge as if the token were `token`.
    static func handshake(port: Int, token: String) async throws -> String {
        let client = try SocketClient(tcpPort: port)
        let clientNonce = Handshake.nonce()
        client.send("SCR/2 \(clientNonce)\n")
        _ = await client.expect("\n")
        let words = client.received.split(separator: " ").map { String($0).trimmingSpaces }
        guard words.count >= 4 else { return client.received }
        client.send(Handshake.clientProof(token: token, clientNonce: clientNonce, serverNonce: words[words.count - 2]) + "\n")
        _ = await client.closedByPeer()
        return client.received
    }
}
