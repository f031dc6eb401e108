/// An analysed function: everything needed to make closures of it and to call them.
final class FunctionCode {
    enum Kind {
        case script, function, method, initializer
    }

    /// Where a closure finds each variable it captures, when it is created.
    enum CaptureSource {
        /// A box of the frame that creates the closure.
        case box(Int)
        /// A slot of the frame that creates the closure, whose value is captured (see `Capture`).
        case slot(Int)
        /// A capture of the closure whose frame creates this one.
        case capture(Int)
    }

    /// A local of the function and the lines where it is in scope, kept for the REPL's inspection of
    /// frames (`.tasks ID`, `.enter`, `.pm`): names per slot, once per function, so that keeping them
    /// costs calls nothing.
    struct Variable {
        let name: String
        let location: VariableLocation
        var lines: ClosedRange<Int>
    }

    let name: String
    let kind: Kind
    let isAsync: Bool
    let arity: Int
    let line: Int
    let slotCount: Int
    let boxCount: Int
    /// Parameters that inner functions capture: copied from their slot into a box on entry.
    let boxedParameters: [(slot: Int, box: Int)]
    let captureSources: [CaptureSource]
    let body: Statement
    /// The arity of a plain function, -1 for any other: a synchronous function or method, not an
    /// initializer, with no local that an inner function captures, so a call has no boxes to push,
    /// declare or pop and no receiver to hand back. One comparison tells a call site both that and
    /// the arity (docs/internals.md, "Plain calls").
    let plainArity: Int
    /// No boxes and no boxed parameters: what `plainArity` asks of a function, asked of an
    /// initializer, whose call then leaves the box stack alone too (`Runtime.invoke`'s
    /// `boxFreeInitializer`).
    let isBoxFree: Bool
    /// The function's name and file, for tracebacks.
    let location: CodeLocation
    let variables: [Variable]
    /// The name of each captured variable, by capture index.
    let captureNames: [String]
    private let unretainedBody: Unmanaged<Statement>
    /// The two statements of a body that is a `PairStatement` (`if (n < 2) return n; return …;`),
    /// which `run` runs itself: one call of a node fewer per call (docs/internals.md, "A call's body,
    /// in place").
    private let pair: (first: Unmanaged<Statement>, second: Unmanaged<Statement>)?

    init(name: String, kind: Kind, isAsync: Bool, arity: Int, line: Int, slotCount: Int, boxCount: Int,
         boxedParameters: [(slot: Int, box: Int)], captureSources: [CaptureSource], body: Statement,
         location: CodeLocation, variables: [Variable] = [], captureNames: [String] = []) {
        self.location = location
        self.variables = variables
        self.captureNames = captureNames
        self.name = name
        self.kind = kind
        self.isAsync = isAsync
        self.arity = arity
        self.line = line
        self.slotCount = slotCount
        self.boxCount = boxCount
        self.boxedParameters = boxedParameters
        self.captureSources = captureSources
        self.body = body
        isBoxFree = boxCount == 0 && boxedParameters.isEmpty
        let isPlain = !isAsync && (kind == .function || kind == .method) && isBoxFree
        plainArity = isPlain ? arity : -1
        unretainedBody = Unmanaged.passUnretained(body)
        pair = (body as? PairStatement).map {
            (Unmanaged.passUnretained($0.first), Unmanaged.passUnretained($0.second))
        }
    }

    /// The names code at `line` sees, and where they live: the captures, then the locals in scope
    /// there, an inner declaration hiding an outer one of the same name.
    func visible(at line: Int) -> [(name: String, location: VariableLocation)] {
        var visible: [(name: String, location: VariableLocation)] = []
        var index: [String: Int] = [:]
        func add(_ name: String, _ location: VariableLocation) {
            if let existing = index[name] {
                visible[existing].location = location
            } else {
                index[name] = visible.count
                visible.append((name, location))
            }
        }
        for (capture, name) in captureNames.enumerated() { add(name, .capture(capture)) }
        for variable in variables where variable.lines.contains(line) { add(variable.name, variable.location) }
        return visible
    }

    /// Runs the body in `frame`, without the retain and release that calling through `body` costs
    /// (see `NodeList`); the closure being called keeps its code alive.
    @inline(__always)
    func run(_ frame: Frame) throws -> Value? {
        if let pair {
            if let result = try pair.first._withUnsafeGuaranteedRef({ try $0.execInline(frame) }) { return result }
            return try pair.second._withUnsafeGuaranteedRef { try $0.execInline(frame) }
        }
        return try unretainedBody._withUnsafeGuaranteedRef { try $0.execInline(frame) }
    }
}
