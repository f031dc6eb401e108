/// What analysis tracks for one function (or top-level input) while it resolves the body: the block
/// scopes with their locals, the frame layout, and what the function captures from outside.
final class FunctionScope {
    struct Local {
        let location: VariableLocation
        var isDefined: Bool
    }

    let enclosing: FunctionScope?
    /// The function's name and file, which its code and the nodes that report a place share.
    let location: CodeLocation
    let kind: FunctionCode.Kind
    let isAsync: Bool
    /// Names used inside functions nested in this one: a local with such a name is boxed, so closures
    /// can share it. (A superset of what is really captured, and cheap to compute.)
    private let namesUsedByInnerFunctions: Set<String>
    /// Every local in a box, as jlox's environments hold every variable: the generic representation
    /// (see `NodeSelection`).
    private let boxesEveryLocal: Bool
    /// Names that some assignment in the function, or in a function nested in it, has for target
    /// (a superset, by name); computed only where parameters may be captured by value.
    private let assignedNames: Set<String>
    /// Whether any parameter can be captured by value (`capturesByValue`).
    private let capturesByValueAllowed: Bool
    /// The slots of parameters (and the receiver) that inner functions capture by value.
    private var slotsCapturedByValue = Set<Int>()

    private var blocks: [[String: Local]] = []
    /// How many loops enclose the code being analysed, in this function: `break` and `continue`
    /// need one.
    var loopDepth = 0
    /// How many `try` statements with a `finally` enclose the code being analysed, in this function:
    /// code of the frame runs after a `return` in one (the `finally`), which may read its locals.
    var finallyDepth = 0
    private var nextSlot = 1  // Slot 0 holds the receiver of a method.
    private var nextBox = 0
    private(set) var slotCount = 1
    private(set) var boxCount = 0
    private(set) var captureSources: [FunctionCode.CaptureSource] = []
    private var captureIndex: [String: Int] = [:]
    /// Every local declared so far, with the lines of its scope: what the REPL shows of a frame.
    private(set) var variables: [FunctionCode.Variable] = []
    /// Where each open block's declarations start in `variables`.
    private var blockStarts: [Int] = []

    /// A scope for a function whose body is `body`; `innerNames` finds what its nested functions use,
    /// and is nil when every local is boxed anyway.
    init(enclosing: FunctionScope?, kind: FunctionCode.Kind, isAsync: Bool, body: [Stmt], innerNames: InnerNames?,
         location: CodeLocation) {
        self.location = location
        self.enclosing = enclosing
        self.kind = kind
        self.isAsync = isAsync
        boxesEveryLocal = innerNames == nil
        let usedByInnerFunctions = innerNames?.usedByFunctions(in: body) ?? []
        namesUsedByInnerFunctions = usedByInnerFunctions
        // On the generic nodes (no `innerNames`) nothing is used by inner functions: all boxed.
        capturesByValueAllowed = kind != .script && !isAsync && !usedByInnerFunctions.isEmpty
            && !usedByInnerFunctions.contains(InnerNames.everything)
        assignedNames = capturesByValueAllowed ? innerNames?.assigned(in: body) ?? [] : []
    }

    /// Whether inner functions capture the parameter (or receiver) `name` by value instead of in a
    /// box: the function is synchronous, so no REPL can open on its frame while it is suspended (an
    /// `await repl()` in an inner function makes every local boxed), and no assignment anywhere in
    /// it names the variable, so the value a closure copies when it is made is the variable's value
    /// for good. A call then makes no box (closures −20% instructions; docs/internals.md, "Captures
    /// by value").
    private func capturesByValue(_ name: String) -> Bool {
        capturesByValueAllowed && !assignedNames.contains(name)
    }

    /// Whether a local named `name` lives in a box.
    private func isBoxed(_ name: String) -> Bool {
        boxesEveryLocal || namesUsedByInnerFunctions.contains(name)
            || namesUsedByInnerFunctions.contains(InnerNames.everything)
    }

    /// Top-level code outside any block declares globals.
    var isGlobalScope: Bool { kind == .script && blocks.isEmpty }

    func beginBlock() {
        blocks.append([:])
        blockStarts.append(variables.count)
    }

    /// Ends a block whose code ends at `line`; its slots and boxes are reused by the next sibling block.
    func endBlock(line: Int) {
        for index in blockStarts.removeLast()..<variables.count where variables[index].lines.upperBound == .max {
            variables[index].lines = variables[index].lines.lowerBound...max(line, variables[index].lines.lowerBound)
        }
        let block = blocks.removeLast()
        for local in block.values {
            switch local.location {
            case .slot(let slot): nextSlot = min(nextSlot, slot)
            case .box(let index): nextBox = min(nextBox, index)
            default: break
            }
        }
    }

