import Foundation
import Scr
@testable import ScrREPL
import Testing

/// A REPL server reachable beyond loopback speaks TLS, and clients pin its certificate by the
/// fingerprint in the token file (issue 21; docs/remote.md, "TLS"). Loopback only: a relay between
/// client and server stands for the network and records what crosses it.
@Suite(.serialized)
struct RemoteTLSTests {
    private static let token = "tls-test-token-0123456789"

    private func server(_ tls: TLSIdentity?) async throws -> (REPLServer, Int) {
        var options = REPLServerOptions(address: .tcp(host: "127.0.0.1", port: 0))
        options.token = Self.token
        options.tls = tls
        options.handshakeTimeoutSeconds = RemoteTests.handshakeTimeout
        let server = try await Interpreter(output: { _ in }, errors: { _ in }).serveREPL(options)
        guard case .tcp(_, let port) = server.boundAddress else { throw SocketError.connect("no port") }
        return (server, port)
    }

    @Test func aPinnedSessionRunsAndNothingOfItCrossesTheWireInClear() async throws {
        let identity = try TLSIdentity.selfSigned()
        let (server, port) = try await server(identity)
        defer { Task { await server.close() } }
        let relay = try RecordingRelay(to: port)
        let backend = try await RemoteBackend.connect(to: .tcp(host: "127.0.0.1", port: relay.port), token: Self.token,
                                                      tls: .pinned(fingerprint: identity.fingerprint), timeout: RemoteTests.clientTimeout)
        let answer = await backend.run("var secretName = \"plaintext-marker\"; secretName + \"-seen\"")
        #expect(answer?.contains("plaintext-marker-seen") == true, "\(answer ?? "nil")")
        backend.disconnect()
        let wire = relay.recorded()
        #expect(wire.count > 200, "the relay saw the session")
        for clear in ["plaintext-marker", "secretName", "SCR/2", Self.token] {
            #expect(!wire.contains(clear), "'\(clear)' crossed the wire in clear")
        }
    }

    @Test func aServerWithAnotherCertificateIsRefusedBeforeTheHandshake() async throws {
        let (server, port) = try await server(try TLSIdentity.selfSigned())
        defer { Task { await server.close() } }
        let pinned = try TLSIdentity.selfSigned().fingerprint
        do {
            _ = try await RemoteBackend.connect(to: .tcp(host: "127.0.0.1", port: port), token: Self.token,
                                                tls: .pinned(fingerprint: pinned), timeout: RemoteTests.clientTimeout)
            Issue.record("connected to a server whose certificate is not the pinned one")
        } catch {
            #expect("\(error)".contains("is not the one pinned"), "\(error)")
            #expect("\(error)".contains(pinned))
        }
    }

    @Test func cleartextAndTLSDoNotMeetQuietly() async throws {
        // A cleartext client of a TLS server, and a TLS client of a cleartext one: each is told why.
        let (tlsServer, tlsPort) = try await server(try TLSIdentity.selfSigned())
        defer { Task { await tlsServer.close() } }
        do {
            _ = try await RemoteBackend.connect(to: .tcp(host: "127.0.0.1", port: tlsPort), token: Self.token, timeout: RemoteTests.clientTimeout)
            Issue.record("a cleartext client got through to a TLS server")
        } catch {
            #expect("\(error)".contains("if it speaks TLS"), "\(error)")
        }
        let (plainServer, plainPort) = try await server(nil)
        defer { Task { await plainServer.close() } }
        do {
            _ = try await RemoteBackend.connect(to: .tcp(host: "127.0.0.1", port: plainPort), token: Self.token,
                                                tls: .pinned(fingerprint: String(repeating: "ab", count: 32)), timeout: RemoteTests.clientTimeout)
            Issue.record("a TLS client got through to a cleartext server")
        } catch {
            #expect("\(error)".contains("it does not speak TLS"), "\(error)")
        }
        // And a self-signed server is not trusted by the system's roots.
        do {
            _ = try await RemoteBackend.connect(to: .tcp(host: "127.0.0.1", port: tlsPort), token: Self.token,
                                                tls: .systemRoots, timeout: RemoteTests.clientTimeout)
            Issue.record("the system trusted a self-signed certificate")
        } catch {
            #expect("\(error)".contains("not trusted here"), "\(error)")
        }
    }

    @Test func beyondLoopbackMeansTLS() async throws {
        var options = REPLServerOptions(address: .tcp(host: "0.0.0.0", port: 0))
        options.allowRemote = true
        options.token = Self.token
        await #expect(throws: RemoteError.self) { _ = try await Interpreter(output: { _ in }).serveREPL(options) }
        options.address = .unix(path: "/tmp/scr-tls-\(UUID().uuidString.prefix(8))")
        options.tls = try TLSIdentity.selfSigned()
        await #expect(throws: RemoteError.self) { _ = try await Interpreter(output: { _ in }).serveREPL(options) }
    }

