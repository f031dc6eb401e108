import Scr

/// The shared secret a TCP client must present before any code runs.
public enum AccessToken {
    /// 128 random bits, as hex.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }.hex
    }

    /// Compares in time that depends only on the lengths, so timing reveals nothing of the token.
    public static func matches(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<b.count {
            difference |= (i < a.count ? a[i] : 0) ^ b[i]
        }
        return difference == 0
    }

    /// The shortest token a server accepts: a short one can be guessed (an empty one used to turn
    /// authentication off).
    public static let minimumLength = 16

    /// Throws if `token` is too short to protect anything.
    public static func validate(_ token: String) throws {
        guard token.count >= minimumLength else { throw RemoteError.weakToken(minimumLength) }
    }

    /// Whether `path` holds a token file of scr: a private regular file of this user holding what
    /// `write` writes. Only such a file is ever replaced.
    public static func isTokenFile(_ path: String) -> Bool {
        guard System.isPrivateRegularFile(path), let bytes = try? System.readFile(path) else { return false }
        return parse(String(decoding: bytes, as: UTF8.self)) != nil
    }

    /// The line of a token file that pins a TLS server's certificate (docs/remote.md, "TLS").
    static let fingerprintPrefix = "tls-sha256 "

    /// A token file's text: the token (hex) on the first line, and for a server that speaks TLS, its
    /// certificate's fingerprint on the second; nil if it is not that.
    static func parse(_ text: String) -> Contents? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        guard let token = lines.first, token.count >= minimumLength, token.allSatisfy(\.isHexDigit) else { return nil }
        var fingerprint: String?
        for line in lines.dropFirst() where !line.isEmpty {
            guard line.hasPrefix(fingerprintPrefix), fingerprint == nil,
                  let pinned = TLSIdentity.normalized(fingerprint: String(line.dropFirst(fingerprintPrefix.count)))
            else { return nil }
            fingerprint = pinned
        }
        return Contents(token: token, fingerprint: fingerprint)
    }

    /// What a token file holds.
    public struct Contents: Equatable, Sendable {
        public var token: String
        /// The SHA-256 of the server's TLS certificate, which a client accepts and no other.
        public var fingerprint: String?
    }

    /// Writes the token to `path`, readable by the owner only: to a new file (O_EXCL) moved into place,
    /// so that no reader sees half a token and no link is followed. Refuses to replace anything but a
    /// token file of scr (a user's notes.txt given by mistake stays as it was).
    public static func write(_ token: String, fingerprint: String? = nil, to path: String) throws {
        if path.hasPrefix(directory + "/") { try makeDirectory() }
        if System.kind(of: path) != nil && !isTokenFile(path) { throw RemoteError.notATokenFile(path) }
        let temporary = path + ".new-\(System.processID)"
        System.removeFile(temporary)
        do {
            try System.createPrivateFile(temporary, contents: token + "\n"
                                             + (fingerprint.map { fingerprintPrefix + $0 + "\n" } ?? ""))
            try System.replaceFile(path, with: temporary)
        } catch {
            System.removeFile(temporary)
            throw RemoteError.cannotWriteToken(path, error.reason)
        }
    }

    /// Reads a token file. A token given by hand (first line only, any characters) is read as it is.
    public static func read(from path: String) throws -> Contents {
        let text: String
        do {
            text = String(decoding: try System.readFile(path), as: UTF8.self)
        } catch {
            throw RemoteError.cannotReadToken(path, error.reason)
        }
        return parse(text) ?? Contents(token: String(text.prefix { $0 != "\n" }).trimmingSpaces, fingerprint: nil)
    }

    /// Where the server at `address` writes its generated token, and where `scr connect` looks for
    /// it: one file per address (`~/.scr/tokens/127.0.0.1-7000`), so that two servers do not replace
    /// each other's token and a client offers a token only to the server that wrote it.
    public static func path(host: String, port: Int) -> String {
        let name = host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return directory + "/" + String(name) + "-\(port)"
    }

    /// `~/.scr/tokens`, private to the user.
    static var directory: String { System.homeDirectory + "/.scr/tokens" }

    /// Makes `~/.scr` and `~/.scr/tokens` (0700) if they are missing.
    static func makeDirectory() throws {
        for path in [System.homeDirectory + "/.scr", directory] where System.kind(of: path) == nil {
            do {
                try System.makeDirectory(path)
                System.setPermissions(path, 0o700)
            } catch {
                throw RemoteError.cannotWriteToken(path, error.reason)
            }
        }
    }
}

