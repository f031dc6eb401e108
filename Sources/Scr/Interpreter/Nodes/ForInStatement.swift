/// `for (var name in iterable) body`: lists by element, maps by key, strings by Unicode scalar. The
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
        var elements = try Elements(of: iterable.eval(frame), line: line)
        while let element = elements.next() {
            location.declare(element, in: frame, runtime)
            if let result = try body.exec(frame) {
                if !LoopSignal.isContinue(result) { return LoopSignal.isBreak(result) ? nil : result }
            }
            try runtime.checkInterrupt(line: line)
        }
        return nil
    }

    override func execAsync(_ frame: Frame) async throws -> Value? {
        var elements = try Elements(of: await iterable.value(frame), line: line)
        while let element = elements.next() {
            location.declare(element, in: frame, runtime)
            if let result = try await body.run(frame) {
                if !LoopSignal.isContinue(result) { return LoopSignal.isBreak(result) ? nil : result }
            }
            try runtime.checkInterrupt(line: line)
        }
        return nil
    }

    override func dumpFields(_ dump: inout NodeDump) -> [String] {
        ["\(location)", dump.expression(iterable)]
    }

    override var dumpNested: [(label: String?, statement: Statement)] {
        [(nil, body)]
    }
}

/// The elements a `for-in` loop visits. A list is read live by position, so appending while
/// iterating is seen, as in Python; a map's keys are taken when the loop starts. (A value rather
/// than an iterator closure, whose captured position Swift would check for exclusive access at
/// every step: lists 5% more instructions.)
private enum Elements {
    case list(ListObject, position: Int)
    case keys([Value], position: Int)
    case scalars(String.UnicodeScalarView.Iterator)

    init(of value: Value, line: Int) throws {
        switch value {
        case .list(let list): self = .list(list, position: 0)
        case .map(let map): self = .keys(map.entries.keys, position: 0)
        case .string(let text): self = .scalars(text.value.unicodeScalars.makeIterator())
        default: throw ScriptError("Can only iterate over lists, maps and strings.", line: line, class: .typeError)
        }
    }

    mutating func next() -> Value? {
        switch self {
        case .list(let list, let position):
            guard position < list.elements.count else { return nil }
            self = .list(list, position: position + 1)
            return list.elements[position]
        case .keys(let keys, let position):
            guard position < keys.count else { return nil }
            self = .keys(keys, position: position + 1)
            return keys[position]
        case .scalars(var scalars):
            guard let scalar = scalars.next() else { return nil }
            self = .scalars(scalars)
            return .string(String(scalar))
        }
    }
}
