import Foundation

/// A plain text client on a real socket, as `nc` is.
final class SocketClient {
    let fd: Int32
    private(set) var received = ""

    init(unix path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw SocketError.connect(String(cString: strerror(errno))) }
    }

    init(tcpPort port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw SocketError.connect(String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written <= 0 { return }
            offset += written
        }
    }

    // Waiting sleeps between non-blocking reads: a server in the same process needs the few threads
    // of Swift's cooperative pool that a blocking wait would hold.

    /// Reads until the received text contains `text` (true), the peer closes or the time runs out.
    @discardableResult
    func expect(_ text: String, timeout: Double = 60) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !received.contains(text) && Date() < deadline {
            if !readSome() { break }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return received.contains(text)
    }

    /// True if the peer closed the connection within `timeout`.
    func closedByPeer(timeout: Double = 60) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !readSome() { return true }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return false
    }

    /// Shuts down the sending side, as `nc -N` does after its input.
    func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads and drops what is there (a test that only needs the server's output to flow).
    func discardAvailable() {
        _ = readSome()
        received = ""
    }

    /// Reads what is there; false once the peer has closed.
    private func readSome() -> Bool {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, 0) > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return false }
        received += String(decoding: buffer[0..<count], as: UTF8.self)
        return true
    }
}

enum SocketError: Error { case connect(String) }

/// A TCP socket listening on `127.0.0.1` at a port the system chose, for test servers that stand
/// in for a stranger or a network.
func loopbackListener() throws -> (socket: Int32, port: Int) {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(listener, pointer, length) == 0 && listen(listener, 1) == 0
                && getsockname(listener, pointer, &length) == 0
        }
    }
    guard bound else {
        close(listener)
        throw SocketError.connect(String(cString: strerror(errno)))
    }
    return (listener, Int(UInt16(bigEndian: address.sin_port)))
}

func loopbackAddress(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return address
}
