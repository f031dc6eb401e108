/// Collects the names that the functions nested in a body use without declaring them: the locals of
/// the body they might capture. Names are followed the way analysis resolves them — in order, block
/// by block — so that a nested function's own locals (an `i`, a `result`) do not make the enclosing
/// function's locals of the same name boxed. Where it is unsure it may answer too many names, never
/// too few: analysis relies on every captured local being boxed.
enum InnerNames {
    static func collect(in body: [Stmt]) -> Set<String> {
        var free = FreeNames()
        for statement in body { inner(statement, &free) }
        return free.names
    }

    /// Walks a body of the function itself, looking for nested functions.
    private static func inner(_ statement: Stmt, _ free: inout FreeNames) {
        switch statement {
        case .function(let function):
            free.function(function)
        case .class(let declaration):
            // `super` is then a local of the body itself, which the methods capture.
            free.methods(of: declaration, superIsOwn: false)
        case .block(let statements):
            for statement in statements { inner(statement, &free) }
        case .if(_, _, let then, let otherwise):
            inner(then, &free)
            if let otherwise { inner(otherwise, &free) }
        case .while(_, _, let body), .forIn(_, _, _, let body):
            inner(body, &free)
        case .try(let tryStatement):
            for statement in tryStatement.body { inner(statement, &free) }
            for statement in tryStatement.catchBody ?? [] { inner(statement, &free) }
            for statement in tryStatement.finallyBody ?? [] { inner(statement, &free) }
        default:
            break
        }
    }
}

/// The free names of nested functions: every name used where none of the function's own scopes (nor
/// those of functions between it and the body being analysed) declares it.
private struct FreeNames {
    private(set) var names = Set<String>()
    private var scopes: [Set<String>] = []

    mutating func function(_ function: FunctionDecl, isMethod: Bool = false) {
        scopes.append(Set(function.params.map(\.lexeme) + (isMethod ? ["this"] : [])))
        for child in function.body { statement(child) }
        scopes.removeLast()
    }

    /// The methods of a class. A subclass declares `super` in the function that declares the class:
    /// `superIsOwn` says whether that is a function nested in the body (not the body itself).
    mutating func methods(of declaration: ClassDecl, superIsOwn: Bool) {
        let declaresSuper = superIsOwn && declaration.superclass != nil
        if let superclass = declaration.superclass { use(superclass.lexeme) }
        if declaresSuper { scopes.append(["super"]) }
        for method in declaration.methods { function(method, isMethod: true) }
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
        case .while(_, let condition, let body):
            expression(condition)
            scope([body])
        case .forIn(_, let variable, let iterable, let body):
            expression(iterable)
            scope(declaring: [variable.lexeme], [body])
        case .function(let function):
            declare(function.name.lexeme)
            self.function(function)
        case .class(let declaration):
            declare(declaration.name.lexeme)
            methods(of: declaration, superIsOwn: true)
        case .return(_, let value):
            if let value { expression(value) }
        case .try(let tryStatement):
            scope(tryStatement.body)
            if let catchBody = tryStatement.catchBody {
                scope(declaring: Set(tryStatement.catchName.map { [$0.lexeme] } ?? []), catchBody)
            }
            if let finallyBody = tryStatement.finallyBody { scope(finallyBody) }
        case .import:
            break
        }
    }

    private mutating func expression(_ expr: Expr) {
        switch expr {
        case .literal: break
        case .variable(let name): use(name.lexeme)
        case .assign(let name, let value):
            use(name.lexeme)
            expression(value)
        case .this: use("this")
        case .superGet:
            use("super")
            use("this")
        case .grouping(let inner), .unary(_, let inner), .await(_, let inner), .get(let inner, _):
            expression(inner)
        case .binary(let left, _, let right), .logical(let left, _, let right),
             .set(let left, _, let right), .index(let left, _, let right):
            expression(left)
            expression(right)
        case .indexSet(let object, _, let index, let value):
            expression(object)
            expression(index)
            expression(value)
        case .call(let callee, _, let arguments):
            expression(callee)
            for argument in arguments { expression(argument) }
        case .list(_, let elements):
            for element in elements { expression(element) }
        case .map(_, let entries):
            for entry in entries {
                expression(entry.key)
                expression(entry.value)
            }
        }
    }
}
