import Foundation
import Scr
@testable import ScrREPL
import Testing

/// `scr serve` and `scr connect` keep their secrets: no token on the command line, no weak token, a
/// token file written only after a successful bind and never over a file that is not one, the
/// loopback rule checked on the resolved address, and addresses parsed strictly (issue 21).
struct RemoteHardeningTests {
    private func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scr-remote-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test(arguments: [["serve", "--tcp", "0", "--token", "long-enough-secret-123"],
                      ["connect", "127.0.0.1:1", "--token", "long-enough-secret-123"]])
    func aTokenOnTheCommandLineIsRefused(_ arguments: [String]) async throws {
        let result = try await ScrProcess.run(arguments)
        #expect(result.status == 1)
        #expect(result.stderr.contains("visible to every local user"), "\(result.stderr)")
    }

    @Test(arguments: ["", "short"])
    func aWeakTokenIsRefused(_ token: String) async throws {
        let result = try await ScrProcess.run(["serve", "--tcp", "127.0.0.1:0"], environment: ["SCR_TOKEN": token])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the token is too short: it needs at least 16 characters"), "\(result.stderr)")
        await #expect(throws: RemoteError.self) {
            var options = REPLServerOptions(address: .tcp(host: "127.0.0.1", port: 0))
            options.token = token
            _ = try await Interpreter(output: { _ in }).serveREPL(options)
        }
    }

    @Test func aFileThatIsNotATokenFileIsNeverReplaced() async throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let notes = directory.appendingPathComponent("notes.txt").path
        try "my notes\n".write(toFile: notes, atomically: true, encoding: .utf8)
        let result = try await ScrProcess.run(["serve", "--tcp", "127.0.0.1:0", "--token-file", notes])
        #expect(result.status == 1)
        #expect(result.stderr.contains("it is not a token file of scr"), "\(result.stderr)")
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "my notes\n")
    }

    @Test func aServerThatCannotBindLeavesTheTokenFileAlone() async throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token").path
        // A first server, in process, holds the port and its token file.
        var options = REPLServerOptions(address: .tcp(host: "127.0.0.1", port: 0))
        options.tokenFile = tokenFile
        let server = try await Interpreter(output: { _ in }).serveREPL(options)
        defer { Task { await server.close() } }
        guard case .tcp(_, let port) = server.boundAddress else { throw SocketError.connect("no port") }
        let original = try String(contentsOfFile: tokenFile, encoding: .utf8)
        #expect(AccessToken.isTokenFile(tokenFile))
        #expect(original == (server.token ?? "") + "\n")

        let second = try await ScrProcess.run(["serve", "--tcp", "127.0.0.1:\(port)", "--token-file", tokenFile])
        #expect(second.status == 1)
        #expect(second.stderr.contains("can't listen on 127.0.0.1:\(port): the address is in use"), "\(second.stderr)")
        #expect(try String(contentsOfFile: tokenFile, encoding: .utf8) == original)
    }

    @Test func aTokenFileIsPrivateAndReplacedWhole() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("token").path
        try AccessToken.write(AccessToken.generate(), to: path)
        let second = AccessToken.generate()
        try AccessToken.write(second, to: path)  // A token file of scr may be replaced.
        #expect(try AccessToken.read(from: path) == second)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // A link is not followed, and not replaced.
        let link = directory.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        #expect(throws: RemoteError.self) { try AccessToken.write(AccessToken.generate(), to: link) }
        #expect(try AccessToken.read(from: path) == second)
    }

    @Test func theLoopbackRuleIsCheckedOnTheResolvedAddress() async throws {
        // A name that is not an address literal and does not resolve to loopback.
        for host in ["127.attacker.invalid", "0.0.0.0"] {
            await #expect(throws: RemoteError.self) {
                _ = try await Interpreter(output: { _ in })
                    .serveREPL(REPLServerOptions(address: .tcp(host: host, port: 0)))
            }
        }
        // `localhost` resolves to loopback and is fine.
        let server = try await Interpreter(output: { _ in })
            .serveREPL({ var o = REPLServerOptions(address: .tcp(host: "localhost", port: 0)); o.token = String(repeating: "k", count: 20); return o }())
        await server.close()
    }

    @Test func addressesAreParsedStrictly() throws {
        #expect(try RemoteAddress(parsing: "7000", tcp: true) == .tcp(host: "127.0.0.1", port: 7000))
        #expect(try RemoteAddress(parsing: ":7000", tcp: true) == .tcp(host: "127.0.0.1", port: 7000))
        #expect(try RemoteAddress(parsing: "[::1]:7000") == .tcp(host: "::1", port: 7000))
        #expect(try RemoteAddress(parsing: "/tmp/x.sock") == .unix(path: "/tmp/x.sock"))
        for bad in ["127.0.0.1:99999", "host:", "host:port", "-1"] {
            #expect(throws: RemoteError.self, "\(bad)") { try RemoteAddress(parsing: bad, tcp: true) }
        }
        #expect(throws: RemoteError.self) { try RemoteAddress(parsing: "localhost:") }
    }

    @Test func aMissingTokenFileIsAClearError() async throws {
        let result = try await ScrProcess.run(["connect", "127.0.0.1:1", "--token-file", "/nonexistent/token"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("can't read the token from '/nonexistent/token'"), "\(result.stderr)")
    }
}