    @Test func aCertificateAndKeyFromFilesKeepTheirFingerprint() throws {
        let made = try TLSIdentity.selfSigned()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scr-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try #require(made.certificatePEM).write(toFile: certificate, atomically: true, encoding: .utf8)
        try #require(made.privateKeyPEM).write(toFile: key, atomically: true, encoding: .utf8)
        #expect(try TLSIdentity.load(certificate: certificate, key: key).fingerprint == made.fingerprint)
        #expect(throws: RemoteError.self) { try TLSIdentity.load(certificate: key, key: key) }
        #expect(throws: RemoteError.self) { try TLSIdentity.load(certificate: certificate, key: certificate) }
    }

    @Test func theTokenFileCarriesTheFingerprint() throws {
        let fingerprint = try TLSIdentity.selfSigned().fingerprint
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scr-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("token").path
        let token = AccessToken.generate()
        try AccessToken.write(token, fingerprint: fingerprint, to: path)
        #expect(AccessToken.isTokenFile(path))
        #expect(try AccessToken.read(from: path) == AccessToken.Contents(token: token, fingerprint: fingerprint))
        // Fingerprints as people copy them from openssl: colons, upper case.
        let typed = stride(from: 0, to: 64, by: 2).map { i in
            String(Array(fingerprint)[i..<i + 2]).uppercased()
        }.joined(separator: ":")
        #expect(TLSIdentity.normalized(fingerprint: typed) == fingerprint)
        #expect(TLSIdentity.normalized(fingerprint: "abc") == nil)
        #expect(AccessToken.parse(token + "\ntls-sha256 nothex\n") == nil)
        #expect(AccessToken.parse(token + "\nsomething else\n") == nil)
    }

    /// The binaries: `scr serve --allow-remote` makes a certificate, says so, and writes its
    /// fingerprint beside the token; `scr connect` with that file pins it and runs code.
    @Test func serveBeyondLoopbackAndConnectWithTheTokenFile() async throws {
        let scratch = "/tmp/scr-test-\(UUID().uuidString.prefix(8))"
        let errors = scratch + ".err"
        let tokenFile = scratch + ".token"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: errors)
            try? FileManager.default.removeItem(atPath: tokenFile)
        }
        let process = Process()
        process.executableURL = ScrProcess.executable
        process.arguments = ["serve", "--tcp", "0.0.0.0:0", "--allow-remote", "--token-file", tokenFile]
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // Until it has started: an outer bound for a busy machine, not a measure of speed.
        var said = ""
        for _ in 0..<2400 where !said.contains("token in") {
            try await Task.sleep(nanoseconds: 50_000_000)
            said = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        }
        #expect(said.contains("scr: serving a REPL on 0.0.0.0:"), "\(said)")
        #expect(said.contains("over TLS (self-signed)"), "\(said)")
        #expect(!said.contains("cleartext"))
        let contents = try AccessToken.read(from: tokenFile)
        let fingerprint = try #require(contents.fingerprint)
        let port = try #require(said.split(separator: "0.0.0.0:").last?.prefix { $0.isNumber }).description
        let connect = try await ScrProcess.run(["connect", "127.0.0.1:\(port)", "--token-file", tokenFile],
                                               stdin: "6 * 7\n")
        #expect(connect.stdout.contains("42"), "\(connect.stderr)")
        // Pinning another certificate: refused with both fingerprints named.
        let other = try TLSIdentity.selfSigned().fingerprint
        let refused = try await ScrProcess.run(["connect", "127.0.0.1:\(port)", "--token-file", tokenFile,
                                                "--tls-fingerprint", other], stdin: "6 * 7\n")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains(fingerprint) && refused.stderr.contains(other), "\(refused.stderr)")
        #expect(!refused.stdout.contains("42"))
    }
}

/// Relays one TCP connection to `127.0.0.1:target`, recording the bytes both ways: the network an
/// eavesdropper sees.
final class RecordingRelay: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var copiesDone = 0

    init(to target: Int) throws {
        (listener, port) = try loopbackListener()
        Thread.detachNewThread { [self] in
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var target = loopbackAddress(port: target)
            let connected = withUnsafeMutablePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                close(client)
                close(server)
                return
            }
            Thread.detachNewThread { self.copy(from: server, to: client) }
            copy(from: client, to: server)
        }
    }

    deinit { close(listener) }

    func recorded() -> String {
        lock.withLock { String(decoding: bytes, as: UTF8.self) }
    }

    /// Copies until either side closes, then closes both (which ends the other direction's copy).
    private func copy(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 || write(destination, buffer, count) != count { break }
            lock.withLock { bytes += buffer[0..<count] }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(destination, Int32(SHUT_RDWR))
        // The second direction to end closes both sockets.
        if lock.withLock({ copiesDone += 1; return copiesDone == 2 }) {
            close(source)
            close(destination)
        }
    }
}
