/// Generates random, valid, terminating scr programs for differential testing (`DifferentialTests`,
/// `fuzz/diff`): each program runs on the specialised nodes and on the generic ones, which must agree
/// on stdout, stderr and the exit status.
///
/// The programs are built to reach the shapes the fast paths specialise — operands that are slots,
/// boxes, captures and globals; property reads, writes and method calls on locals, globals, `this` and
/// other expressions; parameters captured by closures, read and assigned; chains, comparisons with
/// nil, blocks of one, two and more statements — inside functions, methods, initializers and async
/// functions. Every variable is declared before use and keeps a type (number, string, instance,
/// list, function), so most operations succeed; now and then one is deliberately ill-typed, so that
/// runtime errors (and their lines) are compared too. Loops have small fixed bounds and functions
/// only call functions declared before them, so every program ends.
struct ProgramGenerator {
    enum Kind: Equatable {
        case number, string, instance(Int), list, function(Int)
    }

    struct Variable {
        let name: String
        let kind: Kind
        /// Loop counters are not assigned (every loop must end), nor are functions and classes.
        var isAssignable = true
    }

    struct ClassInfo {
        let name: String
        let fields: [String]
        /// Method names with their arities; every method returns a number.
        var methods: [(name: String, arity: Int)]
        let superclass: Int?
    }

    struct FunctionInfo {
        let name: String
        let arity: Int
        let isAsync: Bool
    }

    private var random: SplitMix64
    private var output: [String] = []
    private var indent = 0
    /// Visible variables, innermost scope last.
    private var scopes: [[Variable]] = [[]]
    private var classes: [ClassInfo] = []
    private var functions: [FunctionInfo] = []
    private var counter = 0
    /// Nesting of the code being generated: statements, expressions.
    private var depth = 0
    private var inClass: Int?
    /// The class whose methods (or initializer) are being generated.
    private var inMethodOf: Int?
    private var inAsync = true
    private var inFunction = false
    /// The loops around the statement being generated, innermost last: whether `continue` is safe
    /// in each (in a `while`, the counter's increment is the body's last statement, which `continue`
    /// would skip; a `for` runs its increment and a `for-in` its next element).
    private var loops: [Bool] = []

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    static func program(seed: UInt64) -> String {
        var generator = ProgramGenerator(seed: seed)
        return generator.program()
    }

    // MARK: Program

    mutating func program() -> String {
        for _ in 0..<int(2...4) { globalVariable() }
        for _ in 0..<int(1...3) { classDeclaration() }
        for _ in 0..<int(2...5) { functionDeclaration() }
        for _ in 0..<int(3...8) { statement() }
        for function in functions { line("print \(call(function));") }
        return output.joined(separator: "\n") + "\n"
    }

    private mutating func globalVariable() {
        let name = fresh("g")
        let kind = randomKind()
        line("var \(name) = \(expression(kind));")
        declare(name, kind)
    }

