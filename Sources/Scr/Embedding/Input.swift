/// Deciding whether a REPL buffer is ready to run.
public enum Input {
    public enum Status: Sendable {
        /// Ready: run `source` (the buffer, with the implied final `;` added if it was missing).
        case complete(source: String)
        /// More lines could complete it: show the continuation prompt.
        case incomplete
        /// A syntax error that more input cannot fix.
        case error(CompileError)
    }

    /// Classifies a buffer as the REPL sees it: a missing final `;` is implied.
    public static func classify(_ buffer: String) -> Status {
        let parsed = Parser.parse(buffer)
        if parsed.isValid { return .complete(source: buffer) }
        guard parsed.isIncomplete else { return .error(CompileError(parsed.diagnostics)) }
        if Parser.parse(buffer + ";").isValid { return .complete(source: buffer + ";") }
        return .incomplete
    }
}
