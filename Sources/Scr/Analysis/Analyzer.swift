/// The analysis pass: resolves every variable to a slot, box, capture or global; reports jlox's
/// resolver errors and misplaced `await`s; and lowers the AST to the interpreter's nodes, which know
/// whether they can suspend.
final class Analyzer {
    /// How a top-level input is used.
    enum Mode {
        /// A script or module: statements only.
        case script
        /// A REPL input: a final expression statement is the input's value.
        case repl
    }

    private enum ClassKind { case none, plain, subclass }

    private let runtime: Runtime
    /// The directory of the file being analysed: imports are relative to it.
    private let directory: String
    /// For a REPL opened inside a function: that function's locals.
    private let outer: OuterScope?
    private var diagnostics: [Diagnostic] = []
    private var stringLiterals: [String: StringObject] = [:]
    private var function: FunctionScope
    private var currentClass = ClassKind.none

    private init(runtime: Runtime, body: [Stmt], directory: String, outer: OuterScope?) {
        self.runtime = runtime
        self.directory = directory
        self.outer = outer
        function = FunctionScope(enclosing: nil, kind: .script, isAsync: true, body: body)
    }

    /// Analyses a whole top-level input into the code of a script function.
    static func analyze(_ statements: [Stmt], runtime: Runtime, mode: Mode, directory: String = ".",
                        outer: OuterScope? = nil) -> Result<FunctionCode, CompileError>
    {
        let analyzer = Analyzer(runtime: runtime, body: statements, directory: directory, outer: outer)
        var nodes = statements.map { analyzer.statement($0) }
        if mode == .repl, case .expression(let expr)? = statements.last, !expr.isAssignment,
           let last = nodes.last as? ExpressionStatement {
            nodes[nodes.count - 1] = ReturnStatement(last.expression)
        }
        guard analyzer.diagnostics.isEmpty else { return .failure(CompileError(analyzer.diagnostics)) }
        let scope = analyzer.function
        return .success(FunctionCode(
            name: "script", kind: .script, isAsync: true, arity: 0, line: 1, slotCount: scope.slotCount,
            boxCount: scope.boxCount, boxedParameters: [], captureSources: [], body: BlockStatement.of(nodes)))
    }

    // MARK: Statements

    private func statement(_ stmt: Stmt) -> Statement {
        switch stmt {
        case .expression(let expr):
            let node = expression(expr)
            if let assignment = node as? AssignmentNode, !assignment.suspends { return AssignmentStatement(assignment) }
            return ExpressionStatement(node)
        case .print(_, let expr):
            return PrintStatement(runtime: runtime, expression(expr))
        case .variable(let name, let initializer):
            let location = declare(name)
            let value = initializer.map { expression($0) }
            define(name)
            return DeclarationStatement(runtime: runtime, location, initializer: value)
        case .block(let statements):
            return block(statements)
        case .if(_, let condition, let then, let otherwise):
            return IfStatement(condition: expression(condition), then: statement(then),
                               otherwise: otherwise.map { statement($0) })
        case .while(let keyword, let condition, let body):
            return WhileStatement(runtime: runtime, condition: expression(condition), body: statement(body),
                                  line: keyword.line)
        case .forIn(let keyword, let variable, let iterable, let body):
            return forIn(keyword, variable, iterable, body)
        case .function(let declaration):
            let location = declare(declaration.name)
            define(declaration.name)
            let code = function(declaration, kind: .function)
            return DeclarationStatement(runtime: runtime, location, initializer: ClosureNode(runtime: runtime, code: code))
        case .class(let declaration):
            return classDeclaration(declaration)
        case .return(let keyword, let value):
            return returnStatement(keyword, value)
        case .throw(let keyword, let value):
            return ThrowStatement(expression(value), line: keyword.line)
        case .try(let stmt):
            return tryStatement(stmt)
        case .import(let keyword, let path):
            return ImportStatement(runtime: runtime, name: path.text,
                                   path: SourceFile.resolve(path.text, relativeTo: directory),
                                   line: keyword.line)
        }
    }

    private func block(_ statements: [Stmt]) -> Statement {
        function.beginBlock()
        defer { function.endBlock() }
        return BlockStatement.of(statements.map { statement($0) })
    }

