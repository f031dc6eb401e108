/// The second step of analysis: given the resolved pieces of a construct, choose the node that runs
/// it. Analysis resolves names and reports errors (as jlox's Resolver does) and asks here for every
/// node whose kind depends on the shape of the code (as Lua's lparser asks lcode): every rule that
/// picks a specialised node is in this file, with the precondition it relies on. docs/internals.md
/// ("Node shapes") gives each rule's reason and what it measured.
///
/// With `specialize` off, every construct gets its generic node, and every local lives in a box
/// (`FunctionScope`), as in jlox's environments: the plain path, kept runnable as Lua's ltests.h keeps
/// its switch without the jump table. The golden tests and fuzz/diff run programs both ways and
/// compare (`scr --generic-nodes`, `SCR_GENERIC_NODES=1`).
struct NodeSelection {
    let runtime: Runtime
    let specialize: Bool

    // MARK: Variables

    func read(_ location: VariableLocation, _ name: Token) -> Expression {
        switch location {
        case .slot(let slot): SlotGetNode(slot)
        case .box(let index): BoxGetNode(index)
        case .capture(let index): CaptureGetNode(index)
        case .global(let cell): GlobalGetNode(cell: cell, name: name)
        }
    }

    func assign(_ location: VariableLocation, _ name: Token, _ value: Expression) -> AssignmentNode {
        switch location {
        case .slot(let slot): SlotSetNode(slot, value: value)
        case .box(let index): BoxSetNode(index, value: value)
        case .capture(let index): CaptureSetNode(index, value: value)
        case .global(let cell): GlobalSetNode(cell: cell, name: name, value: value)
        }
    }

    /// `var name = initializer;`: a local in a slot with an initializer that cannot assign it
    /// (`initializerMayAssign`, false for a function's declaration) is `SlotDeclarationStatement`.
    func declaration(_ name: Token, _ location: VariableLocation, initializer: Expression?,
                     initializerMayAssign: Bool) -> Statement {
        if specialize, case .slot(let slot) = location, let initializer, !initializerMayAssign {
            return SlotDeclarationStatement(name.lexeme, slot: slot, initializer: initializer, line: name.line)
        }
        return DeclarationStatement(runtime: runtime, name.lexeme, location, initializer: initializer, line: name.line)
    }

    /// The variable a node reads, when it reads a local's slot or a global and nothing else: nodes
    /// that take a `VariablePlace` read it where it lies, with no child node to call and no copy of
    /// the value to make and destroy (a retain and a release).
    private func place(of node: Expression) -> VariablePlace? {
        guard specialize else { return nil }
        switch node {
        case let local as SlotGetNode: return .slot(local.slot)
        case let global as GlobalGetNode: return .global(global.cell, line: global.name.line)
        default: return nil
        }
    }

    // MARK: Operators

    /// `left op right`.
    func binary(_ left: Expression, _ op: Token, _ right: Expression) -> Expression {
        let kind = BinaryNode.Operator(op.kind)
        guard specialize else { return BinaryNode(kind, left, right, line: op.line) }
        let number = (right as? ConstantNode)?.number
        if kind == .equal || kind == .notEqual, let constant = right as? ConstantNode {
            switch constant.value {
            // `x == nil`, `x != nil`: the end test of most walks over linked structures. A variable is
            // compared where it lies, not copied out (a retain and a release when it holds an object).
            case .nil:
                if let leftPlace = place(of: left) {
                    return PlaceConstantEqualityNode(leftPlace, constant.value, isEqual: kind == .equal)
                }
                return NilTestNode(left, isEqual: kind == .equal)
            // `variable == "text"`, `variable != true`: compared in place.
            case .string, .bool:
                if let leftPlace = place(of: left) {
                    return PlaceConstantEqualityNode(leftPlace, constant.value, isEqual: kind == .equal)
                }
            default: break
            }
        }
        // `local op number` (`n - 1`, `i < 10`), `global op number`, `expression op number`.
        if let number {
            switch place(of: left) {
            case .slot(let slot)?: return SlotNumberBinaryNode(kind, slot: slot, number, line: op.line)
            case let place?: return PlaceNumberBinaryNode(kind, place, number, line: op.line)
            case nil: return NumberBinaryNode(kind, left, number, line: op.line)
            }
        }
        // `variable op variable` (`sum + i`, `a == b`).
        if let leftPlace = place(of: left), let rightPlace = place(of: right) {
            return PlacesBinaryNode(kind, leftPlace, rightPlace, line: op.line)
        }
        return BinaryNode.make(kind, left, right, line: op.line)
    }