    private mutating func classDeclaration() {
        let index = classes.count
        let name = fresh("C")
        let superclass = classes.isEmpty || chance(0.5) ? nil : int(0...(classes.count - 1))
        let fields = (0..<int(1...4)).map { "f\($0)" }
        let own = (0..<int(1...3)).map { (name: "m\($0)", arity: int(0...2)) }
        var info = ClassInfo(name: name, fields: fields, methods: own, superclass: superclass)
        if let superclass {
            info.methods += classes[superclass].methods.filter { method in !own.contains { $0.name == method.name } }
        }
        classes.append(info)
        inMethodOf = index
        defer { inMethodOf = nil }
        line("class \(name)\(superclass.map { " < " + classes[$0].name } ?? "") {")
        indent += 1
        let initArity = min(2, fields.count)
        let initParameters = (0..<initArity).map { "p\($0)" }
        // The initializer's expressions do not read `this`: its fields are not all set yet.
        withFunction(parameters: initParameters.map { Variable(name: $0, kind: .number) }, isAsync: false,
                     inClass: nil) { g in
            g.line("init(\(initParameters.joined(separator: ", "))) {")
            g.indent += 1
            if let superclass, g.chance(0.5) {
                let arity = min(2, g.classes[superclass].fields.count)
                g.line("super.init(\((0..<arity).map { _ in g.expression(.number) }.joined(separator: ", ")));")
            }
            for (i, field) in fields.enumerated() {
                let value = i < initArity ? "p\(i)" : g.expression(.number)
                g.line("this.\(field) = \(value);")
            }
            if g.chance(0.3) { g.closureOverParameters() }
            g.indent -= 1
            g.line("}")
        }
        for method in own {
            let parameters = (0..<method.arity).map { Variable(name: "a\($0)", kind: .number) }
            withFunction(parameters: parameters, isAsync: false, inClass: index) { g in
                g.line("\(method.name)(\(parameters.map(\.name).joined(separator: ", "))) {")
                g.indent += 1
                if let superclass,
                   g.classes[superclass].methods.contains(where: { $0.name == method.name && $0.arity == method.arity }),
                   g.chance(0.4) {
                    g.line("var s = super.\(method.name)(\(parameters.map(\.name).joined(separator: ", ")));")
                    g.declare("s", .number)
                }
                g.body(statements: g.int(0...3))
                g.line("return \(g.expression(.number));")
                g.indent -= 1
                g.line("}")
            }
        }
        indent -= 1
        line("}")
        scopes[0].append(Variable(name: name, kind: .function(initArity), isAssignable: false))
    }

    private mutating func functionDeclaration() {
        let name = fresh("fn")
        let arity = int(0...5)
        let isAsync = chance(0.25)
        let parameters = (0..<arity).map { _ in Variable(name: fresh("p"), kind: chance(0.8) ? .number : randomKind()) }
        withFunction(parameters: parameters, isAsync: isAsync, inClass: nil) { g in
            g.line("\(isAsync ? "async " : "")fun \(name)(\(parameters.map(\.name).joined(separator: ", "))) {")
            g.indent += 1
            if isAsync && g.chance(0.5) { g.line("await sleep(0);") }
            if g.chance(0.5) { g.closureOverParameters() }
            g.body(statements: g.int(1...5))
            g.line("return \(g.expression(.number));")
            g.indent -= 1
            g.line("}")
        }
        functions.append(FunctionInfo(name: name, arity: arity, isAsync: isAsync))
    }

    /// A nested function that captures some of the enclosing function's variables, reads and assigns
    /// them, and is called (the shape of issue 14's crash).
    private mutating func closureOverParameters() {
        let name = fresh("inner")
        let outer = scopes.flatMap { $0 }.filter { $0.kind == .number && !$0.name.hasPrefix("g") }
        guard !outer.isEmpty else { return }
        let captured = outer.filter { _ in chance(0.6) }
        withFunction(parameters: [], isAsync: false, inClass: inClass) { g in
            g.line("fun \(name)() {")
            g.indent += 1
            for variable in captured {
                if g.chance(0.5) { g.line("\(variable.name) = \(variable.name) + \(g.int(1...9));") }
                g.line("print \(variable.name);")
            }
            // In a method, the closure captures `this` too.
            let this = g.inClass.map { ["this.\(g.classes[$0].fields[0])"] } ?? []
            let terms = captured.map(\.name) + this
            g.line("return \(terms.isEmpty ? "0" : terms.joined(separator: " + "));")
            g.indent -= 1
            g.line("}")
        }
        scopes[scopes.count - 1].append(Variable(name: name, kind: .function(0), isAssignable: false))
        if chance(0.8) { line("print \(name)();") }
        for variable in outer.prefix(3) { line("print \(variable.name);") }
    }

    private mutating func withFunction(parameters: [Variable], isAsync: Bool, inClass: Int?,
                                       _ body: (inout ProgramGenerator) -> Void) {
        let saved = (scopes, self.inClass, inAsync, inFunction, loops)
        scopes.append(parameters)
        self.inClass = inClass
        inAsync = isAsync
        inFunction = true
        loops = []
        body(&self)
        (scopes, self.inClass, inAsync, inFunction, loops) = saved
    }