extension Sequence<UInt8> {
    /// The bytes in lowercase hex, two digits each: how tokens, nonces, proofs and certificate
    /// fingerprints are written.
    var hex: String {
        map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }
}

/// Why a REPL server could not start or a client could not connect.
public enum RemoteError: Error, CustomStringConvertible {
    case notASocket(String)
    case socketInUse(String)
    case nonLoopbackWithoutPermission(String)
    case cannotWriteToken(String, String)
    case cannotReadToken(String, String)
    case notATokenFile(String)
    case weakToken(Int)
    case tokenOnCommandLine
    case badAddress(String, String)
    case cannotListen(String, String)
    case cannotConnect(String, String)
    case rejected(String)
    case otherUser(String, UInt32)
    case noToken(String, String)
    case remoteWithoutTLS(String)
    case closedDuringHandshake
    case closedDuringHandshakeWithoutTLS(String)
    case badTLSFile(String, String)
    case tlsOnUnixSocket
    case certificateMismatch(String, expected: String, seen: String)

    public var description: String {
        switch self {
        case .notASocket(let path): "refusing to replace '\(path)': it exists and is not a socket"
        case .socketInUse(let path): "'\(path)' is in use by a running server"
        case .nonLoopbackWithoutPermission(let host):
            "refusing to listen on '\(host)', which is not a loopback address, without --allow-remote"
        case .cannotWriteToken(let path, let reason): "can't write the token to '\(path)': \(reason)"
        case .cannotReadToken(let path, let reason): "can't read the token from '\(path)': \(reason)"
        case .notATokenFile(let path):
            "refusing to write the token over '\(path)': it is not a token file of scr"
        case .weakToken(let length): "the token is too short: it needs at least \(length) characters"
        case .tokenOnCommandLine:
            "a token on the command line is visible to every local user (/proc/PID/cmdline): "
                + "set SCR_TOKEN, or use --token-file"
        case .badAddress(let text, let reason): "bad address '\(text)': \(reason)"
        case .cannotListen(let address, let reason): "can't listen on \(address): \(reason)"
        case .cannotConnect(let address, let reason): "can't connect to \(address): \(reason)"
        case .rejected(let reason): "the server refused the connection: \(reason)"
        case .noToken(let address, let path):
            "no token for \(address): scr serve writes it to \(path) when it starts; for a server that "
                + "got its token otherwise, set SCR_TOKEN or use --token-file"
        case .remoteWithoutTLS(let host):
            "refusing to listen on '\(host)', which is not a loopback address, without TLS: sessions would "
                + "cross the network in cleartext"
        case .closedDuringHandshake: "the server closed the connection during the handshake"
        case .closedDuringHandshakeWithoutTLS(let address):
            "the server at \(address) closed the connection during the handshake; if it speaks TLS, connect with "
                + "its token file (which pins its certificate) or --tls-fingerprint"
        case .badTLSFile(let path, let reason): "can't use '\(path)' for TLS: \(reason)"
        case .tlsOnUnixSocket: "TLS is for TCP: a Unix socket never leaves the machine"
        case .certificateMismatch(let address, let expected, let seen):
            "the server at \(address) is not the one pinned: its TLS certificate's SHA-256 is \(seen), and "
                + "\(expected) was expected (from the token file or --tls-fingerprint)"
        case .otherUser(let path, let uid):
            "the server on '\(path)' runs as another user (uid \(uid)), who would see what you type; "
                + "pass --allow-other-user to connect anyway"
        }
    }
}
