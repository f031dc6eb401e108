import Dispatch
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The backend of `scr connect`: inputs run on a REPL server, over the framed protocol. A thread of
/// its own receives what the server sends; output of the server's tasks is written at once.
public final class RemoteBackend: REPLBackend, @unchecked Sendable {
    private let socket: Int32
    private let writeLock = Mutex(())
    private let state = Mutex(State())
    /// Where output of the server goes (the REPL's reader).
    private let output: Mutex<@Sendable (String) -> Void>

    private struct State {
        var nextID: UInt32 = 1
        var results: [UInt32: String] = [:]
        var waiting: [UInt32: CheckedContinuation<String?, Never>] = [:]
        var completions: [UInt32: [String]] = [:]
        var closed = false
    }

    /// Connects and performs the handshake.
    public init(address: RemoteAddress, token: String?) throws {
        socket = try RemoteBackend.connect(address)
        output = Mutex({ text in print(text, terminator: "") })
        do {
            try handshake(token: token)
        } catch {
            close(socket)
            throw error
        }
        Thread.detach { [self] in receive() }
    }

    deinit { close(socket) }

    /// Sends the server's output to `write` from now on.
    public func setOutput(_ write: @escaping @Sendable (String) -> Void) {
        output.withLock { $0 = write }
    }

    public var isConnected: Bool { state.withLock { !$0.closed } }

    public func run(_ source: String) async -> String? {
        let text = await request(.eval, source)
        return text.map { $0.isEmpty ? nil : $0 } ?? "error: the connection is closed\n"
    }

    public func interrupt() {
        send(Message(kind: .interrupt, id: 0, payload: ""))
    }

    public func completions(for word: String) -> [String] {
        let id = state.withLock { state -> UInt32 in
            defer { state.nextID += 1 }
            return state.nextID
        }
        send(Message(kind: .complete, id: id, payload: word))
        let deadline = DispatchTime.now().uptimeNanoseconds + 300_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            if let words = state.withLock({ $0.completions.removeValue(forKey: id) }) { return words }
            usleep(5_000)
        }
        return []
    }

    public func describeTasks() async -> String {
        await request(.tasks, "") ?? "error: the connection is closed\n"
    }

    /// Detaches from the server; the server and its other clients go on.
    public func disconnect() {
        shutdown(socket, Int32(SHUT_RDWR))
    }

    // MARK: Requests

    private func request(_ kind: Message.Kind, _ payload: String) async -> String? {
        await withCheckedContinuation { continuation in
            let id = state.withLock { state -> UInt32? in
                guard !state.closed else { return nil }
                let id = state.nextID
                state.nextID += 1
                state.waiting[id] = continuation
                return id
            }
            guard let id else {
                continuation.resume(returning: nil)
                return
            }
            send(Message(kind: kind, id: id, payload: payload))
        }
    }

    private func send(_ message: Message) {
        let bytes = message.bytes
        writeLock.withLock { _ in writeAll(bytes) }
    }

    private func writeAll(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    // MARK: The receiving thread

    private func receive() {
        var buffer = ByteBuffer()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(socket, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            buffer.writeBytes(chunk[0..<count])
            while let message = try? Message.read(from: &buffer) { dispatch(message) }
            buffer.discardReadBytes()
        }
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume(returning: nil) }
        output.withLock { $0 }("\nConnection closed by the server.\n")
    }

    private func dispatch(_ message: Message) {
        switch message.kind {
        case .output:
            output.withLock { $0 }(message.payload)
        case .result:
            state.withLock { $0.results[message.id, default: ""] += message.payload }
        case .completions:
            state.withLock { $0.completions[message.id] = message.payload.split(separator: "\n").map(String.init) }
        case .done:
            let (continuation, text) = state.withLock { state in
                (state.waiting.removeValue(forKey: message.id), state.results.removeValue(forKey: message.id) ?? "")
            }
            continuation?.resume(returning: text)
        default:
            break
        }
    }

    // MARK: Connecting

    private func handshake(token: String?) throws {
        writeAll(Array((Message.handshakePrefix + (token ?? "-") + "\n").utf8))
        // Before its answer the server sends a prompt for plain-text clients, and nothing else.
        var line: [UInt8] = []
        var skipped = 0
        var byte: UInt8 = 0
        while true {
            let count = read(socket, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else {
                let text = String(decoding: line, as: UTF8.self)
                throw RemoteError.rejected(text.contains("error:") ? text.trimmingSpaces : "connection closed")
            }
            line.append(byte)
            skipped += 1
            if byte == UInt8(ascii: "\n") {
                let text = String(decoding: line, as: UTF8.self)
                if text.hasSuffix(Message.handshakeAccepted) { return }
                if text.contains("error:") { throw RemoteError.rejected(text.trimmingSpaces) }
                line = []
            }
            if skipped > 4096 { throw RemoteError.rejected("unexpected answer") }
        }
    }

    private static func connect(_ address: RemoteAddress) throws -> Int32 {
        switch address {
        case .unix(let path):
            let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var socketAddress = sockaddr_un()
            socketAddress.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8.prefix(MemoryLayout.size(ofValue: socketAddress.sun_path) - 1))
            withUnsafeMutableBytes(of: &socketAddress.sun_path) { raw in
                for (i, byte) in bytes.enumerated() { raw[i] = byte }
            }
            let result = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard result == 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw RemoteError.cannotConnect(path, reason)
            }
            return fd
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var results: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
                throw RemoteError.cannotConnect(address.description, "unknown host")
            }
            defer { freeaddrinfo(results) }
            var candidate: UnsafeMutablePointer<addrinfo>? = first
            var reason = "no address"
            while let info = candidate {
                let fd = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
                if fd >= 0 && Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
                reason = String(cString: strerror(errno))
                if fd >= 0 { close(fd) }
                candidate = info.pointee.ai_next
            }
            throw RemoteError.cannotConnect(address.description, reason)
        }
    }
}