    /// `left op₁ e₁ op₂ e₂ …`: the first operation as `binary` chooses, the others in a loop.
    func chain(_ left: Expression, _ links: [(op: Token, operand: Expression)]) -> Expression {
        let head = binary(left, links[0].op, links[0].operand)
        guard links.count > 1 else { return head }
        return ChainNode(head: head, links.dropFirst().map {
            (op: BinaryNode.Operator($0.op.kind), operand: $0.operand, line: $0.op.line)
        })
    }

    // MARK: Properties and calls

    /// `object[index]`. A variable's list is read in place when the index is a variable or a literal,
    /// which cannot assign the variable while the list is borrowed.
    func index(_ object: Expression, _ index: Expression, line: Int) -> Expression {
        if let place = place(of: object), index is ConstantNode || self.place(of: index) != nil {
            return PlaceIndexNode(object: place, index: index, indexPlace: self.place(of: index), line: line)
        }
        return IndexNode(object: object, index: index, line: line)
    }

    /// `object[index] = value`. A variable's list is assigned in place when the index is a variable or a
    /// literal and the value can neither assign the variable nor suspend (the rule of `set`, below).
    func setIndex(_ object: Expression, _ index: Expression, _ value: Expression, valueExpr: Expr, line: Int) -> Expression {
        if let place = place(of: object), index is ConstantNode || self.place(of: index) != nil,
           !value.suspends, !mayAssign(place, valueExpr)
        {
            return PlaceIndexSetNode(object: place, index: index, indexPlace: self.place(of: index), value: value,
                                     line: line)
        }
        return IndexSetNode(object: object, index: index, value: value, line: line)
    }

    /// Whether evaluating `expression` may assign the variable at `place`: a call cannot assign a
    /// local that lives in a slot; it may assign a global.
    private func mayAssign(_ place: VariablePlace, _ expression: Expr) -> Bool {
        switch place {
        case .slot: expression.mayAssignLocals
        case .global: expression.mayAssignGlobals
        }
    }

    /// `object.name`.
    func get(_ object: Expression, _ name: Token) -> Expression {
        guard specialize else { return PropertyGetNode(runtime: runtime, object: object, name: name) }
        if let place = place(of: object) { return PlacePropertyGetNode(runtime: runtime, object: place, name: name) }
        return CachedPropertyGetNode(runtime: runtime, object: object, name: name)
    }

    /// `object.name = value`. `valueExpr` is the value's syntax, for the precondition.
    func set(_ object: Expression, _ name: Token, _ value: Expression, valueExpr: Expr) -> Expression {
        let symbol = runtime.symbols.intern(name.lexeme)
        guard specialize else { return PropertySetNode(object: object, name: name, symbol: symbol, value: value) }
        // The instance is read in place, unretained, while the value is evaluated: only when the value
        // cannot assign the variable (which would free the instance) and cannot suspend (which would let
        // other code assign it). A call cannot assign a local that lives in a slot; it may assign a global.
        if let place = place(of: object), !value.suspends, !mayAssign(place, valueExpr) {
            return PlacePropertySetNode(object: place, name: name, symbol: symbol, value: value)
        }
        return CachedPropertySetNode(object: object, name: name, symbol: symbol, value: value)
    }

    /// `callee(arguments)`, in the function at `location`. A local callee in a slot is borrowed from it
    /// (`SlotCallNode`) when no argument can assign a local: nothing else can assign the slot during the
    /// call, and the slot keeps the function alive.
    func call(_ callee: Expression, _ arguments: [Expression], argumentsMayAssignLocals: Bool = true, line: Int,
              location: CodeLocation) -> Expression {
        guard specialize else {
            return CallNode(runtime: runtime, callee: callee, arguments: arguments, line: line, location: location)
        }
        if let global = callee as? GlobalGetNode {
            let call = GlobalCallNode(runtime: runtime, callee: global, arguments: arguments, line: line,
                                      location: location)
            if global.name.lexeme == "len", arguments.count == 1, !arguments[0].suspends {
                return LenNode(runtime: runtime, argument: arguments[0], argumentPlace: place(of: arguments[0]),
                               general: call)
            }
            return call
        }
        if let local = callee as? SlotGetNode, !argumentsMayAssignLocals, !arguments.anySuspends {
            return SlotCallNode(runtime: runtime, callee: local, arguments: arguments, line: line, location: location)
        }
        return DirectCallNode(runtime: runtime, callee: callee, arguments: arguments, line: line, location: location)
    }

    /// `object.name(arguments)`: a method call that makes no bound method, with the method cached per
    /// class and the receiver read in place when it is a variable (the new frame holds it from then on).
    func invoke(_ object: Expression, _ name: Token, _ arguments: [Expression], line: Int,
                location: CodeLocation) -> Expression {
        guard specialize else { return call(get(object, name), arguments, line: line, location: location) }
        return InvokeNode(runtime: runtime, object: object, receiverPlace: place(of: object), name: name,
                          arguments: arguments, line: line, location: location)
    }

