extension MapObject {
    func call(_ call: MethodCall) throws -> Value? {
        let arguments = call.arguments
        switch call.method {
        case .keys:
            try call.expect(0...0)
            return call.list(Array(entries.keys))
        case .values:
            try call.expect(0...0)
            return call.list(Array(entries.values))
        case .items:
            try call.expect(0...0)
            return call.list(entries.map { call.list([$0.key, $0.value]) })
        case .has, .contains:
            try call.expect(1...1)
            return .bool(entries[arguments[0]] != nil)
        case .get:
            try call.expect(1...2)
            return entries[arguments[0]] ?? (arguments.count > 1 ? arguments[1] : .nil)
        case .remove:
            try call.expect(1...1)
            return entries.removeValue(forKey: arguments[0]) ?? .nil
        case .clear:
            try call.expect(0...0)
            entries.removeAll()
            return .nil
        default:
            return nil
        }
    }
}
