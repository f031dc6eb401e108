/// One lexeme of source text.
package struct Token: Sendable {
    public let kind: TokenKind
    /// The exact source text; for strings, the literal's value without quotes and with escapes applied
    /// is in `text` instead.
    public let lexeme: String
    /// The decoded value of a string literal, or the lexeme.
    public let text: String
    public let line: Int
    /// Byte offset of the token in the source, used by diagnostics and the REPL.
    public let offset: Int

    public init(_ kind: TokenKind, _ lexeme: String, text: String? = nil, line: Int, offset: Int = 0) {
        self.kind = kind
        self.lexeme = lexeme
        self.text = text ?? lexeme
        self.line = line
        self.offset = offset
    }
}