    private func forIn(_ keyword: Token, _ variable: Token, _ iterable: Expr, _ body: Stmt) -> Statement {
        let iterableNode = expression(iterable)
        function.beginBlock()
        defer { function.endBlock() }
        let location = declare(variable)
        define(variable)
        return ForInStatement(runtime: runtime, location: location, iterable: iterableNode,
                              body: statement(body), line: keyword.line)
    }

    private func returnStatement(_ keyword: Token, _ value: Expr?) -> Statement {
        if function.kind == .script {
            error(keyword, "Can't return from top-level code.")
        }
        if let value {
            if function.kind == .initializer {
                error(keyword, "Can't return a value from an initializer.")
            }
            return ReturnStatement(expression(value))
        }
        return ReturnStatement(ConstantNode(.nil))
    }

    private func tryStatement(_ stmt: TryStmt) -> Statement {
        let body = block(stmt.body)
        var handler: (location: VariableLocation?, body: Statement)?
        if let catchBody = stmt.catchBody {
            function.beginBlock()
            let location = stmt.catchName.map { name in
                let location = declare(name)
                define(name)
                return location
            }
            handler = (location, block(catchBody))
            function.endBlock()
        }
        return TryStatement(runtime: runtime, body: body, handler: handler, cleanup: stmt.finallyBody.map { block($0) })
    }

    private func classDeclaration(_ declaration: ClassDecl) -> Statement {
        let enclosingClass = currentClass
        currentClass = .plain
        defer { currentClass = enclosingClass }

        let location = declare(declaration.name)
        define(declaration.name)
        let declareName = DeclarationStatement(runtime: runtime, location, initializer: nil)

        var superclass: (expression: Expression, name: Token, location: VariableLocation)?
        if let superclassName = declaration.superclass {
            if superclassName.lexeme == declaration.name.lexeme {
                error(superclassName, "A class can't inherit from itself.")
            }
            currentClass = .subclass
            let value = variable(superclassName)
            function.beginBlock()
            let superLocation = function.declare("super")!
            function.define("super")
            superclass = (value, superclassName, superLocation)
        }
        let methods = declaration.methods.map { method in
            ClassStatement.Method(symbol: runtime.symbols.intern(method.name.lexeme),
                             code: function(method, kind: method.name.lexeme == "init" ? .initializer : .method))
        }
        if superclass != nil { function.endBlock() }
        let node = ClassStatement(runtime: runtime, name: declaration.name.lexeme, location: location,
                             superclass: superclass, methods: methods)
        return BlockStatement([declareName, node])
    }

    /// Analyses a function or method body in a scope of its own.
    private func function(_ declaration: FunctionDecl, kind: FunctionCode.Kind) -> FunctionCode {
        let scope = FunctionScope(enclosing: function, kind: kind, isAsync: declaration.isAsync,
                                  body: declaration.body)
        function = scope
        defer { function = scope.enclosing! }

        scope.beginBlock()
        var prologue: [Statement] = []
        if kind == .method || kind == .initializer {
            if case .box(let box) = scope.declareReceiver() {
                prologue.append(BoxReceiverStatement(runtime: runtime, box: box))
            }
        }
        var boxedParameters: [(slot: Int, box: Int)] = []
        for (index, parameter) in declaration.params.enumerated() {
            guard let location = scope.declareParameter(parameter.lexeme, slot: index + 1) else {
                error(parameter, "Already a variable with this name in this scope.")
                continue
            }
            if case .box(let box) = location { boxedParameters.append((slot: index + 1, box: box)) }
        }
        let body = prologue + declaration.body.map { statement($0) }
        scope.endBlock()
        return FunctionCode(
            name: declaration.name.lexeme, kind: kind, isAsync: declaration.isAsync,
            arity: declaration.params.count, line: declaration.name.line, slotCount: scope.slotCount,
            boxCount: scope.boxCount, boxedParameters: boxedParameters, captureSources: scope.captureSources,
            body: BlockStatement.of(body))
    }

    // MARK: Expressions