    // MARK: Statements

    private mutating func body(statements count: Int) {
        for _ in 0..<count { statement() }
    }

    private mutating func statement() {
        depth += 1
        defer { depth -= 1 }
        let choice = depth > 3 ? int(0...3) : int(0...16)
        switch choice {
        case 0, 1:
            let name = fresh("v")
            let kind = randomKind()
            line("var \(name) = \(expression(kind));")
            declare(name, kind)
        case 2:
            line("print \(expression(randomKind()));")
        case 3:
            if let variable = anyVariable(where: \.isAssignable) {
                // A string is assigned a literal: `s = s + s` in a function called in a loop would
                // grow it exponentially (seed 1796230322 asked for 27 GB).
                let value = variable.kind == .string ? stringExpression(shallow: true, literal: true) : expression(variable.kind)
                line("\(variable.name) = \(value);")
            } else {
                line("print \(expression(.number));")
            }
        case 4:
            line("if (\(condition())) {")
            block(int(1...3))
            if chance(0.5) {
                line("} else {")
                block(int(0...2))
            }
            line("}")
        case 5:
            let name = fresh("i")
            line("for (var \(name) = 0; \(name) < \(int(0...4)); \(name) = \(name) + 1) {")
            scopes.append([Variable(name: name, kind: .number, isAssignable: false)])
            loop(continueIsSafe: true) { $0.block($0.int(1...3)) }
            scopes.removeLast()
            line("}")
        case 6:
            let name = fresh("w")
            line("var \(name) = 0;")
            scopes[scopes.count - 1].append(Variable(name: name, kind: .number, isAssignable: false))
            line("while (\(name) < \(int(1...3))) {")
            loop(continueIsSafe: false) { $0.block($0.int(0...2)) }
            line("  \(name) = \(name) + 1;")
            line("}")
        case 7:
            if inFunction { closureOverParameters() } else { line("print \(expression(.string));") }
        case 8:
            if let (object, index) = instanceExpression() {
                let field = classes[index].fields.randomElement(using: &random)!
                line("\(object).\(field) = \(expression(.number));")
            }
        case 9:
            line("try {")
            if chance(0.5) { line("  throw \(expression(randomKind()));") } else { block(1) }
            line("} catch (e) {")
            line("  print e;")
            if chance(0.5) {
                line("} finally {")
                line("  print \"finally\";")
            }
            line("}")
        case 10:
            let name = fresh("x")
            line("for (var \(name) in [\((0..<int(0...3)).map { _ in expression(.number) }.joined(separator: ", "))]) {")
            scopes.append([Variable(name: name, kind: .number)])
            loop(continueIsSafe: true) { $0.block($0.int(1...2)) }
            scopes.removeLast()
            line("}")
        case 11:
            if let list = variable(of: .list), chance(0.5) {
                line("if (len(\(list)) > 0) \(list)[0] = \(numberExpression(shallow: true));")
            } else {
                line("{")
                block(int(1...3))
                line("}")
            }
        case 12:
            if let (object, index) = instanceExpression(forCall: true),
               let method = classes[index].methods.randomElement(using: &random) {
                line("print \(object).\(method.name)(\(arguments(method.arity)));")
            }
        case 14:
            // Leaving a loop early, under a condition so that the rest of the body is reached too.
            if let continueIsSafe = loops.last {
                let jump = continueIsSafe && chance(0.5) ? "continue" : "break"
                line("if (\(condition())) \(jump);")
            } else {
                line("print \(expression(.number));")
            }
        case 15:
            functionExpression()
        default:
            if let function = functions.randomElement(using: &random), !function.isAsync || inAsync {
                line("print \(call(function));")
            }
        }
    }

    private mutating func loop(continueIsSafe: Bool, _ body: (inout ProgramGenerator) -> Void) {
        loops.append(continueIsSafe)
        body(&self)
        loops.removeLast()
    }

