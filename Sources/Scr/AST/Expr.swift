/// An expression, as the parser saw it. Tokens are kept for their lines and names.
package indirect enum Expr: Sendable {
    case literal(Literal, Token)
    case grouping(Expr)
    case variable(Token)
    case assign(Token, Expr)
    case unary(Token, Expr)
    /// `left op₁ e₁ op₂ e₂ …`: operators of one precedence level, applied from left to right.
    case binary(Expr, [ChainLink])
    /// `left and e₁ and e₂ …` (or `or`): one operator throughout.
    case logical(Expr, [ChainLink])
    /// `value is Class`.
    case `is`(Expr, Token, Expr)
    /// `fun (a) { … }`, `fun (x) => x * 2`, `async fun (…) { … }`: a function value.
    case function(FunctionDecl)
    /// `"total: ${sum} (${n} items)"`: the literal text and the expressions, in order.
    case interpolation(Token, [Expr])
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

/// One operator of a chain and its right operand.
package struct ChainLink: Sendable {
    public let op: Token
    public let operand: Expr
}

package struct MapEntry: Sendable {
    public let key: Expr
    public let value: Expr
}

/// The value of a literal token.
package enum Literal: Sendable, Equatable {
    case `nil`
    case bool(Bool)
    case number(Double)
    case string(String)
}

extension Expr {
    /// The line the expression starts on (its leftmost token's).
    public var line: Int {
        switch self {
        case .literal(_, let token), .variable(let token), .assign(let token, _), .unary(let token, _),
             .this(let token), .superGet(let token, _), .await(let token, _):
            return token.line
        case .grouping(let inner), .binary(let inner, _), .logical(let inner, _), .is(let inner, _, _), .call(let inner, _, _),
             .get(let inner, _), .set(let inner, _, _), .index(let inner, _, _), .indexSet(let inner, _, _, _):
            return inner.line
        case .list(let token, _), .map(let token, _), .interpolation(let token, _):
            return token.line
        case .function(let declaration):
            return declaration.name.line
        }
    }
}
