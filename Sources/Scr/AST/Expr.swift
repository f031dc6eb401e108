/// An expression, as the parser saw it. Tokens are kept for their lines and names.
public indirect enum Expr: Sendable {
    case literal(Literal, Token)
    case grouping(Expr)
    case variable(Token)
    case assign(Token, Expr)
    case unary(Token, Expr)
    case binary(Expr, Token, Expr)
    case logical(Expr, Token, Expr)
    case call(Expr, paren: Token, arguments: [Expr])
    case get(Expr, name: Token)
    case set(Expr, name: Token, value: Expr)
    case index(Expr, bracket: Token, index: Expr)
    case indexSet(Expr, bracket: Token, index: Expr, value: Expr)
    case this(Token)
    case superGet(keyword: Token, method: Token)
    case await(Token, Expr)
    case list(Token, [Expr])
    case map(Token, [MapEntry])
}

public struct MapEntry: Sendable {
    public let key: Expr
    public let value: Expr
}

/// The value of a literal token.
public enum Literal: Sendable, Equatable {
    case `nil`
    case bool(Bool)
    case number(Double)
    case string(String)
}
