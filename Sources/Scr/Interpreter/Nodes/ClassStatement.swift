/// `class Name < Superclass { methods }`. The name is declared (as nil) before this runs, so that
/// methods can refer to the class; this node makes the class and assigns it.
final class ClassStatement: Statement {
    struct Method {
        let symbol: Int
        let code: FunctionCode
    }

    let runtime: Runtime
    let name: String
    let location: VariableLocation
    let superclass: (expression: Expression, name: Token, location: VariableLocation)?
    let methods: [Method]

    init(runtime: Runtime, name: String, location: VariableLocation,
         superclass: (expression: Expression, name: Token, location: VariableLocation)?, methods: [Method],
         line: Int) {
        self.runtime = runtime
        self.name = name
        self.location = location
        self.superclass = superclass
        self.methods = methods
        super.init(line: line)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        var superclassObject: ClassObject?
        if let superclass {
            guard case .class(let klass) = try superclass.expression.eval(frame) else {
                throw ScriptError("Superclass must be a class.", line: superclass.name.line, class: .typeError)
            }
            superclassObject = klass
            superclass.location.declare(.class(klass), in: frame, runtime)
        }
        var table: [Int: Closure] = [:]
        for method in methods {
            table[method.symbol] = runtime.makeClosure(method.code, in: frame)
        }
        let klass = runtime.track(ClassObject(name: name, superclass: superclassObject, methods: table))
        location.assign(.class(klass), in: frame)
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        for method in methods { dump.function(made: method.code) }
        return [name] + (superclass.map { ["< \($0.name.lexeme)"] } ?? [])
    }
}