    /// A function expression that closes over the variables around it, bound to a name that
    /// `numberExpression` calls (both forms: `=>` and a block body).
    private mutating func functionExpression() {
        let name = fresh("inner")
        withFunction(parameters: [], isAsync: false, inClass: inClass) { g in
            if g.chance(0.5) {
                g.line("var \(name) = fun () => \(g.numberExpression(shallow: false));")
            } else {
                g.line("var \(name) = fun () {")
                g.indent += 1
                g.body(statements: g.int(0...2))
                g.line("return \(g.numberExpression(shallow: false));")
                g.indent -= 1
                g.line("};")
            }
        }
        scopes[scopes.count - 1].append(Variable(name: name, kind: .function(0), isAssignable: false))
        if chance(0.7) { line("print \(name)();") }
    }

    private mutating func block(_ count: Int) {
        indent += 1
        scopes.append([])
        body(statements: count)
        scopes.removeLast()
        indent -= 1
    }

    // MARK: Expressions

    private mutating func expression(_ kind: Kind) -> String {
        depth += 1
        defer { depth -= 1 }
        // Now and then, a value of the wrong kind: the runtime error must be the same on both paths.
        if chance(0.002) { return ["nil", "\"oops\"", "true", "[]"].randomElement(using: &random)! }
        let shallow = depth > 4
        switch kind {
        case .number: return numberExpression(shallow: shallow)
        case .string: return stringExpression(shallow: shallow)
        case .list: return "[\((0..<int(0...3)).map { _ in numberExpression(shallow: true) }.joined(separator: ", "))]"
        case .instance(let index): return newInstance(index)
        case .function:
            // Function values are never assigned (`Variable.isAssignable`): `clock`, the one native
            // that takes no argument, would make the output differ from run to run.
            preconditionFailure("no expression of a function kind is generated")
        }
    }

    private mutating func numberExpression(shallow: Bool) -> String {
        let choice = shallow ? int(0...2) : int(0...15)
        switch choice {
        case 0: return chance(0.8) ? "\(int(0...20))" : "\(int(0...99)).\(int(1...9))"
        case 1, 2: return variable(of: .number) ?? "\(int(0...9))"
        case 3, 4:
            let ops = ["+", "-", "*", "+", "-", "%"]
            return "\(numberExpression(shallow: true)) \(ops.randomElement(using: &random)!) \(numberExpression(shallow: chance(0.5)))"
        case 5:
            // A chain of one precedence.
            let terms = (0..<int(3...5)).map { _ in numberExpression(shallow: true) }
            return terms.joined(separator: chance(0.5) ? " + " : " - ")
        case 6: return "(\(numberExpression(shallow: false)))"
        case 7: return "-\(numberExpression(shallow: true))"
        case 8:
            if let function = functions.randomElement(using: &random), !function.isAsync || inAsync { return call(function) }
            return "\(int(0...9))"
        case 9:
            if let (object, index) = instanceExpression() {
                return "\(object).\(classes[index].fields.randomElement(using: &random)!)"
            }
            return "\(int(0...9))"
        case 10:
            if let (object, index) = instanceExpression(forCall: true),
               let method = classes[index].methods.randomElement(using: &random) {
                return "\(object).\(method.name)(\(arguments(method.arity)))"
            }
            return "\(int(0...9))"
        case 11:
            if let list = variable(of: .list) { return "len(\(list))" }
            return "\(int(0...9))"
        case 12:
            if inClass != nil { return "this.\(classes[inClass!].fields.randomElement(using: &random)!)" }
            return variable(of: .number) ?? "1"
        case 13:
            if let closure = anyVariable(where: { $0.kind == .function(0) && $0.name.hasPrefix("inner") }) {
                return "\(closure.name)()"
            }
            return "2"
        case 14:
            // An element of a list or a map literal, always there.
            let elements = (0..<int(1...3)).map { _ in numberExpression(shallow: true) }
            if chance(0.5) { return "[\(elements.joined(separator: ", "))][\(int(0...(elements.count - 1)))]" }
            let entries = elements.indices.map { "\"k\($0)\": \(elements[$0])" }
            return "{\(entries.joined(separator: ", "))}[\"k\(int(0...(elements.count - 1)))\"]"
        default:
            return "\(numberExpression(shallow: true)) * \(int(1...3))"
        }
    }

