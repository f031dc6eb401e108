import Scr

/// The shared secret a TCP client must present before any code runs.
public enum AccessToken {
    /// 128 random bits, as hex.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            return String(byte, radix: 16).leftPadded(to: 2)
        }.joined()
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

    /// Writes the token to `path`, readable by the owner only.
    public static func write(_ token: String, to path: String) throws {
        System.removeFile(path)
        do {
            try System.createPrivateFile(path, contents: token + "\n")
        } catch {
            throw RemoteError.cannotWriteToken(path, error.reason)
        }
    }

    /// Reads a token file (the first line).
    public static func read(from path: String) throws -> String {
        do {
            let text = String(decoding: try System.readFile(path), as: UTF8.self)
            return String(text.prefix { $0 != "\n" }).trimmingSpaces
        } catch {
            throw RemoteError.cannotReadToken(path, error.reason)
        }
    }

    /// `~/.scr_token`.
    public static var defaultPath: String {
        System.homeDirectory + "/.scr_token"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// Why a REPL server could not start or a client could not connect.
public enum RemoteError: Error, CustomStringConvertible {
    case notASocket(String)
    case socketInUse(String)
    case nonLoopbackWithoutPermission(String)
    case cannotWriteToken(String, String)
    case cannotReadToken(String, String)
    case cannotConnect(String, String)
    case rejected(String)

    public var description: String {
        switch self {
        case .notASocket(let path): "refusing to replace '\(path)': it exists and is not a socket"
        case .socketInUse(let path): "'\(path)' is in use by a running server"
        case .nonLoopbackWithoutPermission(let host):
            "refusing to listen on '\(host)', which is not a loopback address, without --allow-remote"
        case .cannotWriteToken(let path, let reason): "can't write the token to '\(path)': \(reason)"
        case .cannotReadToken(let path, let reason): "can't read the token from '\(path)': \(reason)"
        case .cannotConnect(let address, let reason): "can't connect to \(address): \(reason)"
        case .rejected(let reason): "the server refused the connection: \(reason)"
        }
    }
}
