/// A statement or declaration, as the parser saw it.
package indirect enum Stmt: Sendable {
    case expression(Expr)
    case print(Token, Expr)
    case variable(name: Token, initializer: Expr?)
    case block([Stmt])
    case `if`(Token, condition: Expr, then: Stmt, else: Stmt?)
    /// `while (condition) body`, and the `for` loop, whose increment runs after the body (and after
    /// a `continue` in it).
    case `while`(Token, condition: Expr, body: Stmt, increment: Expr?)
    case `break`(Token)
    case `continue`(Token)
    case forIn(Token, variable: Token, iterable: Expr, body: Stmt)
    case function(FunctionDecl)
    case `class`(ClassDecl)
    case `return`(Token, Expr?)
    case `throw`(Token, Expr)
    case `try`(TryStmt)
    /// `import "path";`, or `import "path" as name;`, which binds the module's value to `name`.
    case `import`(Token, path: Token, alias: Token?)
}

/// `fun name(params) { body }`, a method, or their async forms.
package struct FunctionDecl: Sendable {
    /// The name a function expression has (its token is the `fun` keyword's place).
    public static let anonymousName = "<fn>"

    public let name: Token
    public let params: [Token]
    public let body: [Stmt]
    public let isAsync: Bool
}

/// `class Name < Superclass { methods }`.
package struct ClassDecl: Sendable {
    public let name: Token
    public let superclass: Token?
    public let methods: [FunctionDecl]
}

/// `try { } catch (e: Class) { } catch (e) { } finally { }`: any number of catch clauses, and at least
/// one of them or the finally clause.
package struct TryStmt: Sendable {
    public let keyword: Token
    public let body: [Stmt]
    public let catches: [CatchClause]
    public let finallyBody: [Stmt]?
}

/// `catch (name: Class) { body }`; the name and the class are optional.
package struct CatchClause: Sendable {
    public let keyword: Token
    public let name: Token?
    /// The class the error must be an instance of, or nil for any error.
    public let errorClass: Expr?
    public let body: [Stmt]
}

extension Stmt {
    /// The line the statement starts on.
    public var line: Int {
        switch self {
        case .expression(let expr): expr.line
        case .print(let token, _), .if(let token, _, _, _), .while(let token, _, _, _), .forIn(let token, _, _, _),
             .return(let token, _), .throw(let token, _), .import(let token, _, _), .break(let token),
             .continue(let token):
            token.line
        case .variable(let name, _): name.line
        case .block(let statements): statements.first?.line ?? 0
        case .function(let declaration): declaration.name.line
        case .class(let declaration): declaration.name.line
        case .try(let statement): statement.keyword.line
        }
    }
}
