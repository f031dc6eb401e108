/// The analysis pass: resolves every variable to a slot, box, capture or global; reports jlox's
/// resolver errors and misplaced `await`s; and lowers the AST to the interpreter's nodes, asking
/// `NodeSelection` which node each construct becomes.
final class Analyzer {
    /// How a top-level input is used.
    enum Mode {
        /// A script or module: statements only.
        case script
        /// A REPL input: a final expression statement is the input's value.
        case repl
    }

    private enum ClassKind { case none, plain, subclass }

    /// The globals of a module imported `as` a name: its own, for the names its top level declares, and
    /// the program's for the others (the natives, the error classes, the program's own globals).
    struct Namespace {
        let globals: Globals
        let declared: Set<String>
        let shared: Globals

        init(module: Globals, statements: [Stmt], shared: Globals) {
            globals = module
            declared = Set(statements.compactMap(\.declaredName))
            self.shared = shared
        }

        func cell(for name: String) -> Globals.Cell {
            declared.contains(name) ? globals.cell(for: name) : shared.cell(for: name)
        }
    }

    private let runtime: Runtime
    private let select: NodeSelection
    /// The directory of the file being analysed: imports are relative to it.
    private let directory: String
    /// The file being analysed, nil for code from no file.
    private let file: String?
    /// For a REPL opened inside a function: that function's locals.
    private let outer: OuterScope?
    /// The namespace of a module imported `as` a name; nil for the program's own.
    private let namespace: Namespace?
    private var diagnostics: [Diagnostic] = []
    private var stringLiterals: [TextKey: StringObject] = [:]
    private var function: FunctionScope
    /// What nested functions use, for boxing the locals they capture; nil when every local is boxed.
    private let innerNames: InnerNames?
    private var currentClass = ClassKind.none
    /// The last line of code analysed so far: where a block that ends now ends (for the lines of its
    /// locals' scope, `FunctionCode.Variable`).
    private var lastLine = 1

    private init(runtime: Runtime, body: [Stmt], file: String?, topLevel: String, outer: OuterScope?,
                 namespace: Namespace?) {
        self.runtime = runtime
        self.namespace = namespace
        select = NodeSelection(runtime: runtime, specialize: runtime.specializesNodes)
        self.file = file
        directory = file.map(SourceFile.directory(of:)) ?? "."
        self.outer = outer
        innerNames = select.specialize ? InnerNames() : nil
        function = FunctionScope(enclosing: nil, kind: .script, isAsync: true, body: body, innerNames: innerNames,
                                 location: CodeLocation(function: topLevel, file: file))
    }

    /// Analyses a whole top-level input into the code of a script function.
    ///
    /// - Parameters:
    ///   - file: the file the input came from, if any: imports are relative to its directory, and
    ///     tracebacks name it.
    ///   - topLevel: what tracebacks call the top level: `script`, or `<input>` for a REPL input.
    static func analyze(_ statements: [Stmt], runtime: Runtime, mode: Mode, file: String? = nil,
                        topLevel: String = "script", outer: OuterScope? = nil, namespace: Namespace? = nil)
        -> Result<FunctionCode, CompileError>
    {
        let analyzer = Analyzer(runtime: runtime, body: statements, file: file, topLevel: topLevel, outer: outer,
                                namespace: namespace)
        var nodes = statements.indices.map { i in
            analyzer.statement(statements[i], keepsValue: mode == .repl && i == statements.count - 1)
        }
        if mode == .repl, case .expression(let expr)? = statements.last, !expr.isAssignment,
           let last = nodes.last as? ExpressionStatement {
            nodes[nodes.count - 1] = ReturnStatement(last.expression, line: last.line)
        }
        guard analyzer.diagnostics.isEmpty else { return .failure(CompileError(analyzer.diagnostics)) }
        let scope = analyzer.function
        return .success(FunctionCode(
            name: "script", kind: .script, isAsync: true, arity: 0, line: 1, slotCount: scope.slotCount,
            boxCount: scope.boxCount, boxedParameters: [], captureSources: [],
            body: analyzer.select.sequence(nodes, line: 1), location: scope.location,
            variables: scope.variables, captureNames: []))
    }

