/// A compile-time error (scan, parse or analysis), printed exactly as jlox prints it.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where on the line the error is, in jlox's words.
    public enum Place: Sendable, Equatable {
        /// A scanner error: `Error: message`.
        case none
        /// The end of the input: `Error at end: message`.
        case end
        /// A token: `Error at 'lexeme': message`.
        case token(String)
    }

    public let line: Int
    public let place: Place
    public let message: String
    /// Byte offset of the error in the source, for tools that point at it.
    public let offset: Int

    public init(line: Int, place: Place, message: String, offset: Int = 0) {
        self.line = line
        self.place = place
        self.message = message
        self.offset = offset
    }

    init(at token: Token, _ message: String) {
        let place: Place = token.kind == .eof ? .end : .token(token.lexeme)
        self.init(line: token.line, place: place, message: message, offset: token.offset)
    }

    public var description: String {
        switch place {
        case .none: "[line \(line)] Error: \(message)"
        case .end: "[line \(line)] Error at end: \(message)"
        case .token(let lexeme): "[line \(line)] Error at '\(lexeme)': \(message)"
        }
    }
}
