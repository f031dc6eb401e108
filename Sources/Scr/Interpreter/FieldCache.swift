/// What a property node remembers of the last class it met: where that class's instances keep the
/// field. Instances met at one place in the code are nearly always of one class, so the position is
/// found without a lookup. Keyed by the class's id, which no later class reuses.
struct FieldCache {
    private var classID = 0
    private var position = 0

    /// The field's position in `klass`'s layout; nil if no instance of the class has set it.
    @inline(__always)
    mutating func position(of symbol: Int, in klass: ClassObject) -> Int? {
        if klass.id == classID { return position }
        return search(symbol, in: klass)
    }

    /// The field's position in `klass`'s layout, added to the layout if new.
    @inline(__always)
    mutating func positionForSetting(_ symbol: Int, in klass: ClassObject) -> Int {
        if klass.id == classID { return position }
        return add(symbol, in: klass)
    }

    /// `position(of:in:)` for a class held unretained. Each step borrows the class through a closure
    /// small enough to be inlined, the search out of line: with the whole lookup in one closure, the
    /// compiler kept the closure out of line, a call of its own per property read (properties −6.4%,
    /// method_call −5.1% instructions; docs/internals.md, "Borrowing in small steps").
    @inline(__always)
    mutating func position(of symbol: Int, in klass: Unmanaged<ClassObject>) -> Int? {
        if klass._withUnsafeGuaranteedRef({ $0.id }) == classID { return position }
        return klass._withUnsafeGuaranteedRef { search(symbol, in: $0) }
    }

    /// `positionForSetting(_:in:)` for a class held unretained, as `position(of:in:)`.
    @inline(__always)
    mutating func positionForSetting(_ symbol: Int, in klass: Unmanaged<ClassObject>) -> Int {
        if klass._withUnsafeGuaranteedRef({ $0.id }) == classID { return position }
        return klass._withUnsafeGuaranteedRef { add(symbol, in: $0) }
    }

    /// A class the cache has not met last: its field looked up and remembered. Out of line, the rare
    /// path of both forms above.
    @inline(never)
    private mutating func search(_ symbol: Int, in klass: ClassObject) -> Int? {
        guard let found = klass.fieldPosition(symbol) else { return nil }
        remember(found, klass)
        return found
    }

    @inline(never)
    private mutating func add(_ symbol: Int, in klass: ClassObject) -> Int {
        let found = klass.addField(symbol)
        remember(found, klass)
        return found
    }

    private mutating func remember(_ position: Int, _ klass: ClassObject) {
        classID = klass.id
        self.position = position
    }
}
