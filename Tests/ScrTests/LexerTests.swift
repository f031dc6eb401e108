import Testing
@testable import Scr

struct LexerTests {
    private func kinds(_ source: String) -> [TokenKind] {
        Lexer.scan(source).tokens.map(\.kind)
    }

    @Test func punctuationAndOperators() {
        #expect(kinds("(){}[],.-+;/*: ! != = == > >= < <=") == [
            .leftParen, .rightParen, .leftBrace, .rightBrace, .leftBracket, .rightBracket, .comma, .dot,
            .minus, .plus, .semicolon, .slash, .star, .colon, .bang, .bangEqual, .equal, .equalEqual,
            .greater, .greaterEqual, .less, .lessEqual, .eof,
        ])
    }

    @Test func keywordsAndIdentifiers() {
        #expect(kinds("and class async await fooBar _x in") == [
            .and, .class, .async, .await, .identifier, .identifier, .identifier, .eof,
        ])
    }

    @Test func numbersFollowLox() {
        let tokens = Lexer.scan("123 45.67 8. .9").tokens
        #expect(tokens.map(\.lexeme) == ["123", "45.67", "8", ".", ".", "9", ""])
    }

    @Test func stringEscapesAreDecoded() {
        let token = Lexer.scan(#""a\tb\n\"c\" \u{48}\q""#).tokens[0]
        #expect(token.kind == .string)
        #expect(token.text == "a\tb\n\"c\" H\\q")
    }

    @Test func multilineStringCountsLines() {
        let tokens = Lexer.scan("\"a\nb\"\nx").tokens
        #expect(tokens[1].line == 3)
    }

    @Test func unterminatedStringIsIncomplete() {
        let scan = Lexer.scan("\"open")
        #expect(scan.endedInsideString)
        #expect(scan.diagnostics.map(\.description) == ["[line 1] Error: Unterminated string."])
    }

    @Test func unexpectedCharactersAreReportedOncePerCharacter() {
        let scan = Lexer.scan("a | é")  // é is two bytes of UTF-8 but one character.
        #expect(scan.diagnostics.count == 2)
        #expect(scan.tokens.map(\.kind) == [.identifier, .eof])
    }

    @Test func commentsAreSkipped() {
        #expect(kinds("a // comment (\nb") == [.identifier, .identifier, .eof])
    }
}
