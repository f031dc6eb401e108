/// What the parser made of a piece of source.
package struct ParseResult: Sendable {
    public let statements: [Stmt]
    /// Every scan and parse error, in jlox's order: scanner errors first.
    public let diagnostics: [Diagnostic]
    /// True when the text ran out inside a construct (open brace, paren, bracket or string, dangling
    /// operator, missing `;`): more input could complete it. False for a real syntax error.
    public let isIncomplete: Bool

    public var isValid: Bool { diagnostics.isEmpty }
}
