#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CScrSupport
import NIOCore

/// The system calls scr makes, in one place, as SwiftNIO keeps its own in System.swift: each wraps
/// the C call, retries it when a signal interrupts it, and turns failures into Swift values. The rest
/// of the code imports no C library for them, so porting (Linux and macOS today) happens here and in
/// the other files of Platform/.
package enum System {
    /// A failed system call: what it was doing and the reason the system gave.
    package struct Failure: Error, CustomStringConvertible {
        package let reason: String
        package var description: String { reason }

        /// The failure of the last call, from `errno`.
        package static var last: Failure { Failure(reason: reason(errno)) }

        /// The system's words for an `errno` value: "Connection refused".
        package static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
    }

    // MARK: Memory

    /// Tunes malloc for a script's objects: called first by the `scr` command, not by the library (a
    /// host embedding scr keeps its process's settings). See docs/internals.md, "Where objects lie".
    package static func tuneAllocator() {
        scr_tune_allocator()
    }

    // MARK: Descriptors

    package static let standardInput: Int32 = 0
    package static let standardOutput: Int32 = 1
    package static let standardError: Int32 = 2

    /// Writes all of `bytes`; false if the descriptor stopped taking them (a closed pipe).
    @discardableResult
    package static func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var written = 0
        while written < bytes.count {
            #if canImport(Glibc)
            let result = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            #else
            let result = Darwin.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            #endif
            if result < 0 && errno == EINTR { continue }
            if result <= 0 { return false }
            written += result
        }
        return true
    }

    @discardableResult
    package static func write(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { write(descriptor, $0) }
    }

    @discardableResult
    package static func write(_ descriptor: Int32, _ text: String) -> Bool {
        write(descriptor, Array(text.utf8))
    }

    /// Reads up to `buffer.count` bytes: how many, 0 at the end, nil on an error.
    package static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        while true {
            #if canImport(Glibc)
            let result = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            #else
            let result = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
            #endif
            if result < 0 && errno == EINTR { continue }
            return result < 0 ? nil : result
        }
    }

    /// The offset of the first `byte` in `bytes` (C's `memchr`, which compares many bytes at a time).
    package static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, let found = memchr(base, Int32(byte), bytes.count) else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    /// Reads one byte; nil at the end or on an error.
    package static func readByte(_ descriptor: Int32) -> UInt8? {
        var byte: UInt8 = 0
        let count = withUnsafeMutableBytes(of: &byte) { read(descriptor, into: $0) }
        return count == 1 ? byte : nil
    }

    package static func close(_ descriptor: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }

    package static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }

    /// Whether the terminal on `descriptor` turns "\n" into "\r\n" itself (true if it is no terminal).
    package static func terminalTranslatesNewlines(_ descriptor: Int32) -> Bool {
        var settings = termios()
        guard tcgetattr(descriptor, &settings) == 0 else { return true }
        return settings.c_oflag & tcflag_t(OPOST) != 0 && settings.c_oflag & tcflag_t(ONLCR) != 0
    }

    /// A pipe: its read and write ends.
    package static func makePipe() -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        precondition(pipe(&ends) == 0, "cannot create a pipe: \(Failure.last)")
        return (ends[0], ends[1])
    }

    package static func setNonBlocking(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// Waits until one of `descriptors` can be read (or `timeout` milliseconds pass; -1 waits for
    /// ever); the readable ones.
    package static func waitForInput(_ descriptors: [Int32], timeout: Int32 = -1) -> [Int32] {
        var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        while true {
            let result = poll(&polled, nfds_t(polled.count), timeout)
            if result < 0 && errno == EINTR { continue }
            return polled.filter { $0.revents != 0 }.map(\.fd)
        }
    }

    // MARK: Files

    /// The whole file, as bytes.
    package static func readFile(_ path: String) throws(Failure) -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw Failure.last }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count {
                if ferror(file) != 0 { throw Failure.last }
                return bytes
            }
        }
    }

    /// Writes `bytes` to `path`, creating it (mode 0666 less the umask) or, unless `append`,
    /// truncating it.
    package static func writeFile(_ path: String, _ bytes: [UInt8], append: Bool) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0o666)
        guard descriptor >= 0 else { throw Failure.last }
        defer { close(descriptor) }
        guard write(descriptor, bytes) else { throw Failure.last }
    }

    /// Runs `body` holding an exclusive lock (`flock`) on `lockPath`, created if need be: the lock
    /// that sessions sharing a file take around each change of it.
    package static func withFileLock<T>(_ lockPath: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure.last }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Failure.last }
        }
        return try body()
    }

    /// Appends `bytes` to `path` in one `write` (created with mode 0600 if need be).
    package static func appendRecord(_ path: String, _ bytes: [UInt8]) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure.last }
        defer { close(descriptor) }
        guard write(descriptor, bytes) else { throw Failure.last }
    }

    /// Replaces `path` with `bytes` at once: written to a temporary file beside it, then renamed.
    package static func replaceFile(_ path: String, _ bytes: [UInt8]) throws(Failure) {
        let temporary = path + ".tmp\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure.last }
        let written = write(descriptor, bytes)
        close(descriptor)
        guard written, rename(temporary, path) == 0 else {
            let failure = Failure.last
            unlink(temporary)
            throw failure
        }
    }

    /// What a path names, following symbolic links: nil if nothing (or it can't be reached).
    package enum PathKind { case file, directory, other }

    package static func pathKind(_ path: String) -> PathKind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The names in a directory, without `.` and `..`, sorted.
    package static func listDirectory(_ path: String) throws(Failure) -> [String] {
        guard let directory = opendir(path) else { throw Failure.last }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes a file or an empty directory.
    package static func remove(_ path: String) throws(Failure) {
        guard Glibc.remove(path) == 0 else { throw Failure.last }
    }

    package static func makeDirectory(_ path: String) throws(Failure) {
        guard mkdir(path, 0o777) == 0 else { throw Failure.last }
    }

    package static func currentDirectory() -> String {
        guard let path = getcwd(nil, 0) else { return "." }
        defer { free(path) }
        return String(cString: path)
    }

    /// Creates `path` (which must not exist) with `contents`, readable and writable by the owner only.
    package static func createPrivateFile(_ path: String, contents: String) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw Failure.last }
        defer { close(descriptor) }
        guard write(descriptor, contents) else { throw Failure.last }
    }

    /// The absolute path with every `.`, `..` and symbolic link resolved; nil if there is no such file.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    package static func removeFile(_ path: String) {
        unlink(path)
    }

    /// Moves `from` over `to` in one step (`rename`): a reader sees the old file or the new, never a
    /// part.
    package static func replaceFile(_ to: String, with from: String) throws(Failure) {
        guard rename(from, to) == 0 else { throw Failure.last }
    }

    /// Whether `path` is a regular file (not a link) that this process's user owns and nobody else
    /// may read or write.
    package static func isPrivateRegularFile(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return info.st_mode & S_IFMT == S_IFREG && info.st_uid == getuid() && info.st_mode & 0o077 == 0
    }

    /// What a path names, without following a symbolic link; nil if nothing.
    package enum FileKind { case socket, other }

    package static func kind(of path: String) -> FileKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT == S_IFSOCK ? .socket : .other
    }

    package static func setPermissions(_ path: String, _ mode: UInt32) {
        chmod(path, mode_t(mode))
    }

    /// Runs `body` with the process's file creation mask set so that what it creates (a socket) is
    /// the owner's alone from the start, not only after a `chmod`.
    package static func creatingPrivateFiles<T>(_ body: () throws -> T) rethrows -> T {
        let previous = umask(0o177)
        defer { umask(previous) }
        return try body()
    }

    // MARK: Sockets

    /// Whether a server accepts connections on the Unix socket `path` now.
    package static func unixSocketIsLive(_ path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM_TYPE), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8.prefix(MemoryLayout.size(ofValue: address.sun_path) - 1))
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    /// The addresses of `host` for a TCP connection to `port`, IPv6 and IPv4 apart, each in the
    /// order `getaddrinfo` gives (RFC 6724's, which Happy Eyeballs expects). Blocks while the system
    /// asks its name servers: call it on a thread that may block (`Runtime.runBlocking`).
    package static func resolve(_ host: String, port: Int) throws(Failure) -> (v6: [SocketAddress], v4: [SocketAddress]) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM_TYPE)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &list)
        guard code == 0, let first = list else {
            switch code {
            case EAI_NONAME, 0: throw Failure(reason: "Unknown host")
            case EAI_SYSTEM: throw Failure.last
            default: throw Failure(reason: String(cString: gai_strerror(code)))
            }
        }
        defer { freeaddrinfo(first) }
        var v6: [SocketAddress] = []
        var v4: [SocketAddress] = []
        for entry in sequence(first: first, next: { $0.pointee.ai_next }) {
            guard let address = entry.pointee.ai_addr else { continue }
            switch entry.pointee.ai_family {
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    v6.append(SocketAddress($0.pointee, host: host))
                }
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    v4.append(SocketAddress($0.pointee, host: host))
                }
            default:
                continue
            }
        }
        return (v6, v4)
    }

    #if canImport(Glibc)
    private static let SOCK_STREAM_TYPE = SOCK_STREAM.rawValue
    #else
    private static let SOCK_STREAM_TYPE = SOCK_STREAM
    #endif

    // MARK: C strings

    /// A copy of `text` in memory from `malloc`, for a C library that takes ownership of it (or for
    /// `freeCString`).
    /// Makes the C library read and write characters as UTF-8 (`LC_CTYPE`): the user's locale if it
    /// is a UTF-8 one, else `C.UTF-8`. A line editor in the default "C" locale takes every byte past
    /// ASCII for garbage (libedit dropped `é` and `中` from typed lines). Swift's own strings do not
    /// depend on the locale.
    package static func useUTF8Characters() {
        if setlocale(LC_CTYPE, "") != nil, let codeset = nl_langinfo(nl_item(CODESET)),
           ["UTF-8", "utf8"].contains(String(cString: codeset)) {
            return
        }
        if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
    }

    package static func makeCString(_ text: String) -> UnsafeMutablePointer<CChar> {
        strdup(text)!
    }

    package static func freeCString(_ pointer: UnsafeMutablePointer<CChar>) {
        free(pointer)
    }

    // MARK: The process

    package static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The user's home directory (`$HOME`).
    package static var homeDirectory: String { environment("HOME") ?? "." }

    package static var userID: UInt32 { UInt32(getuid()) }

    /// Runs `body` when the process exits (`exit`, or returning from main).
    package static func atExit(_ body: @convention(c) () -> Void) {
        #if canImport(Glibc)
        _ = Glibc.atexit(body)
        #else
        _ = Darwin.atexit(body)
        #endif
    }

    package static func exit(_ status: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(status)
        #else
        Darwin.exit(status)
        #endif
    }

    /// Seconds on a clock that only goes forward, for measuring intervals.
    /// Seconds since the Unix epoch, from the wall clock.
    package static func wallClockSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// `t` (seconds since the epoch) formatted by strftime's `pattern`, in UTC or local time; nil
    /// when the result would be longer than 1 KiB.
    package static func formatTime(_ t: Double, _ pattern: String, utc: Bool) -> String? {
        var seconds = time_t(t.rounded(.down))
        var parts = tm()
        if utc { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
        var buffer = [CChar](repeating: 0, count: 1024)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        guard count > 0 || pattern.isEmpty else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Eight bytes from the kernel's random source (through the standard library), to seed a generator.
    package static func randomSeed() -> UInt64 {
        var source = SystemRandomNumberGenerator()
        return source.next()
    }

    package static var processID: Int32 { getpid() }

    /// The operating system, as `os.platform` names it.
    #if os(Linux)
    package static let platform = "linux"
    #elseif os(macOS)
    package static let platform = "macos"
    #else
    package static let platform = "unknown"
    #endif

    package static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    package static func sleep(microseconds: UInt32) {
        usleep(microseconds)
    }

    /// Names the current thread, as tools (and tests) see it.
    package static func nameCurrentThread(_ name: String) {
        #if os(Linux)
        guard let file = fopen("/proc/thread-self/comm", "w") else { return }
        fputs(name, file)
        fclose(file)
        #else
        pthread_setname_np(name)
        #endif
    }

    // MARK: Child processes

    /// A started child process and the parent's ends of its standard input, output and error pipes.
    package struct Child: Sendable {
        package let pid: Int32
        package let input: Int32
        package let output: Int32
        package let error: Int32
    }

    /// Starts `arguments[0]` (searched for in `PATH`) with `arguments`, its standard streams on new
    /// pipes. The child starts with default signal dispositions and an empty signal mask: what scr
    /// ignores (SIGPIPE) or blocks is not inherited, as Python's subprocess resets SIGPIPE.
    package static func spawn(_ arguments: [String]) throws(Failure) -> Child {
        var ends: [Int32] = []
        for _ in 0..<3 {
            var pair: [Int32] = [0, 0]
            // Glibc's module leaves pipe2 out; scr starts children only from this function, so no
            // other spawn can pass between the two calls.
            let made = pipe(&pair) == 0 && pair.allSatisfy { fcntl($0, F_SETFD, FD_CLOEXEC) == 0 }
            guard made else {
                let failure = Failure.last
                for end in ends { close(end) }
                throw failure
            }
            ends += pair
        }
        // The child reads ends[0] and writes ends[3] and ends[5]; the parent keeps the others. The
        // pipes are close-on-exec: only the copies dup2 makes on 0, 1 and 2 reach the new program.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
        posix_spawn_file_actions_adddup2(&actions, ends[3], 1)
        posix_spawn_file_actions_adddup2(&actions, ends[5], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        for end in [ends[0], ends[3], ends[5]] { close(end) }
        guard result == 0 else {
            for end in [ends[1], ends[2], ends[4]] { close(end) }
            throw Failure(reason: Failure.reason(result))
        }
        return Child(pid: pid, input: ends[1], output: ends[2], error: ends[4])
    }

    /// Waits for the child `pid` to end: its exit status, or minus the signal that killed it (as
    /// Python's `returncode`).
    package static func waitForExit(_ pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : -signal
    }

    package static func kill(_ pid: Int32, _ signal: Int32) {
        #if canImport(Glibc)
        _ = Glibc.kill(pid, signal)
        #else
        _ = Darwin.kill(pid, signal)
        #endif
    }

    /// `errno` when the peer reset a connection.
    package static let connectionReset = ECONNRESET

    package static let killSignal = SIGKILL
    package static let terminateSignal = SIGTERM

    // MARK: Signals

    /// A signal's disposition, as `sigaction` reports it: saved to be put back.
    package struct SignalAction: @unchecked Sendable {  // Plain data: a handler address, flags, a mask.
        fileprivate let action: sigaction
    }

    /// Calls `handler` (a C function: it may only do what a signal handler may) when SIGINT arrives;
    /// returns the disposition it replaced.
    @discardableResult
    package static func onInterruptSignal(_ handler: @convention(c) (Int32) -> Void) -> SignalAction {
        onSignal(SIGINT, handler)
    }

    /// Calls `handler` (a C function) when the terminal's window changes size (SIGWINCH).
    package static func onWindowResize(_ handler: @convention(c) (Int32) -> Void) {
        onSignal(SIGWINCH, handler)
    }

    /// The width of the terminal `descriptor` is, in columns; nil if it is not one.
    package static func terminalColumns(_ descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// How many columns `text` takes on a terminal: two for a wide (CJK, emoji) character, none for a
    /// combining one (`wcwidth`, under the UTF-8 locale the REPL sets).
    package static func displayWidth(_ text: some StringProtocol) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in width + max(0, Int(scr_character_width(scalar.value))) }
    }

    /// SIGINT, for code outside this file that names it.
    package static let interruptSignal = SIGINT

    /// Makes a write to a closed socket or pipe an error (EPIPE) rather than a silent death.
    package static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// The signals that end a process politely: SIGTERM (`kill`) and SIGHUP (terminal closed).
    package static let terminationSignals: [Int32] = [SIGTERM, SIGHUP]

    @discardableResult
    package static func onSignal(_ signal: Int32, _ handler: @convention(c) (Int32) -> Void) -> SignalAction {
        var action = sigaction()
        #if os(Linux)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        var previous = sigaction()
        sigaction(signal, &action, &previous)
        return SignalAction(action: previous)
    }

    /// Puts back SIGINT's disposition as it was before `onInterruptSignal` (a host that ignored it
    /// goes on ignoring it).
    package static func restoreInterruptSignal(_ saved: SignalAction) {
        var action = saved.action
        sigaction(SIGINT, &action, nil)
    }

    /// Whether SIGINT is ignored now (for tests of the disposition a REPL leaves behind).
    package static func isInterruptSignalIgnored() -> Bool {
        var current = sigaction()
        sigaction(SIGINT, nil, &current)
        #if os(Linux)
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
        #else
        return unsafeBitCast(current.__sigaction_u.__sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
        #endif
    }

    /// Makes the process ignore SIGINT (for tests, as a host that ignores it would).
    package static func ignoreInterruptSignal() {
        signal(SIGINT, SIG_IGN)
    }
}

// MARK: Memory

extension System {
    /// memcmp: negative, zero or positive as `a`'s first `count` bytes order before, like or after `b`'s.
    @inline(__always)
    package static func compareBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Int32 {
        memcmp(a, b, count)
    }
}
