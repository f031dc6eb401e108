/// Where a REPL server listens: a Unix socket, or a TCP host and port.
public enum RemoteAddress: Sendable, Equatable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    /// `HOST:PORT` (or `[v6]:PORT`) is TCP; anything else is a Unix socket path.
    public init(parsing text: String) {
        if let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
           !text.contains("/") {
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self = .tcp(host: host.isEmpty ? "127.0.0.1" : host, port: port)
        } else {
            self = .unix(path: text)
        }
    }

    public var description: String {
        switch self {
        case .unix(let path): path
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}
