@preconcurrency import CEditLine
import Dispatch
import Scr
import Synchronization

/// Line editing on a terminal, over libedit's readline interface in callback mode: history, tab
/// completion, and output from other tasks printed above the prompt with the half-typed line redrawn.
///
/// libedit keeps global state, so one reader exists at a time and all libedit calls happen on the
/// thread that reads a line. Other threads hand it output and Ctrl-C through `lock` and a wake pipe.
public final class EditLineReader: LineReader, @unchecked Sendable {
    private let lock = Lock()
    // Guarded by `lock`.
    private var prompting = false
    private var pendingOutput: [String] = []
    private var cancelRequested = false
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let history: HistoryFile?
    // Guarded by `lock`: this session's view of the history, for `.history`.
    private var entries: [String] = []
    // The reading thread's: the prompt showing and the terminal's width when it was drawn.
    private var prompt = ""
    private var columns = 80
    private let highlighting = Highlighter.isWanted
    /// Set by SIGWINCH, which then wakes the reading thread through `resizeWake` to redraw the line.
    private static let resized = Atomic<Bool>(false)
    private static let resizeWake = Atomic<Int32>(-1)

    /// - Parameters:
    ///   - historyPath: the history file (History.swift), if any.
    ///   - completer: the completions of a word (a dotted name, possibly), asked on the reading thread.
    public init(historyPath: String?, completer: @escaping @Sendable (String) -> [String]) {
        (wakeRead, wakeWrite) = System.makePipe()
        System.setNonBlocking(wakeRead)
        history = historyPath.map { HistoryFile(path: $0) { StandardOutput.error.write($0) } }
        EditLineState.completer = completer
        System.useUTF8Characters()  // Before libedit starts: it reads the locale once.
        TerminalKeys.install()
        rl_readline_name = UnsafePointer(System.makeCString("scr"))
        rl_catch_signals = 0
        rl_completer_word_break_characters = System.makeCString(" \t\n\"\\'`@$><=;|&{(+-*/,[!")
        rl_attempted_completion_function = { text, _, _ in
            rl_attempted_completion_over = 1
            rl_completion_append_character = 0
            return EditLineState.matches(for: text)
        }
        EditLineReader.resizeWake.store(wakeWrite, ordering: .relaxed)
        System.onWindowResize { _ in
            EditLineReader.resized.store(true, ordering: .relaxed)
            _ = System.write(EditLineReader.resizeWake.load(ordering: .relaxed), [1])
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
        lock.withLock {
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
        lock.withLock {
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
        lock.withLock { entries.append(entry) }
        history?.append(entry)
    }

    public func recentHistory(_ count: Int) -> [String] {
        lock.withLock { Array(entries.suffix(count)) }
    }

    public func close() {
        StandardOutput.output.write(TerminalKeys.disableBracketedPaste)
        StandardOutput.output.flush()
    }

    private func wake() {
        System.write(wakeWrite, [1])
    }

    // MARK: The reading thread

    private func readSynchronously(prompt: String) -> LineReaderResult {
        EditLineReader.askForBracketedPaste()
        self.prompt = prompt
        columns = System.terminalColumns(System.standardOutput) ?? columns
        EditLineState.line = nil
        // Prompting from before the prompt is drawn: output written once it is on the screen must wait
        // to be printed above it (`serviceWakeUp`), not after it with no prompt below.
        setPrompting(true)
        rl_callback_handler_install(prompt) { line in
            EditLineState.line = line.map { pointer in
                defer { System.freeCString(pointer) }
                return .line(String(cString: pointer))
            } ?? .endOfInput
        }
        var result = LineReaderResult.endOfInput
        while true {
            // Keys read ahead (the rest of a paste) go to libedit before anything new is awaited.
            if TerminalKeys.hasBufferedInput {
                if let line = handleKey() {
                    result = line
                    break
                }
                continue
            }
            let ready = System.waitForInput([System.standardInput, wakeRead])
            if ready.contains(wakeRead) && serviceWakeUp() {
                result = .interrupted
                break
            }
            if ready.contains(System.standardInput), let line = handleKey() {
                result = line
                break
            }
        }
        rl_callback_handler_remove()
        setPrompting(false)
        return result
    }

    /// Hands libedit a key; the line, once one is complete. The line is coloured once no more keys
    /// wait: not at every key of a paste.
    private func handleKey() -> LineReaderResult? {
        rl_callback_read_char()
        if let line = EditLineState.line { return line }
        if highlighting && !TerminalKeys.hasBufferedInput
            && System.waitForInput([System.standardInput], timeout: 0).isEmpty { colorLine() }
        return nil
    }

    /// Asks the terminal to mark pastes (`TerminalKeys`), once; the process turns it off again at its
    /// exit, however it exits, so that the shell after it gets plain pastes.
    private static func askForBracketedPaste() {
        guard !askedForBracketedPaste else { return }
        askedForBracketedPaste = true
        System.atExit { _ = System.write(System.standardOutput, TerminalKeys.disableBracketedPaste) }
        StandardOutput.output.write(TerminalKeys.enableBracketedPaste)
        StandardOutput.output.flush()
    }

    nonisolated(unsafe) private static var askedForBracketedPaste = false

    /// Prints output that arrived while the prompt was up; true if Ctrl-C asked to drop the line.
    private func serviceWakeUp() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        while (buffer.withUnsafeMutableBytes { System.read(wakeRead, into: $0) } ?? 0) > 0 {}
        let (output, cancel) = lock.withLock {
            defer {
                pendingOutput = []
                cancelRequested = false
            }
            return (pendingOutput.joined(), cancelRequested)
        }
        if EditLineReader.resized.exchange(false, ordering: .relaxed) { redrawAfterResize() }
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

    /// Clears the prompt and the line being typed — every row of it, when it wraps — writes `text`,
    /// and redraws the prompt, the line and the cursor below it. Clearing only the cursor's row left
    /// the rows above it on the screen, once per output (1,530 `a`s shown for 150 typed).
    private func printAbovePrompt(_ text: String) {
        var lines = outputTranslatesNewlines() ? text : text.replacing("\n", with: "\r\n")
        if !text.hasSuffix("\n") { lines += outputTranslatesNewlines() ? "\n" : "\r\n" }
        StandardOutput.output.write(clearPromptAndLine() + lines)
        StandardOutput.output.flush()
        rl_forced_update_display()
        if highlighting { colorLine() }
    }

    /// The window changed size: libedit learns the new width, and the prompt and line are drawn
    /// again where they start (the terminal has rewrapped them to the new width).
    private func redrawAfterResize() {
        columns = System.terminalColumns(System.standardOutput) ?? columns
        rl_resize_terminal()
        StandardOutput.output.write(clearPromptAndLine())
        StandardOutput.output.flush()
        rl_forced_update_display()
    }

    /// Writes the line being typed again over itself, the same characters in colour (`Highlighter`),
    /// and puts the cursor back where libedit has it. libedit draws plain text and redraws only what
    /// changes, so its idea of the screen stays right; the colours last until it redraws a part.
    private func colorLine() {
        guard let buffer = rl_line_buffer else { return }
        let line = String(cString: buffer)
        guard !line.contains(where: { $0.isASCII && $0.asciiValue! < 0x20 }), let colored = Highlighter.colorize(line) else {
            return
        }
        let width = max(columns, 1)
        let promptWidth = System.displayWidth(prompt)
        let end = promptWidth + System.displayWidth(line)
        let cursor = cursorColumn(in: line)
        var text = toPromptStart(rows: cursor / width) + (promptWidth > 0 ? "\u{1B}[\(promptWidth)C" : "") + colored
        // After the last column the terminal holds the cursor on that row until more is written.
        let endRow = end > 0 && end % width == 0 ? end / width - 1 : end / width
        let cursorRow = cursor / width
        if endRow > cursorRow { text += "\u{1B}[\(endRow - cursorRow)A" }
        if cursorRow > endRow { text += String(repeating: "\n", count: cursorRow - endRow) }
        text += "\r" + (cursor % width > 0 ? "\u{1B}[\(cursor % width)C" : "")
        StandardOutput.output.write(text)
        StandardOutput.output.flush()
    }

    /// `\r` and up `rows` rows: the start of the prompt's row, from the cursor's.
    private func toPromptStart(rows: Int) -> String {
        "\r" + (rows > 0 ? "\u{1B}[\(rows)A" : "")
    }

    /// Moves to the start of the prompt's first row and clears to the end of the screen.
    private func clearPromptAndLine() -> String {
        toPromptStart(rows: cursorRow()) + "\u{1B}[J"
    }

    /// The row of the cursor, counted from the prompt's: the prompt and the text before the cursor,
    /// in terminal columns, wrapped at the terminal's width.
    private func cursorRow() -> Int {
        guard let buffer = rl_line_buffer else { return 0 }
        return cursorColumn(in: String(cString: buffer)) / max(columns, 1)
    }

    /// Where the cursor is, in columns from the prompt's start as if the row never wrapped: the
    /// prompt and the text before the cursor (`rl_point` counts bytes).
    private func cursorColumn(in line: String) -> Int {
        let beforeCursor = String(decoding: line.utf8.prefix(max(0, Int(rl_point))), as: UTF8.self)
        return System.displayWidth(prompt) + System.displayWidth(beforeCursor)
    }

    /// Whether the terminal turns "\n" into "\r\n" itself: libedit leaves output processing on, a
    /// fully raw terminal would not.
    private func outputTranslatesNewlines() -> Bool {
        System.terminalTranslatesNewlines(System.standardOutput)
    }

    private func setPrompting(_ value: Bool) {
        let output = lock.withLock {
            prompting = value
            defer { if !value { pendingOutput = [] } }
            return value ? [] : pendingOutput
        }
        if !output.isEmpty {
            StandardOutput.output.write(output.joined())
            StandardOutput.output.flush()
        }
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
