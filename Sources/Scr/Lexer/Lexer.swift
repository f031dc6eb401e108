/// Turns source text into tokens, all at once, collecting every scanner error (as jlox does, scanner
/// errors come before any parse error).
package struct Lexer {
    private let bytes: [UInt8]
    private var start = 0
    private var current = 0
    private var line = 1
    private(set) var tokens: [Token] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// True when the text ended inside a string literal: more input could complete it.
    private(set) var endedInsideString = false
    /// For each `${` of a string being scanned (innermost last): how many `{` of its expression are
    /// open. Its `}` at depth 0 ends the expression and goes back into the string.
    private var interpolations: [Int] = []

    public init(_ source: String) {
        bytes = Array(source.utf8)
    }

    /// Scans the whole source.
    public static func scan(_ source: String) -> (tokens: [Token], diagnostics: [Diagnostic], endedInsideString: Bool) {
        var lexer = Lexer(source)
        lexer.scanTokens()
        return (lexer.tokens, lexer.diagnostics, lexer.endedInsideString)
    }

    mutating func scanTokens() {
        tokens.reserveCapacity(bytes.count / 3)
        while !isAtEnd {
            start = current
            scanToken()
        }
        if !interpolations.isEmpty && !endedInsideString {
            // Inside a `${…}` at the end (and not in a string inside it, already reported): more input
            // could close it.
            endedInsideString = true
            start = current
            error("Unterminated string interpolation.")
        }
        tokens.append(Token(.eof, "", line: line, offset: bytes.count))
    }

    private var isAtEnd: Bool { current >= bytes.count }

    private mutating func scanToken() {
        let c = advance()
        switch c {
        case UInt8(ascii: "("): add(.leftParen)
        case UInt8(ascii: ")"): add(.rightParen)
        case UInt8(ascii: "{"):
            if !interpolations.isEmpty { interpolations[interpolations.count - 1] += 1 }
            add(.leftBrace)
        case UInt8(ascii: "}"):
            if let open = interpolations.last {
                if open == 0 {
                    interpolations.removeLast()
                    add(.interpolationEnd)
                    start = current
                    string()  // The rest of the string the `${` interrupted.
                    return
                }
                interpolations[interpolations.count - 1] -= 1
            }
            add(.rightBrace)
        case UInt8(ascii: "["): add(.leftBracket)
        case UInt8(ascii: "]"): add(.rightBracket)
        case UInt8(ascii: ","): add(.comma)
        case UInt8(ascii: "."): add(.dot)
        case UInt8(ascii: "-"): add(.minus)
        case UInt8(ascii: "+"): add(.plus)
        case UInt8(ascii: ";"): add(.semicolon)
        case UInt8(ascii: "*"): add(.star)
        case UInt8(ascii: "%"): add(.percent)
        case UInt8(ascii: ":"): add(.colon)
        case UInt8(ascii: "!"): add(match(UInt8(ascii: "=")) ? .bangEqual : .bang)
        case UInt8(ascii: "="):
            // `=>` only follows the parameters of a function expression; no Lox program has it.
            add(match(UInt8(ascii: "=")) ? .equalEqual : match(UInt8(ascii: ">")) ? .arrow : .equal)
        case UInt8(ascii: "<"): add(match(UInt8(ascii: "=")) ? .lessEqual : .less)
        case UInt8(ascii: ">"): add(match(UInt8(ascii: "=")) ? .greaterEqual : .greater)
        case UInt8(ascii: "/"):
            if match(UInt8(ascii: "/")) {
                while !isAtEnd && peek != UInt8(ascii: "\n") { current += 1 }
            } else {
                add(.slash)
            }
        case UInt8(ascii: " "), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
            break
        case UInt8(ascii: "\n"):
            line += 1
        case UInt8(ascii: "\""):
            string()
        default:
            if isDigit(c) {
                number()
            } else if isAlpha(c) {
                identifier()
            } else {
                skipRestOfCharacter()
                error("Unexpected character.")
            }
        }
    }

    /// A stray byte that starts a multi-byte UTF-8 character is reported once, not once per byte.
    private mutating func skipRestOfCharacter() {
        while !isAtEnd && bytes[current] & 0xC0 == 0x80 { current += 1 }
    }

    private mutating func identifier() {
        while isAlphaNumeric(peek) { current += 1 }
        add(TokenKind.keywords[lexeme] ?? .identifier)
    }

    private mutating func number() {
        while isDigit(peek) { current += 1 }
        if peek == UInt8(ascii: ".") && isDigit(peekNext) {
            current += 1
            while isDigit(peek) { current += 1 }
        }
        add(.number)
    }

    /// A string literal, or the part of one up to a `${` (an `.interpolation` token, after which come
    /// the expression's tokens, then the rest of the string: see `interpolations`).
    private mutating func string() {
        var value: [UInt8] = []
        var invalidEscape = false
        while !isAtEnd && peek != UInt8(ascii: "\"") {
            if peek == UInt8(ascii: "$") && peekNext == UInt8(ascii: "{") {
                current += 2
                if invalidEscape { error("Invalid escape sequence.") }
                add(.interpolation, value: String(decoding: value, as: UTF8.self))
                interpolations.append(0)
                return
            }
            let c = advance()
            if c == UInt8(ascii: "\n") { line += 1 }
            if c == UInt8(ascii: "\\") && !isAtEnd {
                if !escape(into: &value) { invalidEscape = true }
            } else {
                value.append(c)
            }
        }
        if isAtEnd {
            endedInsideString = true
            error("Unterminated string.")
            return
        }
        current += 1  // The closing quote.
        if invalidEscape {
            error("Invalid escape sequence.")
        }
        add(.string, value: String(decoding: value, as: UTF8.self))
    }

    /// Decodes the escape after a backslash. Unknown escapes stay as written, so Lox strings that
    /// happen to hold a backslash keep their meaning.
    private mutating func escape(into value: inout [UInt8]) -> Bool {
        let c = peek
        switch c {
        case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
        case UInt8(ascii: "r"): value.append(UInt8(ascii: "\r"))
        case UInt8(ascii: "0"): value.append(0)
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"): value.append(c)
        case UInt8(ascii: "u"):
            current += 1
            return unicodeEscape(into: &value)
        default:
            value.append(UInt8(ascii: "\\"))
            return true
        }
        current += 1
        return true
    }

    /// `\u{1F600}`: one to six hex digits naming a Unicode scalar.
    private mutating func unicodeEscape(into value: inout [UInt8]) -> Bool {
        guard peek == UInt8(ascii: "{") else { return false }
        current += 1
        var scalar: UInt32 = 0
        var digits = 0
        while let digit = hexValue(peek), digits < 6 {
            scalar = scalar * 16 + digit
            digits += 1
            current += 1
        }
        guard digits > 0, peek == UInt8(ascii: "}"), let unicode = Unicode.Scalar(scalar) else { return false }
        current += 1
        value.append(contentsOf: Array(String(Character(unicode)).utf8))
        return true
    }

    private func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private var lexeme: String {
        String(decoding: bytes[start..<current], as: UTF8.self)
    }

    private mutating func add(_ kind: TokenKind, value: String? = nil) {
        tokens.append(Token(kind, lexeme, text: value, line: line, offset: start))
    }

    private mutating func error(_ message: String) {
        diagnostics.append(Diagnostic(line: line, place: .none, message: message, offset: start))
    }

    private mutating func advance() -> UInt8 {
        defer { current += 1 }
        return bytes[current]
    }

    private mutating func match(_ expected: UInt8) -> Bool {
        guard !isAtEnd, bytes[current] == expected else { return false }
        current += 1
        return true
    }

    private var peek: UInt8 { isAtEnd ? 0 : bytes[current] }
    private var peekNext: UInt8 { current + 1 >= bytes.count ? 0 : bytes[current + 1] }
    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private func isAlpha(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_")
    }
    private func isAlphaNumeric(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }
}
