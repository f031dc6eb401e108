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
        guard let found = klass.fieldPosition(symbol) else { return nil }
        remember(found, klass)
        return found
    }

    /// The field's position in `klass`'s layout, added to the layout if new.
    @inline(__always)
    mutating func positionForSetting(_ symbol: Int, in klass: ClassObject) -> Int {
        if klass.id == classID { return position }
        let found = klass.addField(symbol)
        remember(found, klass)
        return found
    }

    private mutating func remember(_ position: Int, _ klass: ClassObject) {
        classID = klass.id
        self.position = position
    }
}
