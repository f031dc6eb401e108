import CPtySupport
import Foundation

/// Drives the real `scr` binary on a pseudo-terminal, as a person at a terminal would.
final class PseudoTerminal {
    let pid: pid_t
    private let master: Int32
    /// Everything the program has written so far.
    private(set) var output = ""

    init(arguments: [String] = [], environment: [String: String] = [:]) throws {
        // A terminal with colours, whatever the test runner's own output is (it may set NO_COLOR).
        var base = ProcessInfo.processInfo.environment
        base["NO_COLOR"] = nil
        var env = base.merging(environment) { $1 }
        env["TERM"] = "xterm"
        let argv = [ScrProcess.executable.path] + arguments
        var master: Int32 = -1
        let pid = withCStrings(argv) { argv in
            withCStrings(env.map { "\($0.key)=\($0.value)" }) { envp in
                scr_spawn_in_pty(ScrProcess.executable.path, argv, envp, 30, 120, &master)
            }
        }
        guard pid > 0 else { throw PseudoTerminalError.spawnFailed }
        self.pid = pid
        self.master = master
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Types `text` (control characters included).
    func send(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(master, &bytes, bytes.count)
    }

    /// Changes the window's size, as a person dragging its corner does: the program gets SIGWINCH.
    func resize(rows: UInt16, columns: UInt16) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Waits until the output after `from` contains `text`; returns the output after it, or nil on
    /// timeout.
    @discardableResult
    func expect(_ text: String, after from: String.Index? = nil, timeout: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output[(from ?? output.startIndex)...].contains(text) { return true }
            readAvailable(waitingUpTo: 0.05)
        }
        return output[(from ?? output.startIndex)...].contains(text)
    }

    /// Reads whatever arrives during `seconds`.
    func settle(_ seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { readAvailable(waitingUpTo: 0.02) }
    }

    /// Waits for the program to exit and returns its status, or nil on timeout.
    func waitForExit(timeout: Double = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            readAvailable(waitingUpTo: 0.02)
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            }
        }
        return nil
    }

    private func readAvailable(waitingUpTo seconds: Double) {
        var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, Int32(seconds * 1000)) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &buffer, buffer.count)
        if count > 0 { output += String(decoding: buffer[0..<count], as: UTF8.self) }
    }
}

enum PseudoTerminalError: Error { case spawnFailed }

private func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
