/// `for (var name in iterable) body`: lists by element, maps by key, strings by character. The
/// variable is declared afresh for each element, so closures made in the body each see their own.
final class ForInStatement: Statement {
    let runtime: Runtime
    let location: VariableLocation
    let iterable: Expression
    let body: Statement

    init(runtime: Runtime, location: VariableLocation, iterable: Expression, body: Statement, line: Int) {
        self.runtime = runtime
        self.location = location
        self.iterable = iterable
        self.body = body
        super.init(line: line, suspends: iterable.suspends || body.suspends)
    }

    override func exec(_ frame: Frame) throws -> Value? {
        let iterator = try elements(of: iterable.eval(frame))
        while let element = iterator.next() {
            location.declare(element, in: frame, runtime)
            if let result = try body.exec(frame) { return result }
            try runtime.checkInterrupt(line: line)
        }
        return nil
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        let iterator = try elements(of: await iterable.value(frame))
        while let element = iterator.next() {
            location.declare(element, in: frame, runtime)
            if let result = try await body.run(frame) { return result }
            try runtime.checkInterrupt(line: line)
        }
        return nil
    }

    /// The elements to visit. A list is read live by position, so appending while iterating is seen,
    /// as in Python; a map's keys are taken when the loop starts.
    private func elements(of value: Value) throws -> AnyIterator<Value> {
        switch value {
        case .list(let list):
            var position = 0
            return AnyIterator {
                guard position < list.elements.count else { return nil }
                defer { position += 1 }
                return list.elements[position]
            }
        case .map(let map):
            return AnyIterator(map.entries.keys.makeIterator())
        case .string(let text):
            return AnyIterator(text.value.lazy.map { Value.string(String($0)) }.makeIterator())
        default:
            throw ScriptError("Can only iterate over lists, maps and strings.", line: line)
        }
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(location)", dump.expression(iterable)]
    }

    override var dumpNested: [(label: String?, statement: Statement)] {
        [(nil, body)]
    }
}
