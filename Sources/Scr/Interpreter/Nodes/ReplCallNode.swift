/// The `repl()` of `await repl()` in an async function or at the top level: a coroutine that opens a
/// REPL seeing the caller's locals, while the caller waits at that await. If a script has redefined
/// `repl`, this is an ordinary call.
final class ReplCallNode: Expression {
    let runtime: Runtime
    let replCell: Globals.Cell
    let visible: [String: VariableLocation]
    let line: Int

    init(runtime: Runtime, replCell: Globals.Cell, visible: [String: VariableLocation], line: Int) {
        self.runtime = runtime
        self.replCell = replCell
        self.visible = visible
        self.line = line
    }

    override func eval(_ frame: Frame) throws -> Value {
        guard let callee = replCell.pointee else {
            throw ScriptError("Undefined variable 'repl'.", line: line, class: .nameError)
        }
        guard case .native(let native) = callee, native === runtime.replNative else {
            return try runtime.call(callee, [], line: line)
        }
        let scope = OuterScope(frame: frame, locations: visible)
        let runtime = runtime
        return .coroutine(Coroutine(name: "repl") {
            try await runtime.openREPL(scope, line: self.line)
            return .nil
        })
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        []
    }
}
