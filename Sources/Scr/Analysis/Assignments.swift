extension Expr {
    /// Whether evaluating the expression may assign a local variable of its function: it holds an
    /// assignment or an `await` (the REPL an await can open may assign locals). Calls cannot, for a
    /// local that lives in a slot is seen by no other function. The property nodes that read their
    /// object in place rely on this.
    var mayAssignLocals: Bool { mayAssign(throughCalls: false) }

    /// Whether evaluating the expression may assign a global: as `mayAssignLocals`, and any call may.
    var mayAssignGlobals: Bool { mayAssign(throughCalls: true) }

    private func mayAssign(throughCalls: Bool) -> Bool {
        func any(_ expressions: Expr...) -> Bool {
            expressions.contains { $0.mayAssign(throughCalls: throughCalls) }
        }
        switch self {
        case .literal, .variable, .this, .superGet, .function: return false
        case .assign, .await: return true
        case .grouping(let inner), .unary(_, let inner), .get(let inner, _): return any(inner)
        case .binary(let left, let links), .logical(let left, let links):
            return any(left) || links.contains { any($0.operand) }
        case .index(let left, _, let right), .is(let left, _, let right):
            return any(left, right)
        case .call(let callee, _, let arguments):
            return throughCalls || any(callee) || arguments.contains { any($0) }
        case .set(let object, _, let value): return any(object, value)
        case .indexSet(let object, _, let index, let value): return any(object, index, value)
        case .list(_, let elements), .interpolation(_, let elements): return elements.contains { any($0) }
        case .map(_, let entries): return entries.contains { any($0.key, $0.value) }
        }
    }
}
