/// The lines a REPL has read and not yet run, as CPython's `InteractiveConsole.push` keeps them: each
/// line is added, and the buffer answers whether it now holds a complete input to run (taking it out),
/// needs more lines, holds nothing, or a syntax error (dropped). The terminal REPL, `scr connect` and
/// plain-text remote clients all read their input through one of these; the line editor that feeds
/// it is separate.
package struct InputBuffer: Sendable {
    public enum Outcome: Sendable {
        /// A complete input (with the implied final `;` if it was missing): run it.
        case run(String)
        /// More lines could complete it: show the continuation prompt.
        case needMore
        /// Only blank lines: nothing to do.
        case nothing
        /// A syntax error no further line can fix; the buffer is emptied.
        case error(CompileError)
    }

    private var lines: [String] = []

    public init() {}

    /// True when no line is waiting: the primary prompt is due, and meta-commands are recognized.
    public var isEmpty: Bool { lines.isEmpty }

    /// Adds a line. With `morePending` (more of a paste is already waiting), a complete input waits
    /// for the rest of the paste, which is taken as one input.
    public mutating func add(_ line: String, morePending: Bool = false) -> Outcome {
        lines.append(line)
        let text = lines.joined(separator: "\n")
        if text.allSatisfy(\.isWhitespace) {
            lines = []
            return .nothing
        }
        switch Input.classify(text) {
        case .incomplete:
            return .needMore
        case .complete where morePending:
            return .needMore
        case .complete(let source):
            lines = []
            return .run(source)
        case .error(let error):
            lines = []
            return .error(error)
        }
    }

    /// Drops the waiting lines (Ctrl-C while typing).
    public mutating func clear() {
        lines = []
    }
}