    // MARK: Statements

    /// `keepsValue`: the statement is a REPL input's last, whose value is its result.
    private func statement(_ stmt: Stmt, keepsValue: Bool = false) -> Statement {
        lastLine = max(lastLine, stmt.line)
        switch stmt {
        case .expression(let expr):
            return select.expressionStatement(expression(expr), syntax: expr,
                                              hasNoEffect: !keepsValue && expr.hasNoEffect, line: expr.line)
        case .print(let keyword, let expr):
            return PrintStatement(runtime: runtime, expression(expr), line: keyword.line)
        case .variable(let name, let initializer):
            let location = declare(name)
            let value = initializer.map { expression($0) }
            define(name)
            return select.declaration(name, location, initializer: value,
                                      initializerMayAssign: initializer?.mayAssignLocals ?? false)
        case .block(let statements):
            return block(statements, line: stmt.line)
        case .if(let keyword, let condition, let then, let otherwise):
            let condition = expression(condition)
            let then = statement(then)
            return select.ifStatement(condition, then, otherwise.map { statement($0) }, line: keyword.line)
        case .while(let keyword, let condition, let body, let increment):
            return loop(keyword, condition, body, increment)
        case .break(let keyword), .continue(let keyword):
            if function.loopDepth == 0 { error(keyword, "Can't use '\(keyword.lexeme)' outside of a loop.") }
            return LoopExitStatement(isBreak: keyword.kind == .break, line: keyword.line)
        case .forIn(let keyword, let variable, let iterable, let body):
            return forIn(keyword, variable, iterable, body)
        case .function(let declaration):
            let location = declare(declaration.name)
            define(declaration.name)
            let code = function(declaration, kind: .function)
            return select.declaration(declaration.name, location, initializer: ClosureNode(runtime: runtime, code: code),
                                      initializerMayAssign: false)
        case .class(let declaration):
            return classDeclaration(declaration)
        case .return(let keyword, let value):
            return returnStatement(keyword, value)
        case .throw(let keyword, let value):
            return ThrowStatement(runtime: runtime, expression(value), location: function.location, line: keyword.line)
        case .try(let stmt):
            return tryStatement(stmt)
        case .import(let keyword, let path, let alias):
            let location = alias.map { name in
                let location = declare(name)
                define(name)
                return location
            }
            return ImportStatement(runtime: runtime, name: path.text, directory: directory, alias: location,
                                   line: keyword.line)
        }
    }

    private func block(_ statements: [Stmt], line: Int) -> Statement {
        function.beginBlock()
        defer { function.endBlock(line: lastLine) }
        return select.sequence(statements.map { statement($0) }, line: line)
    }

    private func loop(_ keyword: Token, _ condition: Expr, _ body: Stmt, _ increment: Expr?) -> Statement {
        let condition = expression(condition)
        let body = loopBody(body)
        let increment = increment.map {
            select.expressionStatement(expression($0), syntax: $0, hasNoEffect: $0.hasNoEffect, line: $0.line)
        }
        return select.loop(condition, body, increment, line: keyword.line)
    }

    private func loopBody(_ body: Stmt) -> Statement {
        function.loopDepth += 1
        defer { function.loopDepth -= 1 }
        return statement(body)
    }

    private func forIn(_ keyword: Token, _ variable: Token, _ iterable: Expr, _ body: Stmt) -> Statement {
        let iterableNode = expression(iterable)
        function.beginBlock()
        defer { function.endBlock(line: lastLine) }
        let location = declare(variable)
        define(variable)
        return ForInStatement(runtime: runtime, location: location, iterable: iterableNode,
                              body: loopBody(body), line: keyword.line)
    }

    private func returnStatement(_ keyword: Token, _ value: Expr?) -> Statement {
        if function.kind == .script {
            error(keyword, "Can't return from top-level code.")
        }
        if let value {
            if function.kind == .initializer {
                error(keyword, "Can't return a value from an initializer.")
            }
            return select.returnStatement(expression(value), endsFrame: function.finallyDepth == 0,
                                          line: keyword.line)
        }
        return ReturnStatement(ConstantNode(.nil), line: keyword.line)
    }