    /// Declares `name` in the innermost block; nil if it is already declared there.
    func declare(_ name: String, line: Int) -> VariableLocation? {
        guard blocks[blocks.count - 1][name] == nil else { return nil }
        let location: VariableLocation
        if isBoxed(name) {
            location = newBox()
        } else {
            location = .slot(nextSlot)
            nextSlot += 1
            slotCount = max(slotCount, nextSlot)
        }
        blocks[blocks.count - 1][name] = Local(location: location, isDefined: false)
        variables.append(FunctionCode.Variable(name: name, location: location, lines: line...Int.max))
        return location
    }

    /// Declares parameter number `slot` (from 1): its argument arrives in that slot, where the caller
    /// put it, whether or not inner functions capture it. A captured parameter is copied from there into
    /// a box on entry (`FunctionCode.boxedParameters`), and its slot stays reserved, so that the next
    /// parameter's slot is still the one its argument arrives in.
    func declareParameter(_ name: String, slot: Int, line: Int) -> VariableLocation? {
        nextSlot = max(nextSlot, slot + 1)
        slotCount = max(slotCount, nextSlot)
        guard blocks[blocks.count - 1][name] == nil else { return nil }
        let location: VariableLocation
        if !isBoxed(name) {
            location = .slot(slot)
        } else if capturesByValue(name) {
            location = .slot(slot)
            slotsCapturedByValue.insert(slot)
        } else {
            location = newBox()
        }
        blocks[blocks.count - 1][name] = Local(location: location, isDefined: true)
        variables.append(FunctionCode.Variable(name: name, location: location, lines: line...Int.max))
        return location
    }

    /// Declares the receiver (`this`) of a method: always slot 0, boxed too if inner functions use it.
    func declareReceiver(line: Int) -> VariableLocation {
        let location: VariableLocation
        if !isBoxed("this") {
            location = .slot(0)
        } else if capturesByValue("this") {
            location = .slot(0)
            slotsCapturedByValue.insert(0)
        } else {
            location = newBox()
        }
        blocks[blocks.count - 1]["this"] = Local(location: location, isDefined: true)
        variables.append(FunctionCode.Variable(name: "this", location: location, lines: line...Int.max))
        return location
    }

    /// The names of what the function captures, by capture index.
    var captureNames: [String] {
        var names = Array(repeating: "", count: captureSources.count)
        for (name, index) in captureIndex { names[index] = name }
        return names
    }

    private func newBox() -> VariableLocation {
        nextBox += 1
        boxCount = max(boxCount, nextBox)
        return .box(nextBox - 1)
    }

    func define(_ name: String) {
        blocks[blocks.count - 1][name]?.isDefined = true
    }

    /// True when `name` is declared but not yet defined in the innermost block.
    func isBeingInitialized(_ name: String) -> Bool {
        blocks.last?[name].map { !$0.isDefined } ?? false
    }

    /// Every local visible here and every variable of the enclosing functions, innermost first: what a
    /// REPL opened at this point (`await repl()`) can see. The enclosing functions' locals are
    /// captured for it — they are all boxed, for `InnerNames` reports such a function as using
    /// every name — including those the function itself never names.
    func captureEverythingVisible() -> [String: VariableLocation] {
        var seen = Set<String>()
        var outer = enclosing
        while let scope = outer {
            for block in scope.blocks.reversed() {
                for (name, local) in block where seen.insert(name).inserted {
                    // A variable being initialized has no box yet: the name stays unseen.
                    if local.isDefined, lookUpLocal(name) == nil { _ = capture(name) }
                }
            }
            outer = scope.enclosing
        }
        var visible: [String: VariableLocation] = [:]
        for (name, index) in captureIndex { visible[name] = .capture(index) }
        for block in blocks {
            for (name, local) in block where local.isDefined { visible[name] = local.location }
        }
        return visible
    }

    private func lookUpLocal(_ name: String) -> Local? {
        for block in blocks.reversed() {
            if let local = block[name] { return local }
        }
        return nil
    }

    /// Finds `name` among this function's locals, then among the enclosing functions' (capturing it).
    func resolve(_ name: String) -> VariableLocation? {
        for block in blocks.reversed() {
            if let local = block[name] { return local.location }
        }
        return capture(name)
    }

    private func capture(_ name: String) -> VariableLocation? {
        if let index = captureIndex[name] { return .capture(index) }
        guard let enclosing, let outer = enclosing.resolve(name) else { return nil }
        let source: FunctionCode.CaptureSource
        switch outer {
        case .box(let index): source = .box(index)
        case .capture(let index): source = .capture(index)
        case .slot(let slot):
            precondition(enclosing.slotsCapturedByValue.contains(slot),
                         "a local used by an inner function is boxed or captured by value")
            source = .slot(slot)
        case .global:
            preconditionFailure("a global is not captured")
        }
        captureSources.append(source)
        captureIndex[name] = captureSources.count - 1
        return .capture(captureSources.count - 1)
    }
}
