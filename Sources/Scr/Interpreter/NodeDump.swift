/// The analysed program as text, one statement a line, as clox's debug.c prints bytecode: what
/// `NodeSelection` chose for each shape is visible (`scr --dump-nodes FILE`) and golden tests pin it
/// (`// nodes:` lines). A line is the statement's source line, its indentation, then the node with its
/// fields and children, `Name(field, …)`:
///
///     3   ReturnStatement(SlotNumberBinaryNode(subtract, slot 1, 1))
///
/// Nested statements (the branches of an `if`, a block's statements, the body of a function made by
/// an expression on the line) follow on lines of their own, one level deeper.
struct NodeDump {
    private(set) var lines: [String] = []
    private var depth = 0
    /// Functions the statement being written makes: their bodies follow its line.
    private var functions: [FunctionCode] = []

    /// The dump of a top-level input.
    static func text(of code: FunctionCode) -> String {
        var dump = NodeDump()
        dump.statement(code.body)
        return dump.lines.joined(separator: "\n") + "\n"
    }

    mutating func statement(_ statement: Statement, label: String? = nil) {
        let outerFunctions = functions
        functions = []
        let fields = statement.dumpFields(&self)
        let text = NodeDump.format(statement, fields)
        let indent = String(repeating: "  ", count: depth)
        lines.append("\(String(statement.line).leftPadded(to: 4)) \(indent)\(label.map { $0 + ": " } ?? "")\(text)")
        depth += 1
        for code in functions { function(code) }
        functions = outerFunctions
        for (label, nested) in statement.dumpNested { self.statement(nested, label: label) }
        depth -= 1
    }

    /// An expression's text, `Name(field, …)`.
    mutating func expression(_ expression: Expression) -> String {
        NodeDump.format(expression, expression.dumpFields(&self))
    }

    mutating func expressions(_ list: [Expression]) -> [String] {
        list.map { expression($0) }
    }

    /// Notes a function whose body follows the current statement's line.
    mutating func function(made code: FunctionCode) {
        functions.append(code)
    }

    private mutating func function(_ code: FunctionCode) {
        let header = "\(code.isAsync ? "async " : "")\(code.kind) \(code.name)(arity \(code.arity), slots "
            + "\(code.slotCount), boxes \(code.boxCount), captures \(code.captureSources.count)\(byValue(code))"
            + "\(code.plainArity >= 0 ? ", plain" : code.kind == .initializer && code.isBoxFree ? ", box-free" : ""))"
        lines.append("\(String(code.line).leftPadded(to: 4)) \(String(repeating: "  ", count: depth))\(header)")
        depth += 1
        statement(code.body)
        depth -= 1
    }

    /// How many of a function's captures are by value, when some are (see `Capture`).
    private func byValue(_ code: FunctionCode) -> String {
        let count = code.captureSources.count { if case .slot = $0 { true } else { false } }
        return count == 0 ? "" : " (\(count) by value)"
    }

    /// A node class nested in another node's (`SlotComparisonIfStatement.Less`) is a variant of that
    /// node and goes by its name.
    private static func format(_ node: AnyObject, _ fields: [String]) -> String {
        // The path after the module, past a private type's "(unknown context at …)".
        let path = String(reflecting: type(of: node)).split(separator: ".").dropFirst()
        let name = path.first { !$0.hasPrefix("(") }.map(String.init) ?? String(describing: type(of: node))
        return fields.isEmpty ? name : "\(name)(\(fields.joined(separator: ", ")))"
    }
}

extension VariableLocation: CustomStringConvertible {
    var description: String {
        switch self {
        case .slot(let slot): "slot \(slot)"
        case .box(let index): "box \(index)"
        case .capture(let index): "capture \(index)"
        case .global: "global"
        }
    }
}

extension VariablePlace: CustomStringConvertible {
    var description: String {
        switch self {
        case .slot(let slot): "slot \(slot)"
        case .global(let cell, _): "global \(Globals.name(of: cell))"
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
