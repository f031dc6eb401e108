/// The kinds of token the lexer produces: Lox's set plus scr's brackets, colon and keywords.
package enum TokenKind: UInt8, Sendable {
    // Single-character tokens.
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, dot, minus, plus, semicolon, slash, star, colon
    // One- or two-character tokens.
    case bang, bangEqual, equal, equalEqual, greater, greaterEqual, less, lessEqual
    // Literals. A string with `${…}` in it comes as an `interpolation` (the text up to the `${`), the
    // expression's tokens, an `interpolationEnd` (its `}`), and so on, ending with a `string` (the text
    // after the last `}`).
    case identifier, string, number, interpolation, interpolationEnd
    // Keywords.
    case and, `class`, `else`, `false`, fun, `for`, `if`, `nil`, or
    case print, `return`, `super`, this, `true`, `var`, `while`
    case async, await, `throw`, `try`, `catch`, `finally`, `import`, `is`, `break`, `continue`
    case percent, arrow

    case eof

    package static let keywords: [String: TokenKind] = [
        "and": .and, "class": .class, "else": .else, "false": .false, "for": .for,
        "fun": .fun, "if": .if, "nil": .nil, "or": .or, "print": .print, "return": .return,
        "super": .super, "this": .this, "true": .true, "var": .var, "while": .while,
        "async": .async, "await": .await, "throw": .throw, "try": .try, "catch": .catch,
        "finally": .finally, "import": .import, "is": .is, "break": .break, "continue": .continue,
    ]
}
