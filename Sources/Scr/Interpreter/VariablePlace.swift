/// A variable that a node reads where it lies instead of evaluating a child node for it: a local's
/// slot or a global's cell. Reading the instance a variable holds this way costs no reference
/// counting, for the variable keeps it alive; evaluating a node would copy it (a retain) and destroy
/// the copy (a release). Property reads, writes and method calls on `this`, locals and globals use it:
/// properties and method_call ran 40–50% faster with them. `NodeSelection` decides where.
enum VariablePlace {
    case slot(Int)
    /// A global's cell, and the line of the reference, for the error of reading it undefined: the
    /// cell knows its name (`Globals.name(of:)`). Two words, which the nodes holding a place copy to
    /// read it; with the name's token in it a place was 64 bytes (string_equality: 14% of its
    /// instructions copied places).
    case global(Globals.Cell, line: Int)

    /// The instance the variable holds, unretained; nil if it holds something else.
    @inline(__always)
    func instance(in frame: Frame) -> Unmanaged<Instance>? {
        switch self {
        case .slot(let slot):
            if case .instance(let instance) = frame.slots[slot] { return Unmanaged.passUnretained(instance) }
        case .global(let cell, _):
            if case .instance(let instance)? = cell.pointee { return Unmanaged.passUnretained(instance) }
        }
        return nil
    }

    /// The list the variable holds, unretained; nil if it holds something else.
    @inline(__always)
    func list(in frame: Frame) -> Unmanaged<ListObject>? {
        switch self {
        case .slot(let slot):
            if case .list(let list) = frame.slots[slot] { return Unmanaged.passUnretained(list) }
        case .global(let cell, _):
            if case .list(let list)? = cell.pointee { return Unmanaged.passUnretained(list) }
        }
        return nil
    }

    /// The number the variable holds; nil if it holds something else or is an undefined global.
    @inline(__always)
    func number(in frame: Frame) -> Double? {
        switch self {
        case .slot(let slot):
            if case .number(let number) = frame.slots[slot] { return number }
        case .global(let cell, _):
            if case .number(let number)? = cell.pointee { return number }
        }
        return nil
    }

    /// The variable's value, as evaluating it would give it (an undefined global is an error).
    func value(in frame: Frame) throws -> Value {
        switch self {
        case .slot(let slot):
            return frame[slot]
        case .global(let cell, _):
            if let value = cell.pointee { return value }
            throw undefined()
        }
    }

    /// Whether the two variables hold equal values (`==`), compared where they lie: copying each to
    /// compare it is a retain and a release (string_equality: 40% of the instructions), and the
    /// global's name is not copied out of the case either, unless it is undefined.
    @inline(__always)
    func holdsEqualValue(to other: VariablePlace, in frame: Frame) throws -> Bool {
        // One switch inside another: switching on the pair would copy both places.
        switch self {
        case .slot(let slot):
            return try other.holds(frame.slots + slot, in: frame)
        case .global(let cell, _):
            guard case .some = cell.pointee else { throw undefined() }
            return try Globals.withDefinedValue(cell) { try other.holds($0, in: frame) }
        }
    }

    /// Whether the variable holds a value equal to `value` (`==`), compared where both lie.
    @inline(__always)
    func holds(_ value: UnsafePointer<Value>, in frame: Frame) throws -> Bool {
        switch self {
        case .slot(let slot):
            return Value.equal(at: value, frame.slots + slot)
        case .global(let cell, _):
            guard case .some = cell.pointee else { throw undefined() }
            return Globals.withDefinedValue(cell) { Value.equal(at: value, $0) }
        }
    }

    func isSameVariable(as other: VariablePlace) -> Bool {
        switch (self, other) {
        case (.slot(let a), .slot(let b)): a == b
        case (.global(let a, _), .global(let b, _)): a == b
        default: false
        }
    }

    /// Assigns a variable that is defined.
    func store(_ value: consuming Value, in frame: Frame) {
        switch self {
        case .slot(let slot): frame[slot] = value
        case .global(let cell, _): Globals.store(value, in: cell)
        }
    }

    /// Stores a number in a variable known to hold a number, which needs no release.
    @inline(__always)
    func overwriteNumber(_ number: Double, in frame: Frame) {
        switch self {
        case .slot(let slot): (frame.slots + slot).initialize(to: .number(number))
        case .global(let cell, _): cell.initialize(to: .number(number))
        }
    }

    /// The error of reading an undefined global.
    @inline(never)
    private func undefined() -> ScriptError {
        guard case .global(let cell, let line) = self else { fatalError("only a global can be undefined") }
        return .undefinedVariable(Globals.name(of: cell), line: line)
    }
}
