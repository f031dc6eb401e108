/// Collects every name used inside the functions nested in a body: the locals that might be captured.
enum InnerNames {
    static func collect(in body: [Stmt]) -> Set<String> {
        var names = Set<String>()
        for statement in body { inner(statement, &names) }
        return names
    }

    /// Walks a body of the function itself, looking for nested functions.
    private static func inner(_ statement: Stmt, _ names: inout Set<String>) {
        switch statement {
        case .function(let function):
            all(function.body, &names)
        case .class(let declaration):
            for method in declaration.methods { all(method.body, &names) }
        case .block(let statements):
            for statement in statements { inner(statement, &names) }
        case .if(_, _, let then, let otherwise):
            inner(then, &names)
            if let otherwise { inner(otherwise, &names) }
        case .while(_, _, let body), .forIn(_, _, _, let body):
            inner(body, &names)
        case .try(let tryStatement):
            for statement in tryStatement.body { inner(statement, &names) }
            for statement in tryStatement.catchBody ?? [] { inner(statement, &names) }
            for statement in tryStatement.finallyBody ?? [] { inner(statement, &names) }
        default:
            break
        }
    }

    /// Every name used anywhere in a nested function's body.
    private static func all(_ body: [Stmt], _ names: inout Set<String>) {
        for statement in body { all(statement, &names) }
    }

    private static func all(_ statement: Stmt, _ names: inout Set<String>) {
        switch statement {
        case .expression(let expr), .print(_, let expr), .throw(_, let expr):
            all(expr, &names)
        case .variable(_, let initializer):
            if let initializer { all(initializer, &names) }
        case .block(let statements):
            all(statements, &names)
        case .if(_, let condition, let then, let otherwise):
            all(condition, &names)
            all(then, &names)
            if let otherwise { all(otherwise, &names) }
        case .while(_, let condition, let body):
            all(condition, &names)
            all(body, &names)
        case .forIn(_, _, let iterable, let body):
            all(iterable, &names)
            all(body, &names)
        case .function(let function):
            all(function.body, &names)
        case .class(let declaration):
            if let superclass = declaration.superclass { names.insert(superclass.lexeme) }
            for method in declaration.methods { all(method.body, &names) }
        case .return(_, let value):
            if let value { all(value, &names) }
        case .try(let tryStatement):
            all(tryStatement.body, &names)
            all(tryStatement.catchBody ?? [], &names)
            all(tryStatement.finallyBody ?? [], &names)
        case .import:
            break
        }
    }

    private static func all(_ expr: Expr, _ names: inout Set<String>) {
        switch expr {
        case .literal: break
        case .variable(let name): names.insert(name.lexeme)
        case .assign(let name, let value):
            names.insert(name.lexeme)
            all(value, &names)
        case .this: names.insert("this")
        case .superGet: names.formUnion(["super", "this"])
        case .grouping(let inner), .unary(_, let inner), .await(_, let inner), .get(let inner, _):
            all(inner, &names)
        case .binary(let left, _, let right), .logical(let left, _, let right),
             .set(let left, _, let right), .index(let left, _, let right):
            all(left, &names)
            all(right, &names)
        case .indexSet(let object, _, let index, let value):
            all(object, &names)
            all(index, &names)
            all(value, &names)
        case .call(let callee, _, let arguments):
            all(callee, &names)
            for argument in arguments { all(argument, &names) }
        case .list(_, let elements):
            for element in elements { all(element, &names) }
        case .map(_, let entries):
            for entry in entries {
                all(entry.key, &names)
                all(entry.value, &names)
            }
        }
    }
}
