extension Expr {
    /// Whether evaluating the expression leaves every variable as it was: it contains no assignment and
    /// no `await` (the REPL an await can open may assign). Calls cannot change the caller's locals that
    /// live in slots, for no other function sees those; the property nodes that read their object in
    /// place rely on this.
    var assignsNoVariable: Bool {
        switch self {
        case .literal, .variable, .this, .superGet: true
        case .assign, .await: false
        case .grouping(let inner), .unary(_, let inner), .get(let inner, _): inner.assignsNoVariable
        case .binary(let left, _, let right), .logical(let left, _, let right), .index(let left, _, let right):
            left.assignsNoVariable && right.assignsNoVariable
        case .call(let callee, _, let arguments):
            callee.assignsNoVariable && arguments.allSatisfy(\.assignsNoVariable)
        case .set(let object, _, let value):
            object.assignsNoVariable && value.assignsNoVariable
        case .indexSet(let object, _, let index, let value):
            object.assignsNoVariable && index.assignsNoVariable && value.assignsNoVariable
        case .list(_, let elements):
            elements.allSatisfy(\.assignsNoVariable)
        case .map(_, let entries):
            entries.allSatisfy { $0.key.assignsNoVariable && $0.value.assignsNoVariable }
        }
    }
}