    /// `await operand`. `await object.name(arguments)` with no await inside the invocation is
    /// `AwaitMethodNode`, which runs a native object's awaitable method without the coroutine its call
    /// makes.
    func await(_ operand: Expression, line: Int) -> Expression {
        if specialize, let invoke = operand as? InvokeNode, !invoke.suspends {
            return AwaitMethodNode(runtime: runtime, invoke: invoke, line: line)
        }
        return AwaitNode(runtime: runtime, operand: operand, line: line)
    }

    // MARK: Statements

    /// `return value;`. A local in a slot (`return n;`, `return this;`) is `SlotReturnStatement`.
    /// `endsFrame`: no `finally` encloses the return, so nothing of the frame runs after it, and the
    /// local's value can be moved out of its slot (`SlotReturnStatement.moves`).
    func returnStatement(_ value: Expression, endsFrame: Bool, line: Int) -> Statement {
        if specialize, let local = value as? SlotGetNode {
            return SlotReturnStatement(slot: local.slot, moves: endsFrame, line: line)
        }
        return ReturnStatement(value, line: line)
    }

    /// `expression;`. An expression without effects — literals, and `==`, `!=`, `!` and grouping of
    /// them, none of which can fail or call script code — does nothing as a statement, unless its
    /// value is the REPL input's result (`hasNoEffect`, decided by analysis on the syntax tree).
    /// `syntax` is the expression's.
    func expressionStatement(_ expression: Expression, syntax: Expr, hasNoEffect: Bool, line: Int) -> Statement {
        if specialize, hasNoEffect { return EmptyStatement(line: line) }
        // An assignment run as a statement stores its value without also copying it out as a result.
        if specialize, let assignment = expression as? AssignmentNode, !assignment.suspends {
            let general = AssignmentStatement(assignment, line: line)
            return numberUpdate(assignment, syntax: syntax, general: general) ?? general
        }
        if specialize, let assignment = expression as? PlacePropertySetNode {
            let general = PropertySetStatement(assignment, line: line)
            return fieldUpdate(assignment, general: general) ?? general
        }
        return ExpressionStatement(expression, line: line)
    }

    /// `variable = variable op operand;` with an arithmetic operator: `NumberUpdateStatement` for a
    /// number literal or a variable for operand, `ExpressionUpdateStatement` for any other expression
    /// that cannot assign the variable (`syntax` is the assignment's).
    private func numberUpdate(_ assignment: AssignmentNode, syntax: Expr, general: Statement) -> Statement? {
        let target: VariablePlace
        switch assignment {
        case let local as SlotSetNode: target = .slot(local.slot)
        case let global as GlobalSetNode: target = .global(global.cell, line: global.name.line)
        default: return nil
        }
        let op: BinaryNode.Operator, operand: NumberUpdateStatement.Operand, read: VariablePlace
        switch assignment.value {
        case let node as SlotNumberBinaryNode: (op, operand, read) = (node.op, .number(node.right), .slot(node.slot))
        case let node as PlaceNumberBinaryNode: (op, operand, read) = (node.op, .number(node.right), node.left)
        case let node as PlacesBinaryNode: (op, operand, read) = (node.op, .place(node.right), node.left)
        case let node as BinaryNode:
            guard node.op.isArithmetic, let left = place(of: node.left), left.isSameVariable(as: target),
                  case .assign(_, let value) = syntax, !mayAssign(target, value)
            else { return nil }
            return ExpressionUpdateStatement(target, node.op, node.right, operatorLine: node.line, general: general)
        default: return nil
        }
        guard op.isArithmetic, read.isSameVariable(as: target) else { return nil }
        return NumberUpdateStatement(target, op, operand, general: general)
    }

    /// `if (condition) then else otherwise`. A local in a slot compared with a number literal
    /// (`if (n < 2)`) is tested in `SlotComparisonIfStatement`, when nothing in the statement can suspend.
    /// A condition comparing variables, a variable and a constant, or testing for nil (`NilTestNode`, if
    /// its operand cannot suspend) is tested inline by the `IfStatement` subclass of its node.
    func ifStatement(_ condition: Expression, _ then: Statement, _ otherwise: Statement?, line: Int) -> Statement {
        if specialize, let test = condition as? SlotNumberBinaryNode, test.op.isComparison,
           !then.suspends, otherwise?.suspends != true {
            return SlotComparisonIfStatement.make(slot: test.slot, comparison: test.op, number: test.right,
                                                  condition: test, then: then, otherwise: otherwise, line: line)
        }
        if specialize {
            switch condition {
            case let test as PlacesBinaryNode:
                return PlacesIfStatement(condition: test, then: then, otherwise: otherwise, line: line)
            case let test as PlaceConstantEqualityNode:
                return PlaceConstantIfStatement(condition: test, then: then, otherwise: otherwise, line: line)
            case let test as PlaceNumberBinaryNode:
                return PlaceNumberIfStatement(condition: test, then: then, otherwise: otherwise, line: line)
            case let test as NilTestNode where !test.suspends:
                return NilTestIfStatement(condition: test, then: then, otherwise: otherwise, line: line)
            default: break
            }
        }
        return IfStatement(condition: condition, then: then, otherwise: otherwise, line: line)
    }

