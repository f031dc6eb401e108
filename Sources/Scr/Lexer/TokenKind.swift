/// The kinds of token the lexer produces: Lox's set plus scr's brackets, colon and keywords.
public enum TokenKind: UInt8, Sendable {
    // Single-character tokens.
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, dot, minus, plus, semicolon, slash, star, colon
    // One- or two-character tokens.
    case bang, bangEqual, equal, equalEqual, greater, greaterEqual, less, lessEqual
    // Literals.
    case identifier, string, number
    // Keywords.
    case and, `class`, `else`, `false`, fun, `for`, `if`, `nil`, or
    case print, `return`, `super`, this, `true`, `var`, `while`
    case async, await, `throw`, `try`, `catch`, `finally`, `import`, `is`

    case eof

    static let keywords: [String: TokenKind] = [
        "and": .and, "class": .class, "else": .else, "false": .false, "for": .for,
        "fun": .fun, "if": .if, "nil": .nil, "or": .or, "print": .print, "return": .return,
        "super": .super, "this": .this, "true": .true, "var": .var, "while": .while,
        "async": .async, "await": .await, "throw": .throw, "try": .try, "catch": .catch,
        "finally": .finally, "import": .import, "is": .is,
    ]
}