    private func tryStatement(_ stmt: TryStmt) -> Statement {
        let line = stmt.keyword.line
        let hasFinally = stmt.finallyBody != nil
        if hasFinally { function.finallyDepth += 1 }
        defer { if hasFinally { function.finallyDepth -= 1 } }
        let body = block(stmt.body, line: line)
        let handlers = stmt.catches.map { clause in
            let errorClass = clause.errorClass.map { expression($0) }
            function.beginBlock()
            defer { function.endBlock(line: lastLine) }
            let variable = clause.name.map { name in
                let location = declare(name)
                define(name)
                return location
            }
            return TryStatement.Handler(variable: variable, errorClass: errorClass,
                                        body: block(clause.body, line: clause.keyword.line))
        }
        return TryStatement(runtime: runtime, body: body, handlers: handlers,
                            cleanup: stmt.finallyBody.map { block($0, line: line) }, location: function.location,
                            line: line)
    }

    private func classDeclaration(_ declaration: ClassDecl) -> Statement {
        let enclosingClass = currentClass
        currentClass = .plain
        defer { currentClass = enclosingClass }

        let line = declaration.name.line
        let location = declare(declaration.name)
        define(declaration.name)
        let declareName = DeclarationStatement(runtime: runtime, declaration.name.lexeme, location, initializer: nil,
                                               line: line)

        var superclass: (expression: Expression, name: Token, location: VariableLocation)?
        if let superclassName = declaration.superclass {
            if superclassName.lexeme == declaration.name.lexeme {
                error(superclassName, "A class can't inherit from itself.")
            }
            currentClass = .subclass
            let value = variable(superclassName)
            function.beginBlock()
            let superLocation = function.declare("super", line: line)!
            function.define("super")
            superclass = (value, superclassName, superLocation)
        }
        let methods = declaration.methods.map { method in
            ClassStatement.Method(symbol: runtime.symbols.intern(method.name.lexeme),
                                  code: function(method, kind: method.name.lexeme == "init" ? .initializer : .method))
        }
        if superclass != nil { function.endBlock(line: lastLine) }
        let node = ClassStatement(runtime: runtime, name: declaration.name.lexeme, location: location,
                                  superclass: superclass, methods: methods, line: line)
        return BlockStatement([declareName, node], line: line)
    }

    /// Analyses a function or method body in a scope of its own.
    private func function(_ declaration: FunctionDecl, kind: FunctionCode.Kind) -> FunctionCode {
        let scope = FunctionScope(enclosing: function, kind: kind, isAsync: declaration.isAsync,
                                  body: declaration.body, innerNames: innerNames,
                                  location: CodeLocation(function: declaration.name.lexeme, file: file))
        function = scope
        defer { function = scope.enclosing! }

        let line = declaration.name.line
        scope.beginBlock()
        var prologue: [Statement] = []
        if kind == .method || kind == .initializer {
            if case .box(let box) = scope.declareReceiver(line: line) {
                prologue.append(BoxReceiverStatement(runtime: runtime, box: box, line: line))
            }
        }
        var boxedParameters: [(slot: Int, box: Int)] = []
        for (index, parameter) in declaration.params.enumerated() {
            guard let location = scope.declareParameter(parameter.lexeme, slot: index + 1, line: parameter.line) else {
                error(parameter, "Already a variable with this name in this scope.")
                continue
            }
            if case .box(let box) = location { boxedParameters.append((slot: index + 1, box: box)) }
        }
        let body = prologue + declaration.body.map { statement($0) }
        scope.endBlock(line: lastLine)
        return FunctionCode(
            name: declaration.name.lexeme, kind: kind, isAsync: declaration.isAsync,
            arity: declaration.params.count, line: line, slotCount: scope.slotCount,
            boxCount: scope.boxCount, boxedParameters: boxedParameters, captureSources: scope.captureSources,
            body: select.sequence(body, line: line), location: scope.location,
            variables: scope.variables, captureNames: scope.captureNames)
    }

