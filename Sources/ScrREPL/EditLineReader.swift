@preconcurrency import CEditLine
import Dispatch
import Scr

/// Line editing on a terminal, over libedit's readline interface in callback mode: history, tab
/// completion, and output from other tasks printed above the prompt with the half-typed line redrawn.
///
/// libedit keeps global state, so one reader exists at a time and all libedit calls happen on the
/// thread that reads a line. Other threads hand it output and Ctrl-C through `lock` and a wake pipe.
public final class EditLineReader: LineReader, @unchecked Sendable {
    private let lock = Locked(())
    // Guarded by `lock`.
    private var prompting = false
    private var pendingOutput: [String] = []
    private var cancelRequested = false
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let history: HistoryFile?
    // Guarded by `lock`: this session's view of the history, for `.history`.
    private var entries: [String] = []

    /// - Parameters:
    ///   - historyPath: the history file (History.swift), if any.
    ///   - completer: the completions of a word (a dotted name, possibly), asked on the reading thread.
    public init(historyPath: String?, completer: @escaping @Sendable (String) -> [String]) {
        (wakeRead, wakeWrite) = System.makePipe()
        System.setNonBlocking(wakeRead)
        history = historyPath.map { HistoryFile(path: $0) { StandardOutput.error.write($0) } }
        EditLineState.completer = completer
        System.useUTF8Characters()  // Before libedit starts: it reads the locale once.
        rl_readline_name = UnsafePointer(System.makeCString("scr"))
        rl_catch_signals = 0
        rl_completer_word_break_characters = System.makeCString(" \t\n\"\\'`@$><=;|&{(+-*/,[!")
        rl_attempted_completion_function = { text, _, _ in
            rl_attempted_completion_over = 1
            rl_completion_append_character = 0
            return EditLineState.matches(for: text)
        }
        using_history()
        entries = history?.load() ?? []
        for entry in entries { add_history(entry) }
    }

    deinit {
        System.close(wakeRead)
        System.close(wakeWrite)
    }

    public func readLine(prompt: String) async -> LineReaderResult {
        await withCheckedContinuation { continuation in
            Threads.detach { continuation.resume(returning: self.readSynchronously(prompt: prompt)) }
        }
    }

    public func write(_ text: String) {
        lock.withLock { _ in
            if prompting {
                pendingOutput.append(text)
                wake()
            } else {
                StandardOutput.output.write(text)
                StandardOutput.output.flush()
            }
        }
    }

    public func cancelLine() -> Bool {
        lock.withLock { _ in
            guard prompting else { return false }
            cancelRequested = true
            wake()
            return true
        }
    }

    public func addHistory(_ entry: String) {
        // A leading space keeps an input out of the history (bash's `ignorespace`).
        guard !entry.hasPrefix(" "), !entry.allSatisfy(\.isWhitespace) else { return }
        add_history(entry)
        lock.withLock { _ in entries.append(entry) }
        history?.append(entry)
    }

    public func recentHistory(_ count: Int) -> [String] {
        lock.withLock { _ in Array(entries.suffix(count)) }
    }

    public func close() {}

    private func wake() {
        System.write(wakeWrite, [1])
    }

    // MARK: The reading thread

    private func readSynchronously(prompt: String) -> LineReaderResult {
        EditLineState.line = nil
        rl_callback_handler_install(prompt) { line in
            EditLineState.line = line.map { pointer in
                defer { System.freeCString(pointer) }
                return .line(String(cString: pointer), morePending: false)
            } ?? .endOfInput
        }
        setPrompting(true)
        var result = LineReaderResult.endOfInput
        while true {
            let ready = System.waitForInput([System.standardInput, wakeRead])
            if ready.contains(wakeRead) && serviceWakeUp() {
                result = .interrupted
                break
            }
            if ready.contains(System.standardInput) {
                rl_callback_read_char()
                if let line = EditLineState.line {
                    result = line
                    break
                }
            }
        }
        rl_callback_handler_remove()
        setPrompting(false)
        if case .line(let text, _) = result {
            return .line(text, morePending: inputIsWaiting())
        }
        return result
    }

    /// Prints output that arrived while the prompt was up; true if Ctrl-C asked to drop the line.
    private func serviceWakeUp() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        while (buffer.withUnsafeMutableBytes { System.read(wakeRead, into: $0) } ?? 0) > 0 {}
        let (output, cancel) = lock.withLock { _ in
            defer {
                pendingOutput = []
                cancelRequested = false
            }
            return (pendingOutput.joined(), cancelRequested)
        }
        if !output.isEmpty { printAbovePrompt(output) }
        if cancel {
            // `^C` after what was typed, then a fresh prompt on the next row (not over the text).
            // The cursor goes to the end of the line by writing the text after it again.
            if let buffer = rl_line_buffer, rl_point < rl_end {
                let line = String(cString: buffer)
                StandardOutput.output.write(String(line.utf8.dropFirst(Int(rl_point))) ?? "")
            }
            StandardOutput.output.write("^C\r\n")
            StandardOutput.output.flush()
            rl_replace_line("", 0)
        }
        return cancel
    }

    /// Clears the prompt line, writes `text`, and redraws the prompt, the line being typed and the
    /// cursor.
    private func printAbovePrompt(_ text: String) {
        var lines = outputTranslatesNewlines() ? text : text.replacing("\n", with: "\r\n")
        if !text.hasSuffix("\n") { lines += outputTranslatesNewlines() ? "\n" : "\r\n" }
        StandardOutput.output.write("\r\u{1B}[K" + lines)
        StandardOutput.output.flush()
        rl_forced_update_display()
    }

    /// Whether the terminal turns "\n" into "\r\n" itself: libedit leaves output processing on, a
    /// fully raw terminal would not.
    private func outputTranslatesNewlines() -> Bool {
        System.terminalTranslatesNewlines(System.standardOutput)
    }

    private func setPrompting(_ value: Bool) {
        let output = lock.withLock { _ in
            prompting = value
            defer { if !value { pendingOutput = [] } }
            return value ? [] : pendingOutput
        }
        if !output.isEmpty {
            StandardOutput.output.write(output.joined())
            StandardOutput.output.flush()
        }
    }

    /// True when more typed or pasted input is already waiting: the line is part of a paste.
    private func inputIsWaiting() -> Bool {
        !System.waitForInput([System.standardInput], timeout: 0).isEmpty
    }
}

/// libedit calls back through C function pointers, which cannot capture a reader; what they need
/// lives here. Only the reading thread touches it.
private enum EditLineState {
    nonisolated(unsafe) static var line: LineReaderResult?
    nonisolated(unsafe) static var completer: (@Sendable (String) -> [String])?
    nonisolated(unsafe) static var candidates: [String] = []

    static func matches(for text: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        candidates = completer?(text.map { String(cString: $0) } ?? "") ?? []
        return rl_completion_matches(text) { _, state in
            let index = Int(state)
            guard index < EditLineState.candidates.count else { return nil }
            return System.makeCString(EditLineState.candidates[index])
        }
    }
}
