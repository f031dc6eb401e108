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
        case .copy:
            try call.expect(0...0)
            return .map(call.context.runtime.track(MapObject(entries)))
        case .merge:
            // A new map: this map's entries, then the other's, which win where both have a key.
            try call.expect(1...1)
            let other = try call.map(0, "argument")
            let merged = MapObject(entries)
            for (key, value) in other.entries { merged.entries[key] = value }
            return .map(call.context.runtime.track(merged))
        default:
            return nil
        }
    }
}