    // MARK: Expressions

    /// Each kind of expression has a function of its own, so that this one, which recursion goes
    /// through at every level of nesting, keeps a small native frame (see docs/internals.md, "Depth").
    private func expression(_ expr: Expr) -> Expression {
        lastLine = max(lastLine, expr.line)
        switch expr {
        case .literal(let literal, _):
            return select.constant(literal, strings: &stringLiterals)
        case .grouping(let inner):
            return expression(inner)
        case .variable(let name):
            return variableReference(name)
        case .assign(let name, let value):
            return assignment(name, expression(value))
        case .unary(let op, let operand):
            return UnaryNode(op.kind == .bang ? .not : .negate, expression(operand), line: op.line)
        case .binary(let left, let links):
            return binary(left, links)
        case .function(let declaration):
            return ClosureNode(runtime: runtime, code: function(declaration, kind: .function))
        case .interpolation(_, let parts):
            return InterpolationNode(parts.map { expression($0) })
        case .is(let value, let keyword, let errorClass):
            return IsNode(runtime: runtime, expression(value), expression(errorClass), line: keyword.line)
        case .logical(let left, let links):
            return LogicalNode(isAnd: links[0].op.kind == .and,
                               [expression(left)] + links.map { expression($0.operand) })
        case .call(let callee, let paren, let arguments):
            return call(callee, paren, arguments)
        case .get(let object, let name):
            return select.get(expression(object), name)
        case .set(let object, let name, let value):
            return select.set(expression(object), name, expression(value), valueExpr: value)
        case .index(let object, let bracket, let index):
            return select.index(expression(object), expression(index), line: bracket.line)
        case .indexSet(let object, let bracket, let index, let value):
            return select.setIndex(expression(object), expression(index), expression(value), valueExpr: value,
                                   line: bracket.line)
        case .this(let keyword):
            return this(keyword)
        case .superGet(let keyword, let method):
            return superGet(keyword, method)
        case .await(let keyword, let operand):
            return awaitExpression(keyword, operand)
        case .list(_, let elements):
            return ListNode(runtime: runtime, elements.map { expression($0) })
        case .map(_, let entries):
            return MapNode(runtime: runtime, entries.map { (expression($0.key), expression($0.value)) })
        }
    }

    private func variableReference(_ name: Token) -> Expression {
        if !function.isGlobalScope && function.isBeingInitialized(name.lexeme) {
            error(name, "Can't read local variable in its own initializer.")
        }
        return variable(name)
    }

    private func binary(_ left: Expr, _ links: [ChainLink]) -> Expression {
        let left = expression(left)
        return select.chain(left, links.map { (op: $0.op, operand: expression($0.operand)) })
    }

    private func call(_ callee: Expr, _ paren: Token, _ arguments: [Expr]) -> Expression {
        switch callee {
        case .get(let object, let name):
            let object = expression(object)
            return select.invoke(object, name, arguments.map { expression($0) }, line: paren.line,
                                 location: function.location)
        case .superGet(let keyword, let method):
            guard let (superclass, receiver) = superAccess(keyword) else { return ConstantNode(.nil) }
            return SuperInvokeNode(runtime: runtime, superclass: superclass, receiver: receiver, name: method,
                                   arguments: arguments.map { expression($0) }, line: paren.line)
        default:
            let callee = expression(callee)
            return select.call(callee, arguments.map { expression($0) },
                               argumentsMayAssignLocals: arguments.contains { $0.mayAssignLocals }, line: paren.line,
                               location: function.location)
        }
    }

    private func this(_ keyword: Token) -> Expression {
        if currentClass == .none {
            error(keyword, "Can't use 'this' outside of a class.")
            return ConstantNode(.nil)
        }
        return variable(keyword)
    }

