/// Deciding whether a REPL buffer is ready to run.
package enum Input {
    public enum Status: Sendable {
        /// Ready: run `source` (the buffer, with the implied final `;` added if it was missing).
        case complete(source: String)
        /// More lines could complete it: show the continuation prompt.
        case incomplete
        /// A syntax error that more input cannot fix.
        case error(CompileError)
    }

    /// Classifies a buffer as the REPL sees it: a missing final `;` is implied, and a buffer that
    /// starts with `{` and reads as one expression is that expression (a map), as in Node's REPL.
    public static func classify(_ buffer: String) -> Status {
        if let map = asMapExpression(buffer) { return .complete(source: map) }
        let parsed = Parser.parse(buffer)
        if parsed.isValid { return .complete(source: buffer) }
        guard parsed.isIncomplete else { return .error(CompileError(parsed.diagnostics)) }
        if Parser.parse(buffer + ";").isValid { return .complete(source: buffer + ";") }
        // A line that ends in a comment: the implied `;` goes after it.
        if Parser.parse(buffer + "\n;").isValid { return .complete(source: buffer + "\n;") }
        return .incomplete
    }

    private static func asMapExpression(_ buffer: String) -> String? {
        guard buffer.drop(while: \.isWhitespace).first == "{" else { return nil }
        var body = Substring(buffer)
        while let last = body.last, last.isWhitespace || last == ";" { body = body.dropLast() }
        let wrapped = "(" + body + ");"
        let parsed = Parser.parse(wrapped)
        guard parsed.isValid, parsed.statements.count == 1, case .expression = parsed.statements[0] else { return nil }
        return wrapped
    }
}
