/// Finds the names that the functions nested in a body use without declaring them: the locals of
/// the body they might capture. Names are followed the way analysis resolves them — in order, block
/// by block — so that a nested function's own locals (an `i`, a `result`) do not make the enclosing
/// function's locals of the same name boxed. Where it is unsure it may answer too many names, never
/// too few: analysis relies on every captured local being boxed.
///
/// Each function's free names are found once and remembered, so that analysing functions nested n
/// deep walks each of them once, not n times.
final class InnerNames {
    /// What a function that opens `await repl()` uses: every name it can see, since the REPL may
    /// read any of them. Enclosing functions then box all their locals. (Not an identifier, so no
    /// declaration hides it.)
    static let everything = "*"

    /// The free names of each function seen, by the offset of its name in the source.
    private var freeNames: [Int: Set<String>] = [:]
    /// The names each function seen assigns, at any depth (its own locals' too), by the same key.
    private var assignedNames: [Int: Set<String>] = [:]

    /// The names that an assignment in `body`, or in a function nested in it at any depth, has for
    /// target. By name, whatever declaration the assignment resolves to: a superset, as
    /// `FunctionScope` needs to capture by value only variables that nothing assigns.
    func assigned(in body: [Stmt]) -> Set<String> {
        var walk = FreeNames(innerNames: self)
        walk.body(body)
        return walk.assigned
    }

    /// The names that functions nested in `body` (at any depth) use free.
    func usedByFunctions(in body: [Stmt]) -> Set<String> {
        var names = Set<String>()
        for statement in body { inner(statement, &names) }
        return names
    }

    /// Walks a statement of the body itself, looking for nested functions: declared ones, and function
    /// expressions anywhere in its expressions.
    private func inner(_ statement: Stmt, _ names: inout Set<String>) {
        for expr in statement.ownExpressions {
            expr.forEachFunction { names.formUnion(free($0)) }
        }
        switch statement {
        case .function(let function):
            names.formUnion(free(function))
        case .class(let declaration):
            // `super` is then a local of the body itself, which the methods capture.
            var walk = FreeNames(innerNames: self)
            walk.methods(of: declaration, superIsOwn: false)
            names.formUnion(walk.names)
        case .block(let statements):
            for statement in statements { inner(statement, &names) }
        case .if(_, _, let then, let otherwise):
            inner(then, &names)
            if let otherwise { inner(otherwise, &names) }
        case .while(_, _, let body, _), .forIn(_, _, _, let body):
            inner(body, &names)
        case .try(let tryStatement):
            for statement in tryStatement.body { inner(statement, &names) }
            for clause in tryStatement.catches {
                for statement in clause.body { inner(statement, &names) }
            }
            for statement in tryStatement.finallyBody ?? [] { inner(statement, &names) }
        default:
            break
        }
    }

    /// The names `function` (or a function nested in it) uses that it does not declare.
    fileprivate func free(_ function: FunctionDecl, isMethod: Bool = false) -> Set<String> {
        let key = function.name.offset
        if let names = freeNames[key] { return names }
        var walk = FreeNames(innerNames: self)
        walk.function(function, isMethod: isMethod)
        freeNames[key] = walk.names
        assignedNames[key] = walk.assigned
        return walk.names
    }

    /// The names `function`, or a function nested in it, assigns.
    fileprivate func assigned(by function: FunctionDecl, isMethod: Bool = false) -> Set<String> {
        _ = free(function, isMethod: isMethod)
        return assignedNames[function.name.offset] ?? []
    }
}

/// The free names of one function: every name used where none of its scopes declares it. A function
/// nested in it contributes its own free names (found once, by `InnerNames`), less those this one
/// declares at that point.
private struct FreeNames {
    let innerNames: InnerNames
    private(set) var names = Set<String>()
    /// Every name an assignment in the function (nested functions included) has for target.
    private(set) var assigned = Set<String>()
    private var scopes: [Set<String>] = []

    init(innerNames: InnerNames) {
        self.innerNames = innerNames
    }

    mutating func function(_ function: FunctionDecl, isMethod: Bool) {
        scopes.append(Set(function.params.map(\.lexeme) + (isMethod ? ["this"] : [])))
        for child in function.body { statement(child) }
        scopes.removeLast()
    }

    /// A body walked for what it assigns (`InnerNames.assigned(in:)`).
    mutating func body(_ statements: [Stmt]) {
        scope(statements)
    }

    /// The methods of a class. A subclass declares `super` in the function that declares the class:
    /// `superIsOwn` says whether that is the function being walked (not the body that `InnerNames`
    /// collects for).
    mutating func methods(of declaration: ClassDecl, superIsOwn: Bool) {
        let declaresSuper = superIsOwn && declaration.superclass != nil
        if let superclass = declaration.superclass { use(superclass.lexeme) }
        if declaresSuper { scopes.append(["super"]) }
        for method in declaration.methods {
            for name in innerNames.free(method, isMethod: true) { use(name) }
            assigned.formUnion(innerNames.assigned(by: method, isMethod: true))
        }
        if declaresSuper { scopes.removeLast() }
    }

    private mutating func declare(_ name: String) {
        scopes[scopes.count - 1].insert(name)
    }

    private mutating func use(_ name: String) {
        if !scopes.contains(where: { $0.contains(name) }) { names.insert(name) }
    }