    private func expression(_ expr: Expr) -> Expression {
        switch expr {
        case .literal(let literal, _):
            return ConstantNode(constant(literal))
        case .grouping(let inner):
            return expression(inner)
        case .variable(let name):
            if !function.isGlobalScope && function.isBeingInitialized(name.lexeme) {
                error(name, "Can't read local variable in its own initializer.")
            }
            return variable(name)
        case .assign(let name, let value):
            return assignment(name, expression(value))
        case .unary(let op, let operand):
            return UnaryNode(op.kind == .bang ? .not : .negate, expression(operand), line: op.line)
        case .binary(let left, let op, .literal(.nil, _)) where op.kind == .equalEqual || op.kind == .bangEqual:
            return NilTestNode(expression(left), isEqual: op.kind == .equalEqual)
        case .binary(let left, let op, .literal(.number(let number), _)):
            let left = expression(left)
            switch VariablePlace(of: left) {
            case .slot(let slot)?:
                return SlotNumberBinaryNode(binaryOperator(op.kind), slot: slot, number, line: op.line)
            case let place?:
                return PlaceNumberBinaryNode(binaryOperator(op.kind), place, number, line: op.line)
            case nil:
                break
            }
            return NumberBinaryNode(binaryOperator(op.kind), left, number, line: op.line)
        case .binary(let left, let op, let right):
            let (left, right) = (expression(left), expression(right))
            if let leftPlace = VariablePlace(of: left), let rightPlace = VariablePlace(of: right) {
                return PlacesBinaryNode(binaryOperator(op.kind), leftPlace, rightPlace, line: op.line)
            }
            return BinaryNode(binaryOperator(op.kind), left, right, line: op.line)
        case .logical(let left, let op, let right):
            return LogicalNode(isAnd: op.kind == .and, expression(left), expression(right))
        case .call(let callee, let paren, let arguments):
            return call(callee, paren, arguments)
        case .get(let object, let name):
            let object = expression(object)
            if let place = VariablePlace(of: object) { return PlacePropertyGetNode(runtime: runtime, object: place, name: name) }
            return PropertyGetNode(runtime: runtime, object: object, name: name)
        case .set(let objectExpr, let name, let valueExpr):
            return propertySet(expression(objectExpr), name, valueExpr)
        case .index(let object, let bracket, let index):
            return IndexNode(object: expression(object), index: expression(index), line: bracket.line)
        case .indexSet(let object, let bracket, let index, let value):
            return IndexSetNode(object: expression(object), index: expression(index), value: expression(value),
                                line: bracket.line)
        case .this(let keyword):
            if currentClass == .none {
                error(keyword, "Can't use 'this' outside of a class.")
                return ConstantNode(.nil)
            }
            return variable(keyword)
        case .superGet(let keyword, let method):
            guard let (superclass, receiver) = superAccess(keyword) else { return ConstantNode(.nil) }
            return SuperGetNode(runtime: runtime, superclass: superclass, receiver: receiver, name: method,
                                symbol: runtime.symbols.intern(method.lexeme))
        case .await(let keyword, let operand):
            if !function.isAsync {
                error(keyword, "Can't use 'await' outside an async function.")
            }
            return AwaitNode(runtime: runtime, operand: awaited(operand), line: keyword.line)
        case .list(_, let elements):
            return ListNode(runtime: runtime, elements.map { expression($0) })
        case .map(_, let entries):
            return MapNode(runtime: runtime, entries.map { (expression($0.key), expression($0.value)) })
        }
    }

    private func call(_ callee: Expr, _ paren: Token, _ arguments: [Expr]) -> Expression {
        switch callee {
        case .get(let object, let name):
            let object = expression(object)
            return InvokeNode(runtime: runtime, object: object, name: name,
                              arguments: arguments.map { expression($0) }, line: paren.line)
        case .superGet(let keyword, let method):
            guard let (superclass, receiver) = superAccess(keyword) else { return ConstantNode(.nil) }
            return SuperInvokeNode(runtime: runtime, superclass: superclass, receiver: receiver, name: method,
                                   arguments: arguments.map { expression($0) }, line: paren.line)
        default:
            let callee = expression(callee)
            return CallNode(runtime: runtime, callee: callee, arguments: arguments.map { expression($0) },
                            line: paren.line)
        }
    }

