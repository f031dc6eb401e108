/// Where analysis found a variable: a frame slot, a box of the frame (a local some inner function
/// captures), a capture of the running closure, or a global.
enum VariableLocation {
    case slot(Int)
    case box(Int)
    case capture(Int)
    case global(Globals.Cell)

    /// Runs a declaration: a boxed local gets a fresh box each time its declaration runs.
    func declare(_ value: consuming Value, in frame: Frame, _ runtime: Runtime) {
        switch self {
        case .slot(let slot): frame[slot] = value
        case .box(let index): frame.declareBox(index, runtime.track(Box(value)))
        case .capture(let index): frame.assignCaptured(index, value)
        case .global(let cell): Globals.store(value, in: cell)
        }
    }

    /// Assigns a variable whose declaration has run.
    func assign(_ value: consuming Value, in frame: Frame) {
        switch self {
        case .slot(let slot): frame[slot] = value
        case .box(let index): frame.box(index).value = value
        case .capture(let index): frame.assignCaptured(index, value)
        case .global(let cell): Globals.store(value, in: cell)
        }
    }

    /// Whether the variable is a local of the running function, in a slot or a box.
    var isLocal: Bool {
        switch self {
        case .slot, .box: true
        case .capture, .global: false
        }
    }

    func read(_ frame: Frame) -> Value? {
        switch self {
        case .slot(let slot): frame[slot]
        case .box(let index): frame.box(index).value
        case .capture(let index): frame.captured(index)
        case .global(let cell): cell.pointee
        }
    }
}

final class ConstantNode: Expression {
    let value: Value
    init(_ value: Value) { self.value = value }
    override func eval(_ frame: Frame) throws -> Value { value }

    var number: Double? {
        if case .number(let number) = value { return number }
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [value.repr]
    }
}

final class SlotGetNode: Expression {
    let slot: Int
    init(_ slot: Int) {
        self.slot = slot
        super.init(inlineShape: .slot(slot))
    }
    override func eval(_ frame: Frame) throws -> Value { frame.read(slot) }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["slot \(slot)"]
    }
}

final class BoxGetNode: Expression {
    let index: Int
    init(_ index: Int) { self.index = index }
    override func eval(_ frame: Frame) throws -> Value { frame.box(index).value }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["box \(index)"]
    }
}

final class CaptureGetNode: Expression {
    let index: Int
    init(_ index: Int) { self.index = index }
    override func eval(_ frame: Frame) throws -> Value { frame.captured(index) }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["capture \(index)"]
    }
}

final class GlobalGetNode: Expression {
    let cell: Globals.Cell
    let name: Token

    init(cell: Globals.Cell, name: Token) {
        self.cell = cell
        self.name = name
    }

    override func eval(_ frame: Frame) throws -> Value {
        if let value = cell.pointee { return value }
        throw ScriptError.undefinedVariable(name)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [name.lexeme]
    }
}

/// AssignmentNode to any variable: `name = value`, whose value is the expression's value.
class AssignmentNode: Expression {
    let value: Expression
    /// The value, when it is `await object.name(…)`, runs in this node's frame.
    private let awaitedValue: AwaitedChild

    init(value: Expression) {
        self.value = value
        awaitedValue = AwaitedChild(value)
        super.init(suspends: value.suspends)
    }

    final override func eval(_ frame: Frame) throws -> Value {
        let value = try value.eval(frame)
        try store(value, frame)
        return value
    }

    /// Runs the assignment as a statement: the value is stored, not copied to be returned as well.
    final func assign(_ frame: Frame) throws {
        try store(value.eval(frame), frame)
    }

    final override func evalAsync(_ frame: Frame) async throws -> Value {
        let value = try await awaitedValue.value(frame)
        try store(value, frame)
        return value
    }

    func store(_ value: consuming Value, _ frame: Frame) throws {
        fatalError("abstract")
    }
}

final class SlotSetNode: AssignmentNode {
    let slot: Int
    init(_ slot: Int, value: Expression) {
        self.slot = slot
        super.init(value: value)
    }
    override func store(_ value: consuming Value, _ frame: Frame) throws { frame[slot] = value }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["slot \(slot)", dump.expression(value)]
    }
}

final class BoxSetNode: AssignmentNode {
    let index: Int
    init(_ index: Int, value: Expression) {
        self.index = index
        super.init(value: value)
    }
    override func store(_ value: consuming Value, _ frame: Frame) throws { frame.box(index).value = value }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["box \(index)", dump.expression(value)]
    }
}

final class CaptureSetNode: AssignmentNode {
    let index: Int
    init(_ index: Int, value: Expression) {
        self.index = index
        super.init(value: value)
    }
    override func store(_ value: consuming Value, _ frame: Frame) throws { frame.assignCaptured(index, value) }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["capture \(index)", dump.expression(value)]
    }
}