    private func superGet(_ keyword: Token, _ method: Token) -> Expression {
        guard let (superclass, receiver) = superAccess(keyword) else { return ConstantNode(.nil) }
        return SuperGetNode(runtime: runtime, superclass: superclass, receiver: receiver, name: method,
                            symbol: runtime.symbols.intern(method.lexeme))
    }

    private func awaitExpression(_ keyword: Token, _ operand: Expr) -> Expression {
        if !function.isAsync {
            error(keyword, "Can't use 'await' outside an async function.")
        }
        return select.await(awaited(operand), line: keyword.line)
    }

    /// The operand of an `await`; `await repl()` opens a REPL that sees the locals here.
    private func awaited(_ operand: Expr) -> Expression {
        if operand.isReplCall, case .call(.variable(let name), let paren, _) = operand, function.isAsync,
           outerVariable("repl") == nil, case .global(let cell) = resolve(name.lexeme) {
            return ReplCallNode(runtime: runtime, replCell: cell, visible: function.captureEverythingVisible(),
                                line: paren.line)
        }
        return expression(operand)
    }

    /// The superclass and receiver a `super.` expression reads, or nil after reporting misuse.
    private func superAccess(_ keyword: Token) -> (Expression, Expression)? {
        switch currentClass {
        case .none:
            error(keyword, "Can't use 'super' outside of a class.")
            return nil
        case .plain:
            error(keyword, "Can't use 'super' in a class with no superclass.")
            return nil
        case .subclass:
            let this = Token(.this, "this", line: keyword.line, offset: keyword.offset)
            return (variable(keyword), variable(this))
        }
    }

    // MARK: Variables

    private func variable(_ name: Token) -> Expression {
        if let (scope, location) = outerVariable(name.lexeme) { return OuterGetNode(scope: scope, location: location) }
        return select.read(resolve(name.lexeme), name)
    }

    private func assignment(_ name: Token, _ value: Expression) -> Expression {
        if let (scope, location) = outerVariable(name.lexeme) {
            return OuterSetNode(scope: scope, location: location, value: value)
        }
        return select.assign(resolve(name.lexeme), name, value)
    }

    /// A name of the function a REPL was opened in, if the input itself does not declare it. Functions
    /// declared in the input see globals only.
    private func outerVariable(_ name: String) -> (OuterScope, VariableLocation)? {
        guard let outer, function.kind == .script, function.resolve(name) == nil,
              let location = outer.locations[name] else { return nil }
        return (outer, location)
    }

    private func resolve(_ name: String) -> VariableLocation {
        if let location = function.resolve(name) { return location }
        if ScriptError.ErrorClass(rawValue: name) != nil { runtime.installErrorClassesIfNeeded() }
        return .global(globalCell(for: name))
    }

    private func globalCell(for name: String) -> Globals.Cell {
        namespace?.cell(for: name) ?? runtime.globals.cell(for: name)
    }

    private func declare(_ name: Token) -> VariableLocation {
        if function.isGlobalScope {
            return .global(globalCell(for: name.lexeme))
        }
        if let location = function.declare(name.lexeme, line: name.line) { return location }
        error(name, "Already a variable with this name in this scope.")
        return function.resolve(name.lexeme)!
    }

    private func define(_ name: Token) {
        if !function.isGlobalScope { function.define(name.lexeme) }
    }

    private func error(_ token: Token, _ message: String) {
        diagnostics.append(Diagnostic(at: token, message))
    }
}

private extension Expr {
    var isAssignment: Bool {
        switch self {
        case .assign, .set, .indexSet: true
        default: false
        }
    }

    /// Whether evaluating the expression can have no effect at all: no call, no variable (a global
    /// may be undefined), no operator that can fail on its operands' types (`<`, `+`, unary `-`).
    var hasNoEffect: Bool {
        switch self {
        case .literal: true
        case .grouping(let inner): inner.hasNoEffect
        case .unary(let op, let operand): op.kind == .bang && operand.hasNoEffect
        case .binary(let left, let links):
            left.hasNoEffect && links.allSatisfy { ($0.op.kind == .equalEqual || $0.op.kind == .bangEqual)
                && $0.operand.hasNoEffect }
        default: false
        }
    }
}