    /// `while (condition) body` with the `increment` of a `for`. A counting loop — a slot local
    /// ordered against a number literal or a variable, then stepped by a number literal — runs as
    /// `CountingLoopStatement`, when its body cannot suspend.
    func loop(_ condition: Expression, _ body: Statement, _ increment: Statement?, line: Int) -> Statement {
        let general = { WhileStatement(runtime: runtime, condition: condition, body: body, increment: increment, line: line) }
        guard specialize, !body.suspends, let update = increment as? NumberUpdateStatement,
              case .slot(let slot) = update.place, case .number(let step) = update.operand,
              update.op == .add || update.op == .subtract
        else { return general() }
        let comparison: BinaryNode.Operator, limit: CountingLoopStatement.Limit
        switch condition {
        case let test as SlotNumberBinaryNode where test.slot == slot:
            (comparison, limit) = (test.op, .number(test.right))
        case let test as PlacesBinaryNode where test.left.isSameVariable(as: .slot(slot)):
            (comparison, limit) = (test.op, .place(test.right))
        default:
            return general()
        }
        guard comparison.isComparison, comparison != .equal, comparison != .notEqual else { return general() }
        return CountingLoopStatement(runtime: runtime, slot: slot, comparison: comparison, limit: limit,
                                     step: update.op == .add ? step : -step, condition: condition, body: body,
                                     increment: update, line: line)
    }

    /// `v.f = v.f op operand;` with an arithmetic operator, as `FieldUpdateStatement`.
    private func fieldUpdate(_ assignment: PlacePropertySetNode, general: PropertySetStatement) -> Statement? {
        let op: BinaryNode.Operator, read: Expression, number: Double, operand: Expression?, line: Int
        switch assignment.value {
        case let node as NumberBinaryNode: (op, read, number, operand, line) = (node.op, node.left, node.right, nil, node.line)
        case let node as BinaryNode: (op, read, number, operand, line) = (node.op, node.left, 0, node.right, node.line)
        default: return nil
        }
        guard op.isArithmetic, let field = read as? PlacePropertyGetNode, field.symbol == assignment.symbol,
              field.object.isSameVariable(as: assignment.object)
        else { return nil }
        return FieldUpdateStatement(assignment.object, name: assignment.name, symbol: assignment.symbol, op,
                                    number: number, operand: operand, operatorLine: line, general: general)
    }

    /// Statements in sequence: a block of one statement runs as that statement, for running a block
    /// costs a call of its own (a method whose body is a `return` runs 5% faster); two run as a pair,
    /// without a loop (20 instructions fewer each time).
    func sequence(_ statements: [Statement], line: Int) -> Statement {
        guard specialize else { return BlockStatement(statements, line: line) }
        let statements = statements.filter { !($0 is EmptyStatement) }
        switch statements.count {
        case 0: return EmptyStatement(line: line)
        case 1: return statements[0]
        case 2: return PairStatement(statements[0], statements[1])
        default: return BlockStatement(statements, line: line)
        }
    }

    // MARK: Constants

    /// A literal's value. Equal string literals of one input share one string object, as equal
    /// constants of a code object do in CPython: comparing them is then a pointer comparison.
    func constant(_ literal: Literal, strings: inout [TextKey: StringObject]) -> Expression {
        switch literal {
        case .nil: return ConstantNode(.nil)
        case .bool(let b): return ConstantNode(.bool(b))
        case .number(let n): return ConstantNode(.number(n))
        case .string(let text):
            guard specialize else { return ConstantNode(.string(StringObject(text))) }
            if let string = strings[TextKey(text)] { return ConstantNode(.string(string)) }
            let string = StringObject(text)
            strings[TextKey(text)] = string
            return ConstantNode(.string(string))
        }
    }
}

extension BinaryNode.Operator {
    init(_ kind: TokenKind) {
        self = switch kind {
        case .plus: .add
        case .minus: .subtract
        case .star: .multiply
        case .slash: .divide
        case .percent: .remainder
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        case .equalEqual: .equal
        case .bangEqual: .notEqual
        default: preconditionFailure("not a binary operator: \(kind)")
        }
    }
}
