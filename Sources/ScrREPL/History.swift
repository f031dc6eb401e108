import Scr

/// The REPL's history file, shared safely by every REPL of the user (docs/repl.md, "History").
///
/// Each input is appended as soon as it is accepted, as one record, under a file lock, in the
/// format of prompt_toolkit's `FileHistory` (IPython's and ptpython's terminal history):
///
///     # 2026-12-02 18:50:12
///     +fun area(r) {
///     +  return 3.14 * r * r;
///     +}
///
/// a `#` line (when), then each line of the input after a `+`, then an empty line. A person can read
/// and grep it; a multi-line input comes back as one entry. Sessions interleave whole records and
/// never lose one: an append takes the lock, then opens the file by its path, so it always lands in
/// the file that a compaction (rewrite to a temporary file and rename, under the same lock) left.
final class HistoryFile: @unchecked Sendable {
    /// Where the history is: `$SCR_HISTORY` (empty: none), else `~/.scr_history`.
    static var defaultPath: String? {
        if let path = System.environment("SCR_HISTORY") { return path.isEmpty ? nil : path }
        guard let home = System.environment("HOME") else { return nil }
        return home + "/.scr_history"
    }

    /// How many entries a session loads, and the file is compacted to: `$SCR_HISTORY_SIZE`, else 1,000.
    static var defaultSize: Int {
        System.environment("SCR_HISTORY_SIZE").flatMap { Int($0) }.map { max(0, $0) } ?? 1_000
    }

    let path: String
    let size: Int
    private let warn: @Sendable (String) -> Void
    private let lock = Lock()
    // Guarded by `lock`: after a failure, warn once and stop trying.
    private var broken = false

    init(path: String, size: Int = HistoryFile.defaultSize, warn: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.size = size
        self.warn = warn
    }

    private var lockPath: String { path + ".lock" }

    /// The last `size` entries, oldest first; compacts the file when it holds more than twice that.
    /// A file that cannot be read, or is not a history file, gives one warning and no entries.
    func load() -> [String] {
        let bytes: [UInt8]
        do {
            bytes = try System.readFile(path)
        } catch {
            if System.pathKind(path) != nil { disable("can't read the history file \(path): \(error.reason)") }
            return []
        }
        guard let entries = HistoryFile.parse(bytes) else {
            disable("\(path) is not a history file; history is off for this session")
            return []
        }
        if entries.count > 2 * max(size, 1) { compact() }
        return Array(entries.suffix(size))
    }

    /// Appends one input, unless it starts with a space (bash's `ignorespace`: a way to keep a
    /// secret out of the file) or is blank.
    func append(_ entry: String) {
        guard size > 0, !entry.hasPrefix(" "), !entry.allSatisfy(\.isWhitespace) else { return }
        guard !lock.withLock({ broken }) else { return }
        let record = HistoryFile.record(entry)
        do {
            try System.withFileLock(lockPath) { try System.appendRecord(path, record) }
        } catch let failure as System.Failure {
            disable("can't save history to \(path): \(failure.reason)")
        } catch {
            disable("can't save history to \(path)")
        }
    }

    /// Rewrites the file with its last `size` entries, under the lock, so that nothing another
    /// session appended meanwhile is lost.
    func compact() {
        do {
            try System.withFileLock(lockPath) {
                guard let entries = HistoryFile.parse(try System.readFile(path)) else { return }
                try System.replaceFile(path, entries.suffix(size).flatMap { HistoryFile.record($0) })
            }
        } catch {
            // Compaction is an optimisation: the file keeps working uncompacted.
        }
    }

    private func disable(_ message: String) {
        let first = lock.withLock {
            defer { broken = true }
            return !broken
        }
        if first { warn("scr: \(message)\n") }
    }

    static func record(_ entry: String) -> [UInt8] {
        var text = "\n# " + (System.formatTime(System.wallClockSeconds(), "%Y-%m-%d %H:%M:%S", utc: false) ?? "") + "\n"
        for line in entry.split(separator: "\n", omittingEmptySubsequences: false) { text += "+" + line + "\n" }
        return Array(text.utf8)
    }

    /// The entries of a history file, oldest first; nil if it is not one (binary, or not UTF-8).
    /// Lines of the format before this one (one input a line, libedit's `_HiStOrY_V2_` file) are
    /// entries of their own.
    static func parse(_ bytes: [UInt8]) -> [String]? {
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var entries: [String] = []
        var current: [Substring] = []
        func finish() {
            if !current.isEmpty { entries.append(current.joined(separator: "\n")) }
            current = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("+") {
                current.append(line.dropFirst())
            } else {
                finish()
                if !line.isEmpty && !line.hasPrefix("#") && line != "_HiStOrY_V2_" {
                    entries.append(String(line).replacing("\\040", with: " "))
                }
            }
        }
        finish()
        return entries
    }
}
