/// What a REPL reads lines with: libedit on a terminal, plain lines otherwise. A reader also owns the
/// terminal's output while it shows a prompt, so that text written then appears above the prompt.
public protocol LineReader: AnyObject, Sendable {
    /// Shows `prompt` and waits for a line. Other tasks keep running meanwhile.
    func readLine(prompt: String) async -> LineReaderResult

    /// Writes output: above the prompt if one is showing, else straight out.
    func write(_ text: String)

    /// Ctrl-C while a prompt is showing: the half-typed line is dropped. Returns false if no prompt
    /// is showing (the interrupt is then for running code).
    func cancelLine() -> Bool

    /// Remembers an input (all its lines, as one entry) in the history, which saves it at once.
    func addHistory(_ entry: String)

    /// The last `count` entries of the history, oldest first (`.history`).
    func recentHistory(_ count: Int) -> [String]

    /// Restores the terminal.
    func close()
}

public enum LineReaderResult: Sendable, Equatable {
    /// A line, typed or pasted: the two are the same input (`InputBuffer.add`).
    case line(String)
    /// Ctrl-C dropped the line being typed.
    case interrupted
    /// End of input (Ctrl-D on an empty line).
    case endOfInput
}