    /// The operand of an `await`; `await repl()` opens a REPL that sees the locals here.
    private func awaited(_ operand: Expr) -> Expression {
        if case .call(.variable(let name), let paren, let arguments) = operand, name.lexeme == "repl",
           arguments.isEmpty, function.isAsync, outerVariable("repl") == nil,
           case .global(let cell) = resolve(name.lexeme) {
            return ReplCallNode(runtime: runtime, replCell: cell, visible: function.visibleVariables, line: paren.line)
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

    private func binaryOperator(_ kind: TokenKind) -> BinaryNode.Operator {
        switch kind {
        case .plus: .add
        case .minus: .subtract
        case .star: .multiply
        case .slash: .divide
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        case .equalEqual: .equal
        case .bangEqual: .notEqual
        default: preconditionFailure("not a binary operator: \(kind)")
        }
    }

    /// `object.name = value`, reading the object in place when it is a variable the value cannot assign.
    private func propertySet(_ object: Expression, _ name: Token, _ valueExpr: Expr) -> Expression {
        let value = expression(valueExpr)
        let symbol = runtime.symbols.intern(name.lexeme)
        if let place = VariablePlace(of: object), !value.suspends {
            let mayAssign = switch place {
            case .slot: valueExpr.mayAssignLocals
            case .global: valueExpr.mayAssignGlobals
            }
            if !mayAssign { return PlacePropertySetNode(object: place, name: name, symbol: symbol, value: value) }
        }
        return PropertySetNode(object: object, name: name, symbol: symbol, value: value)
    }

    // MARK: Variables

    private func variable(_ name: Token) -> Expression {
        if let (scope, location) = outerVariable(name.lexeme) { return OuterGetNode(scope: scope, location: location) }
        return switch resolve(name.lexeme) {
        case .slot(let slot): SlotGetNode(slot)
        case .box(let index): BoxGetNode(index)
        case .capture(let index): CaptureGetNode(index)
        case .global(let cell): GlobalGetNode(cell: cell, name: name)
        }
    }

    private func assignment(_ name: Token, _ value: Expression) -> Expression {
        if let (scope, location) = outerVariable(name.lexeme) {
            return OuterSetNode(scope: scope, location: location, value: value)
        }
        return switch resolve(name.lexeme) {
        case .slot(let slot): SlotSetNode(slot, value: value)
        case .box(let index): BoxSetNode(index, value: value)
        case .capture(let index): CaptureSetNode(index, value: value)
        case .global(let cell): GlobalSetNode(cell: cell, name: name, value: value)
        }
    }

    /// A name of the function a REPL was opened in, if the input itself does not declare it. Functions
    /// declared in the input see globals only.
    private func outerVariable(_ name: String) -> (OuterScope, VariableLocation)? {
        guard let outer, function.kind == .script, function.resolve(name) == nil,
              let location = outer.locations[name] else { return nil }
        return (outer, location)
    }

    private func resolve(_ name: String) -> VariableLocation {
        function.resolve(name) ?? .global(runtime.globals.cell(for: name))
    }

    private func declare(_ name: Token) -> VariableLocation {
        if function.isGlobalScope {
            return .global(runtime.globals.cell(for: name.lexeme))
        }
        if let location = function.declare(name.lexeme) { return location }
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

extension Analyzer {
    /// A literal's value. Equal string literals of one input share one string object, as equal
    /// constants of a code object do in CPython: comparing them is then a pointer comparison.
    private func constant(_ literal: Literal) -> Value {
        switch literal {
        case .nil: return .nil
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let text):
            if let string = stringLiterals[text] { return .string(string) }
            let string = StringObject(text)
            stringLiterals[text] = string
            return .string(string)
        }
    }
}

private extension Expr {
    var isAssignment: Bool {
        switch self {
        case .assign, .set, .indexSet: true
        default: false
        }
    }
}

/// Copies a method's receiver from slot 0 into the box inner functions capture it from.
final class BoxReceiverStatement: Statement {
    let runtime: Runtime
    let box: Int
    init(runtime: Runtime, box: Int) {
        self.runtime = runtime
        self.box = box
    }
    override func exec(_ frame: Frame) throws -> Value? {
        frame.declareBox(box, runtime.track(Box(frame[0])))
        return nil
    }
}