    private mutating func stringExpression(shallow: Bool, literal: Bool = false) -> String {
        switch literal ? 0 : shallow ? int(0...1) : int(0...5) {
        case 0: return "\"\(["a", "b", "hello", "", "x y"].randomElement(using: &random)!)\""
        case 1: return variable(of: .string) ?? "\"s\""
        case 2: return "\(stringExpression(shallow: true)) + \(stringExpression(shallow: true))"
        case 3: return "str(\(numberExpression(shallow: true)))"
        case 4: return "\"<${\(numberExpression(shallow: true))}|${\(stringExpression(shallow: true))}>\""
        default: return "\(stringExpression(shallow: true)) + \(stringExpression(shallow: true)) + \(stringExpression(shallow: true))"
        }
    }

    private mutating func condition() -> String {
        switch int(0...7) {
        case 0: return "\(numberExpression(shallow: true)) < \(numberExpression(shallow: true))"
        case 1: return "\(numberExpression(shallow: true)) == \(numberExpression(shallow: true))"
        case 2: return "\(expression(randomKind())) != nil"
        case 3: return "\(expression(randomKind())) == nil"
        case 4: return "\(condition()) and \(condition())"
        case 5: return "!(\(condition()))"
        case 6: return "\(stringExpression(shallow: true)) < \(stringExpression(shallow: true))"
        default: return "\(stringExpression(shallow: true)) == \(stringExpression(shallow: true))"
        }
    }

    private mutating func newInstance(_ index: Int) -> String {
        let arity = min(2, classes[index].fields.count)
        return "\(classes[index].name)(\(arguments(arity)))"
    }

    /// An expression whose value is an instance, and its class. In a method of class K, only
    /// instances of classes declared before K, whose methods cannot call K's: no recursion.
    private mutating func instanceExpression(forCall: Bool = false) -> (String, Int)? {
        let limit = inMethodOf ?? classes.count
        if let inClass, !forCall && chance(0.3) { return ("this", inClass) }
        let instances = scopes.flatMap { $0 }.compactMap { variable -> (String, Int)? in
            if case .instance(let index) = variable.kind, index < limit { return (variable.name, index) }
            return nil
        }
        if let pick = instances.randomElement(using: &random), chance(0.8) { return pick }
        guard limit > 0 else { return nil }
        let index = int(0...(limit - 1))
        return (newInstance(index), index)
    }

    private mutating func call(_ function: FunctionInfo) -> String {
        let call = "\(function.name)(\(arguments(function.arity)))"
        return function.isAsync ? "(await \(call))" : call
    }

    private mutating func arguments(_ count: Int) -> String {
        (0..<count).map { _ in numberExpression(shallow: true) }.joined(separator: ", ")
    }

    // MARK: Variables

    private mutating func randomKind() -> Kind {
        switch int(0...9) {
        case 0...5: return .number
        case 6, 7: return .string
        case 8: return .list
        default:
            // In a method of class K, instances of classes before K only (see instanceExpression).
            let limit = inMethodOf ?? classes.count
            return limit == 0 ? .number : .instance(int(0...(limit - 1)))
        }
    }

    private mutating func variable(of kind: Kind) -> String? {
        anyVariable(where: { $0.kind == kind })?.name
    }

    private mutating func anyVariable(where predicate: (Variable) -> Bool) -> Variable? {
        scopes.flatMap { $0 }.filter(predicate).randomElement(using: &random)
    }

    private mutating func declare(_ name: String, _ kind: Kind) {
        scopes[scopes.count - 1].append(Variable(name: name, kind: kind))
    }

    private mutating func fresh(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    // MARK: Output and randomness

    private mutating func line(_ text: String) {
        output.append(String(repeating: "  ", count: indent) + text)
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &random)
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &random) < probability
    }
}

/// SplitMix64: a small, fast generator whose sequences depend only on the seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
