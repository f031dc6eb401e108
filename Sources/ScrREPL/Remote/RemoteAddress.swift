/// Where a REPL server listens: a Unix socket, or a TCP host and port.
public enum RemoteAddress: Sendable, Equatable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    /// `HOST:PORT` (or `[v6]:PORT`, or `:PORT`) is TCP; a path (one with a `/`, or anything without a
    /// colon) is a Unix socket. With `tcp`, the text must be TCP, and a bare `PORT` means loopback.
    public init(parsing text: String, tcp: Bool = false) throws {
        if tcp, Int(text) != nil { self = try RemoteAddress.tcp("127.0.0.1", Substring(text), text); return }
        if let colon = text.lastIndex(of: ":"), tcp || !text.contains("/") {
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self = try RemoteAddress.tcp(host.isEmpty ? "127.0.0.1" : host, text[text.index(after: colon)...], text)
        } else if tcp {
            throw RemoteError.badAddress(text, "expected HOST:PORT or PORT")
        } else {
            self = .unix(path: text)
        }
    }

    private static func tcp(_ host: String, _ port: Substring, _ text: String) throws -> RemoteAddress {
        guard let number = Int(port), (0...65535).contains(number) else {
            throw RemoteError.badAddress(text, "the port must be a number from 0 to 65535")
        }
        return .tcp(host: host, port: number)
    }

    public var description: String {
        switch self {
        case .unix(let path): path
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}
