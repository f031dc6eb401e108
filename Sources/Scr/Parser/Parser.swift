/// A recursive-descent parser for scr: jlox's parser, error for error, plus scr's extensions.
package struct Parser {
    /// Nesting deeper than this is a syntax error rather than a risk to the native stack.
    public static let maxNesting = 1_500

    private struct ParseError: Error {}

    private let tokens: [Token]
    private var current = 0
    private var depth = 0
    /// Set once the input nests too deeply: nothing more is reported.
    private var abandoned = false
    private var diagnostics: [Diagnostic] = []

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Scans and parses `source`, reporting every error. Parsing recurses once per level of nesting,
    /// so it runs on a large stack wherever it is called from (`LargeStack`).
    public static func parse(_ source: String) -> ParseResult {
        LargeStack.run { parseHere(source) }
    }

    private static func parseHere(_ source: String) -> ParseResult {
        let scan = Lexer.scan(source)
        var parser = Parser(tokens: scan.tokens)
        let statements = parser.program()
        let diagnostics = scan.diagnostics + parser.diagnostics
        let incomplete: Bool
        if scan.diagnostics.isEmpty {
            incomplete = parser.diagnostics.first.map { $0.place == .end } ?? false
        } else {
            incomplete = scan.endedInsideString && scan.diagnostics.count == 1
        }
        return ParseResult(statements: statements, diagnostics: diagnostics, isIncomplete: incomplete)
    }

    private mutating func program() -> [Stmt] {
        var statements: [Stmt] = []
        while !isAtEnd {
            if let statement = declaration() { statements.append(statement) }
        }
        return statements
    }

    // MARK: Declarations

    private mutating func declaration() -> Stmt? {
        do {
            return try nested { parser in
                if parser.match(.class) { return try parser.classDeclaration() }
                // A statement that starts with `fun` declares a function, as in jlox (and JavaScript): a
                // function expression there goes in parentheses, `(fun (x) { … })(1);`.
                if parser.check(.async) && parser.checkNext(.fun) {
                    parser.current += 2
                    return .function(try parser.function("function", isAsync: true))
                }
                if parser.match(.fun) { return .function(try parser.function("function", isAsync: false)) }
                if parser.match(.var) { return try parser.varDeclaration() }
                return try parser.statement()
            }
        } catch {
            synchronize()
            return nil
        }
    }

    private mutating func classDeclaration() throws -> Stmt {
        let name = try consume(.identifier, "Expect class name.")
        var superclass: Token?
        if match(.less) {
            superclass = try consume(.identifier, "Expect superclass name.")
        }
        try consume(.leftBrace, "Expect '{' before class body.")
        var methods: [FunctionDecl] = []
        while !check(.rightBrace) && !isAtEnd {
            let isAsync = match(.async)
            if isAsync && check(.identifier) && peek.lexeme == "init" {
                report(Diagnostic(at: peek, "Can't make an initializer async."))
            }
            methods.append(try function("method", isAsync: isAsync))
        }
        try consume(.rightBrace, "Expect '}' after class body.")
        return .class(ClassDecl(name: name, superclass: superclass, methods: methods))
    }

    private mutating func function(_ kind: String, isAsync: Bool) throws -> FunctionDecl {
        let name = try consume(.identifier, "Expect \(kind) name.")
        try consume(.leftParen, "Expect '(' after \(kind) name.")
        return try functionRest(kind, name: name, isAsync: isAsync)
    }

    /// `fun (a, b) { body }` or `fun (x) => expression` in an expression, after `fun`. The function is
    /// named after the `fun` token's place (for its identity), and shows as `<fn>`.
    private mutating func functionExpression(isAsync: Bool) throws -> Expr {
        let keyword = previous
        let name = Token(.identifier, FunctionDecl.anonymousName, line: keyword.line, offset: keyword.offset)
        try consume(.leftParen, "Expect '(' after 'fun'.")
        return .function(try functionRest("function", name: name, isAsync: isAsync, allowsArrow: true))
    }

    private mutating func functionRest(_ kind: String, name: Token, isAsync: Bool, allowsArrow: Bool = false) throws
        -> FunctionDecl
    {
        var parameters: [Token] = []
        if !check(.rightParen) {
            repeat {
                if parameters.count >= 255 {
                    report(Diagnostic(at: peek, "Can't have more than 255 parameters."))
                }
                parameters.append(try consume(.identifier, "Expect parameter name."))
            } while match(.comma)
        }
        try consume(.rightParen, "Expect ')' after parameters.")
        if allowsArrow && match(.arrow) {
            let arrow = previous
            let value = try expression()
            return FunctionDecl(name: name, params: parameters, body: [.return(arrow, value)], isAsync: isAsync)
        }
        try consume(.leftBrace, "Expect '{' before \(kind) body.")
        let body = try block()
        return FunctionDecl(name: name, params: parameters, body: body, isAsync: isAsync)
    }

    private mutating func varDeclaration() throws -> Stmt {
        let name = try consume(.identifier, "Expect variable name.")
        return try varDeclaration(named: name)
    }

    private mutating func varDeclaration(named name: Token) throws -> Stmt {
        var initializer: Expr?
        if match(.equal) {
            initializer = try expression()
        }
        try consume(.semicolon, "Expect ';' after variable declaration.")
        return .variable(name: name, initializer: initializer)
    }

    // MARK: Statements

    private mutating func statement() throws -> Stmt {
        if match(.for) { return try forStatement() }
        if match(.if) { return try ifStatement() }
        if match(.print) { return try printStatement() }
        if match(.return) { return try returnStatement() }
        if match(.while) { return try whileStatement() }
        if match(.throw) { return try throwStatement() }
        if match(.try) { return try tryStatement() }
        if match(.import) { return try importStatement() }
        if match(.break, .continue) {
            let keyword = previous
            try consume(.semicolon, "Expect ';' after '\(keyword.lexeme)'.")
            return keyword.kind == .break ? .break(keyword) : .continue(keyword)
        }
        if match(.leftBrace) { return .block(try block()) }
        return try expressionStatement()
    }

    /// The body of an `if`, `else`, `while` or `for`: a statement nested in a statement.
    private mutating func nestedStatement() throws -> Stmt {
        try nested { try $0.statement() }
    }

    private mutating func forStatement() throws -> Stmt {
        let keyword = previous
        try consume(.leftParen, "Expect '(' after 'for'.")
        var initializer: Stmt?
        try rejectBraceInForClause()
        if match(.semicolon) {
            initializer = nil
        } else if match(.var) {
            let name = try consume(.identifier, "Expect variable name.")
            if check(.identifier) && peek.lexeme == "in" {
                return try forInRest(keyword, variable: name)
            }
            initializer = try varDeclaration(named: name)
        } else {
            initializer = try expressionStatement()
        }

        var condition: Expr?
        if !check(.semicolon) {
            try rejectBraceInForClause()
            condition = try expression()
        }
        let semicolon = try consume(.semicolon, "Expect ';' after loop condition.")
        var increment: Expr?
        if !check(.rightParen) {
            try rejectBraceInForClause()
            increment = try expression()
        }
        try consume(.rightParen, "Expect ')' after for clauses.")
        var body = try nestedStatement()
        let always = Expr.literal(.bool(true), semicolon)
        body = .while(keyword, condition: condition ?? always, body: body, increment: increment)
        if let initializer {
            body = .block([initializer, body])
        }
        return body
    }

    /// jlox rejects `{` at the start of a for clause; a map literal there would be meaningless, so scr
    /// keeps jlox's error rather than parsing one.
    private mutating func rejectBraceInForClause() throws {
        if check(.leftBrace) { throw error(peek, "Expect expression.") }
    }

    private mutating func forInRest(_ keyword: Token, variable: Token) throws -> Stmt {
        advance()  // `in`
        let iterable = try expression()
        try consume(.rightParen, "Expect ')' after for clauses.")
        let body = try nestedStatement()
        return .forIn(keyword, variable: variable, iterable: iterable, body: body)
    }

    private mutating func ifStatement() throws -> Stmt {
        let keyword = previous
        try consume(.leftParen, "Expect '(' after 'if'.")
        let condition = try expression()
        try consume(.rightParen, "Expect ')' after if condition.")
        let thenBranch = try nestedStatement()
        var elseBranch: Stmt?
        if match(.else) {
            elseBranch = try nestedStatement()
        }
        return .if(keyword, condition: condition, then: thenBranch, else: elseBranch)
    }

    private mutating func printStatement() throws -> Stmt {
        let keyword = previous
        let value = try expression()
        try consume(.semicolon, "Expect ';' after value.")
        return .print(keyword, value)
    }

    private mutating func returnStatement() throws -> Stmt {
        let keyword = previous
        var value: Expr?
        if !check(.semicolon) {
            value = try expression()
        }
        try consume(.semicolon, "Expect ';' after return value.")
        return .return(keyword, value)
    }

    private mutating func whileStatement() throws -> Stmt {
        let keyword = previous
        try consume(.leftParen, "Expect '(' after 'while'.")
        let condition = try expression()
        try consume(.rightParen, "Expect ')' after condition.")
        let body = try nestedStatement()
        return .while(keyword, condition: condition, body: body, increment: nil)
    }

    private mutating func throwStatement() throws -> Stmt {
        let keyword = previous
        let value = try expression()
        try consume(.semicolon, "Expect ';' after thrown value.")
        return .throw(keyword, value)
    }

    private mutating func tryStatement() throws -> Stmt {
        let keyword = previous
        try consume(.leftBrace, "Expect '{' after 'try'.")
        let body = try block()
        var catches: [CatchClause] = []
        while match(.catch) {
            let catchKeyword = previous
            var name: Token?
            var errorClass: Expr?
            if match(.leftParen) {
                name = try consume(.identifier, "Expect variable name after 'catch ('.")
                if match(.colon) { errorClass = try call() }
                try consume(.rightParen, "Expect ')' after catch variable.")
            }
            try consume(.leftBrace, "Expect '{' after catch clause.")
            catches.append(CatchClause(keyword: catchKeyword, name: name, errorClass: errorClass, body: try block()))
        }
        var finallyBody: [Stmt]?
        if match(.finally) {
            try consume(.leftBrace, "Expect '{' after 'finally'.")
            finallyBody = try block()
        }
        if catches.isEmpty && finallyBody == nil {
            throw error(peek, "Expect 'catch' or 'finally' after try block.")
        }
        return .try(TryStmt(keyword: keyword, body: body, catches: catches, finallyBody: finallyBody))
    }

    private mutating func importStatement() throws -> Stmt {
        let keyword = previous
        let path = try consume(.string, "Expect module path string after 'import'.")
        var alias: Token?
        // `as` is a keyword only here (as `in` is only in `for`).
        if check(.identifier) && peek.lexeme == "as" {
            advance()
            alias = try consume(.identifier, "Expect a name after 'as'.")
        }
        try consume(.semicolon, "Expect ';' after import.")
        return .import(keyword, path: path, alias: alias)
    }

    private mutating func block() throws -> [Stmt] {
        var statements: [Stmt] = []
        while !check(.rightBrace) && !isAtEnd {
            if let statement = declaration() { statements.append(statement) }
        }
        try consume(.rightBrace, "Expect '}' after block.")
        return statements
    }

    private mutating func expressionStatement() throws -> Stmt {
        let expr = try expression()
        try consume(.semicolon, "Expect ';' after expression.")
        return .expression(expr)
    }

    // MARK: Expressions

    private mutating func expression() throws -> Expr {
        try nested { try $0.assignment() }
    }

    private mutating func assignment() throws -> Expr {
        let expr = try binary(0)
        guard match(.equal) else { return expr }
        let equals = previous
        let value = try expression()
        switch expr {
        case .variable(let name):
            return .assign(name, value)
        case .get(let object, let name):
            return .set(object, name: name, value: value)
        case .index(let object, let bracket, let index):
            return .indexSet(object, bracket: bracket, index: index, value: value)
        default:
            report(Diagnostic(at: equals, "Invalid assignment target."))
            return expr
        }
    }

    /// The binary operators by precedence, loosest first: `or`, `and`, equality, comparison, `is`,
    /// term, factor. Each level is left-associative.
    private static func precedence(of kind: TokenKind) -> Int? {
        switch kind {
        case .or: 0
        case .and: 1
        case .bangEqual, .equalEqual: 2
        case .greater, .greaterEqual, .less, .lessEqual: 3
        case .is: isLevel
        case .minus, .plus: 5
        case .slash, .star, .percent: 6
        default: nil
        }
    }

    private static let isLevel = 4

    /// The operators of precedence `minimum` and tighter, by precedence climbing: jlox's grammar (one
    /// rule a level), in one function, so that a parenthesis costs a few native frames, not one per
    /// level. A run of operators of one level is one flat chain (`1 + 2 + … + 1000` is not nested:
    /// it costs no depth here, nor in analysis and evaluation, which loop over it).
    private mutating func binary(_ minimum: Int) throws -> Expr {
        var left = try unary()
        while let level = Parser.precedence(of: peek.kind), level >= minimum {
            if level == Parser.isLevel {
                left = try isChain(left)
                continue
            }
            var links: [ChainLink] = []
            while Parser.precedence(of: peek.kind) == level {
                let op = advance()
                links.append(ChainLink(op: op, operand: try binary(level + 1)))
            }
            left = level < 2 ? .logical(left, links) : .binary(left, links)
        }
        return left
    }

    /// `value is A is B`: not flat like the other chains (it has no use), so each link nests, and
    /// counts as nesting as a postfix link does.
    private mutating func isChain(_ value: Expr) throws -> Expr {
        var expr = value
        let outerDepth = depth
        defer { depth = outerDepth }
        while check(.is) {
            try enterNesting()
            let op = advance()
            expr = .is(expr, op, try binary(Parser.isLevel + 1))
        }
        return expr
    }

    private mutating func unary() throws -> Expr {
        if match(.bang, .minus, .await) {
            let op = previous
            let right = try nested { try $0.unary() }
            return op.kind == .await ? .await(op, right) : .unary(op, right)
        }
        return try call()
    }

    private mutating func call() throws -> Expr {
        var expr = try primary()
        let outerDepth = depth
        defer { depth = outerDepth }
        while true {
            if match(.leftParen) {
                expr = try finishCall(expr)
            } else if match(.dot) {
                let name = try consume(.identifier, "Expect property name after '.'.")
                expr = .get(expr, name: name)
            } else if match(.leftBracket) {
                let bracket = previous
                let index = try expression()
                try consume(.rightBracket, "Expect ']' after index.")
                expr = .index(expr, bracket: bracket, index: index)
            } else {
                break
            }
            try enterNesting()
        }
        return expr
    }

    private mutating func finishCall(_ callee: Expr) throws -> Expr {
        var arguments: [Expr] = []
        if !check(.rightParen) {
            repeat {
                if arguments.count >= 255 {
                    report(Diagnostic(at: peek, "Can't have more than 255 arguments."))
                }
                arguments.append(try expression())
            } while match(.comma)
        }
        let paren = try consume(.rightParen, "Expect ')' after arguments.")
        return .call(callee, paren: paren, arguments: arguments)
    }

    private mutating func primary() throws -> Expr {
        let token = peek
        switch token.kind {
        case .false: advance(); return .literal(.bool(false), token)
        case .true: advance(); return .literal(.bool(true), token)
        case .nil: advance(); return .literal(.nil, token)
        case .number: advance(); return .literal(.number(Double(token.lexeme) ?? 0), token)
        case .string: advance(); return .literal(.string(token.text), token)
        case .interpolation: return try interpolation()
        // `fun (` starts a function expression; `fun name` is a declaration, which jlox reports as
        // `Expect expression.` where an expression must stand (`if (x) fun f() {}`).
        case .fun where checkNext(.leftParen):
            advance()
            return try functionExpression(isAsync: false)
        case .async where checkNext(.fun) && checkAt(2, .leftParen):
            current += 2
            return try functionExpression(isAsync: true)
        case .super:
            advance()
            try consume(.dot, "Expect '.' after 'super'.")
            let method = try consume(.identifier, "Expect superclass method name.")
            return .superGet(keyword: token, method: method)
        case .this: advance(); return .this(token)
        case .identifier: advance(); return .variable(token)
        case .leftParen:
            advance()
            let expr = try expression()
            try consume(.rightParen, "Expect ')' after expression.")
            return .grouping(expr)
        case .leftBracket:
            advance()
            return .list(token, try listElements())
        case .leftBrace:
            advance()
            return .map(token, try mapEntries())
        default:
            throw error(token, "Expect expression.")
        }
    }

    /// `"text ${expression} text …"`: the lexer's `interpolation` tokens (text before a `${`), each
    /// followed by an expression, and a final `string`.
    private mutating func interpolation() throws -> Expr {
        let first = peek
        var parts: [Expr] = []
        while match(.interpolation) {
            let text = previous
            if !text.text.isEmpty { parts.append(.literal(.string(text.text), text)) }
            parts.append(try expression())
            try consume(.interpolationEnd, "Expect '}' after an interpolated expression.")
        }
        let last = try consume(.string, "Expect the rest of the string.")
        if !last.text.isEmpty { parts.append(.literal(.string(last.text), last)) }
        return .interpolation(first, parts)
    }

    private mutating func listElements() throws -> [Expr] {
        var elements: [Expr] = []
        while !check(.rightBracket) {
            elements.append(try expression())
            if !match(.comma) { break }
        }
        try consume(.rightBracket, "Expect ']' after list elements.")
        return elements
    }

    private mutating func mapEntries() throws -> [MapEntry] {
        var entries: [MapEntry] = []
        while !check(.rightBrace) {
            let key = try expression()
            try consume(.colon, "Expect ':' after map key.")
            entries.append(MapEntry(key: key, value: try expression()))
            if !match(.comma) { break }
        }
        try consume(.rightBrace, "Expect '}' after map entries.")
        return entries
    }

    // MARK: Helpers

    private mutating func nested<T>(_ body: (inout Parser) throws -> T) throws -> T {
        try enterNesting()
        defer { depth -= 1 }
        return try body(&self)
    }

    /// Counts a level of nesting. Past the limit, the error is the only one reported: parsing stops
    /// there, rather than report every enclosing construct as unclosed.
    private mutating func enterNesting() throws {
        depth += 1
        if depth > Parser.maxNesting {
            depth -= 1
            let error = error(peek, "Too much nesting.")
            abandoned = true
            current = tokens.count - 1
            throw error
        }
    }

    private mutating func synchronize() {
        advance()
        while !isAtEnd {
            if previous.kind == .semicolon { return }
            switch peek.kind {
            case .class, .fun, .var, .for, .if, .while, .print, .return, .async, .throw, .try, .import, .break,
                 .continue:
                return
            default:
                advance()
            }
        }
    }

    @discardableResult
    private mutating func consume(_ kind: TokenKind, _ message: String) throws -> Token {
        if check(kind) { return advance() }
        throw error(peek, message)
    }

    private mutating func error(_ token: Token, _ message: String) -> ParseError {
        report(Diagnostic(at: token, message))
        return ParseError()
    }

    private mutating func report(_ diagnostic: Diagnostic) {
        if !abandoned { diagnostics.append(diagnostic) }
    }

    private mutating func match(_ kinds: TokenKind...) -> Bool {
        for kind in kinds where check(kind) {
            advance()
            return true
        }
        return false
    }

    private func check(_ kind: TokenKind) -> Bool { peek.kind == kind }

    private func checkNext(_ kind: TokenKind) -> Bool {
        checkAt(1, kind)
    }

    /// Whether the token `offset` places ahead is of `kind`.
    private func checkAt(_ offset: Int, _ kind: TokenKind) -> Bool {
        current + offset < tokens.count && tokens[current + offset].kind == kind
    }

    @discardableResult
    private mutating func advance() -> Token {
        if !isAtEnd { current += 1 }
        return previous
    }

    private var isAtEnd: Bool { peek.kind == .eof }
    private var peek: Token { tokens[current] }
    private var previous: Token { tokens[current - 1] }
}
