/// An analysed function: everything needed to make closures of it and to call them.
final class FunctionCode {
    enum Kind {
        case script, function, method, initializer
    }

    /// Where a closure finds each variable it captures, when it is created.
    enum CaptureSource {
        /// A box of the frame that creates the closure.
        case box(Int)
        /// A capture of the closure whose frame creates this one.
        case capture(Int)
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
    /// The function's name and file, for tracebacks.
    let location: CodeLocation
    private let unretainedBody: Unmanaged<Statement>

    init(name: String, kind: Kind, isAsync: Bool, arity: Int, line: Int, slotCount: Int, boxCount: Int,
         boxedParameters: [(slot: Int, box: Int)], captureSources: [CaptureSource], body: Statement,
         location: CodeLocation) {
        self.location = location
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
        unretainedBody = Unmanaged.passUnretained(body)
    }

    /// Runs the body in `frame`, without the retain and release that calling through `body` costs
    /// (see `NodeList`); the closure being called keeps its code alive.
    @inline(__always)
    func run(_ frame: Frame) throws -> Value? {
        try unretainedBody._withUnsafeGuaranteedRef { try $0.exec(frame) }
    }
}