    private mutating func scope(declaring declared: Set<String> = [], _ statements: [Stmt]) {
        scopes.append(declared)
        for child in statements { statement(child) }
        scopes.removeLast()
    }

    private mutating func statement(_ statement: Stmt) {
        switch statement {
        case .expression(let expr), .print(_, let expr), .throw(_, let expr):
            expression(expr)
        case .variable(let name, let initializer):
            if let initializer { expression(initializer) }
            declare(name.lexeme)
        case .block(let statements):
            scope(statements)
        case .if(_, let condition, let then, let otherwise):
            expression(condition)
            scope([then])
            if let otherwise { scope([otherwise]) }
        case .while(_, let condition, let body, let increment):
            expression(condition)
            scope([body])
            if let increment { expression(increment) }
        case .forIn(_, let variable, let iterable, let body):
            expression(iterable)
            scope(declaring: [variable.lexeme], [body])
        case .function(let function):
            declare(function.name.lexeme)
            for name in innerNames.free(function) { use(name) }
            assigned.formUnion(innerNames.assigned(by: function))
        case .class(let declaration):
            declare(declaration.name.lexeme)
            methods(of: declaration, superIsOwn: true)
        case .return(_, let value):
            if let value { expression(value) }
        case .try(let tryStatement):
            scope(tryStatement.body)
            for clause in tryStatement.catches {
                if let errorClass = clause.errorClass { expression(errorClass) }
                scope(declaring: Set(clause.name.map { [$0.lexeme] } ?? []), clause.body)
            }
            if let finallyBody = tryStatement.finallyBody { scope(finallyBody) }
        case .import, .break, .continue:
            break
        }
    }

    private mutating func expression(_ expr: Expr) {
        switch expr {
        case .literal: break
        case .variable(let name): use(name.lexeme)
        case .assign(let name, let value):
            use(name.lexeme)
            assigned.insert(name.lexeme)
            expression(value)
        case .this: use("this")
        case .superGet:
            use("super")
            use("this")
        case .await(_, let inner):
            if inner.isReplCall { use(InnerNames.everything) }
            expression(inner)
        case .grouping(let inner), .unary(_, let inner), .get(let inner, _):
            expression(inner)
        case .binary(let left, let links), .logical(let left, let links):
            expression(left)
            for link in links { expression(link.operand) }
        case .set(let left, _, let right), .index(let left, _, let right), .is(let left, _, let right):
            expression(left)
            expression(right)
        case .indexSet(let object, _, let index, let value):
            expression(object)
            expression(index)
            expression(value)
        case .call(let callee, _, let arguments):
            expression(callee)
            for argument in arguments { expression(argument) }
        case .function(let function):
            for name in innerNames.free(function) { use(name) }
            assigned.formUnion(innerNames.assigned(by: function))
        case .list(_, let elements), .interpolation(_, let elements):
            for element in elements { expression(element) }
        case .map(_, let entries):
            for entry in entries {
                expression(entry.key)
                expression(entry.value)
            }
        }
    }
}

extension Expr {
    /// `repl()`, which under `await` opens a REPL over the caller's variables (unless a script
    /// declares its own `repl`, which analysis checks).
    var isReplCall: Bool {
        if case .call(.variable(let name), _, let arguments) = self, name.lexeme == "repl", arguments.isEmpty {
            return true
        }
        return false
    }
}

extension Stmt {
    /// The expressions of the statement itself (not of the statements nested in it).
    var ownExpressions: [Expr] {
        switch self {
        case .expression(let expr), .print(_, let expr), .throw(_, let expr): [expr]
        case .variable(_, let initializer): initializer.map { [$0] } ?? []
        case .if(_, let condition, _, _): [condition]
        case .while(_, let condition, _, let increment): [condition] + (increment.map { [$0] } ?? [])
        case .forIn(_, _, let iterable, _): [iterable]
        case .return(_, let value): value.map { [$0] } ?? []
        case .try(let statement): statement.catches.compactMap(\.errorClass)
        case .block, .function, .class, .import, .break, .continue: []
        }
    }
}

extension Expr {
    /// Calls `body` with each function expression in the expression, outermost ones only (a function
    /// expression's own body is its business).
    func forEachFunction(_ body: (FunctionDecl) -> Void) {
        switch self {
        case .function(let declaration): body(declaration)
        case .literal, .variable, .this, .superGet: break
        case .grouping(let inner), .unary(_, let inner), .await(_, let inner), .get(let inner, _):
            inner.forEachFunction(body)
        case .assign(_, let value): value.forEachFunction(body)
        case .binary(let left, let links), .logical(let left, let links):
            left.forEachFunction(body)
            for link in links { link.operand.forEachFunction(body) }
        case .is(let left, _, let right), .set(let left, _, let right), .index(let left, _, let right):
            left.forEachFunction(body)
            right.forEachFunction(body)
        case .indexSet(let object, _, let index, let value):
            object.forEachFunction(body)
            index.forEachFunction(body)
            value.forEachFunction(body)
        case .call(let callee, _, let arguments):
            callee.forEachFunction(body)
            for argument in arguments { argument.forEachFunction(body) }
        case .list(_, let elements), .interpolation(_, let elements):
            for element in elements { element.forEachFunction(body) }
        case .map(_, let entries):
            for entry in entries {
                entry.key.forEachFunction(body)
                entry.value.forEachFunction(body)
            }
        }
    }
}