final class GlobalSetNode: AssignmentNode {
    let cell: Globals.Cell
    let name: Token

    init(cell: Globals.Cell, name: Token, value: Expression) {
        self.cell = cell
        self.name = name
        super.init(value: value)
    }

    override func store(_ value: consuming Value, _ frame: Frame) throws {
        guard cell.pointee != nil else {
            throw ScriptError.undefinedVariable(name)
        }
        Globals.store(value, in: cell)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [name.lexeme, dump.expression(value)]
    }
}

/// `var name = initializer;` (and the implicit declarations of functions and classes).
final class DeclarationStatement: Statement {
    let runtime: Runtime
    let name: String
    let location: VariableLocation
    let initializer: Expression?
    /// The initializer, when it is `await object.name(…)`, runs in this statement's frame.
    private let awaitedInitializer: AwaitedChild?

    init(runtime: Runtime, _ name: String, _ location: VariableLocation, initializer: Expression?, line: Int) {
        self.runtime = runtime
        self.name = name
        self.location = location
        self.initializer = initializer
        awaitedInitializer = initializer.map(AwaitedChild.init)
        super.init(line: line, suspends: initializer?.suspends ?? false)
    }

    // A local exists, holding nil, before its initializer runs: a boxed one so that a local function
    // can capture itself for recursion, one in a slot so that what the slot held (the variable's value
    // in the loop's last turn) is released first (docs/internals.md, "A local dies when it is declared
    // again"). A global must stay undefined while its initializer runs: `var a = a;`.
    override func exec(_ frame: Frame) throws -> Value? {
        guard location.isLocal, let initializer else {
            location.declare(try initializer?.eval(frame) ?? .nil, in: frame, runtime)
            return nil
        }
        location.declare(.nil, in: frame, runtime)
        location.assign(try initializer.eval(frame), in: frame)
        return nil
    }

    // As `exec`, with the initializer's value awaited in one place (`AwaitedChild.value` is inlined).
    override func execAsync(_ frame: Frame) async throws -> Value? {
        guard let awaitedInitializer else {
            location.declare(.nil, in: frame, runtime)
            return nil
        }
        if location.isLocal { location.declare(.nil, in: frame, runtime) }
        let value = try await awaitedInitializer.value(frame)
        if location.isLocal {
            location.assign(value, in: frame)
        } else {
            location.declare(value, in: frame, runtime)
        }
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [name, "\(location)"] + (initializer.map { [dump.expression($0)] } ?? [])
    }
}

/// `var name = initializer;` for a local in a slot, the commonest declaration (every `var` in a loop
/// body), when the initializer cannot assign the variable: the value goes straight into the slot, as
/// `DeclarationStatement` puts it there through its location's switch (closures −5% instructions).
final class SlotDeclarationStatement: Statement {
    let name: String
    let slot: Int
    let initializer: Expression

    init(_ name: String, slot: Int, initializer: Expression, line: Int) {
        self.name = name
        self.slot = slot
        self.initializer = initializer
        super.init(line: line, suspends: initializer.suspends)
    }

    // The slot's old value is released before the initializer runs, as `DeclarationStatement` does;
    // chosen only for an initializer that cannot assign the variable, so the slot still holds nil when
    // the value arrives, and there is nothing to release then.
    override func exec(_ frame: Frame) throws -> Value? {
        frame.empty(slot)
        frame.fill(slot, with: try initializer.eval(frame))
        return nil
    }

    // A REPL entered on a suspended task (`.enter ID`) may assign the slot: stored by assignment.
    override func execAsync(_ frame: Frame) async throws -> Value? {
        frame.empty(slot)
        frame[slot] = try await initializer.value(frame)
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        [name, "slot \(slot)", dump.expression(initializer)]
    }
}

/// Reads a local of the function a REPL was opened in.
final class OuterGetNode: Expression {
    let scope: OuterScope
    let location: VariableLocation

    init(scope: OuterScope, location: VariableLocation) {
        self.scope = scope
        self.location = location
    }

    override func eval(_ frame: Frame) throws -> Value {
        location.read(scope.frame) ?? .nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["outer \(location)"]
    }
}

/// Assigns a local of the function a REPL was opened in.
final class OuterSetNode: AssignmentNode {
    let scope: OuterScope
    let location: VariableLocation

    init(scope: OuterScope, location: VariableLocation, value: Expression) {
        self.scope = scope
        self.location = location
        super.init(value: value)
    }

    override func store(_ value: consuming Value, _ frame: Frame) throws {
        location.assign(value, in: scope.frame)
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["outer \(location)", dump.expression(value)]
    }
}
