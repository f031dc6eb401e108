/// `Codable` types to and from script values: a struct or class is a map of its coding keys (in the
/// order it encodes them), an array a list, a number a number. For a host's configuration and
/// records (`get("config", decoding: Config.self)`); the encoder and decoder are Swift's, so
/// `CodingKeys`, optional fields and nested types work as with JSON.
extension Interpreter {
    /// The global `name` decoded as `T`; throws `DecodingError` on a mismatch.
    public func get<T: Decodable>(_ name: String, decoding type: T.Type) async throws -> T {
        guard let value = await get(name) else {
            throw ScriptError("Undefined variable '\(name)'.", line: 0, class: .nameError)
        }
        return try ScrValueDecoder.decode(type, from: value)
    }

    /// Sets the global `name` to `value`, encoded.
    public func set<T: Encodable>(_ name: String, encoding value: T) async throws {
        await set(name, to: try ScrValueEncoder.encode(value))
    }
}

/// Decodes `Decodable` values from script values.
public enum ScrValueDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from value: ScrValue) throws -> T {
        try T(from: ValueDecoder(value: value, codingPath: []))
    }
}

/// Encodes `Encodable` values as script values.
public enum ScrValueEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> ScrValue {
        let node = EncodingNode()
        try value.encode(to: ValueEncoder(node: node, codingPath: []))
        return node.value
    }
}

// MARK: Decoding

private struct ValueDecoder: Decoder {
    let value: ScrValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath,
                                      debugDescription: "Expected \(expected) but got \(value.typeName)."))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .map(let entries) = value else { throw mismatch("a map") }
        var fields: [String: ScrValue] = [:]
        for entry in entries {
            if let key = entry.key.string { fields[key] = entry.value }
        }
        return KeyedDecodingContainer(KeyedValues(fields: fields, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .list(let elements) = value else { throw mismatch("a list") }
        return ListValues(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }
}

extension ValueDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value == .nil }
    func decode(_ type: Bool.Type) throws -> Bool {
        guard let bool = value.bool else { throw mismatch("a bool") }
        return bool
    }
    func decode(_ type: String.Type) throws -> String {
        guard let string = value.string else { throw mismatch("a string") }
        return string
    }
    func decode(_ type: Double.Type) throws -> Double {
        guard let number = value.double else { throw mismatch("a number") }
        return number
    }
    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode<T: BinaryInteger & Decodable>(integer type: T.Type) throws -> T {
        let number = try decode(Double.self)
        guard number == number.rounded(), let integer = T(exactly: number) else {
            throw mismatch("a whole number in the range of \(T.self)")
        }
        return integer
    }
    func decode(_ type: Int.Type) throws -> Int { try decode(integer: type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decode(integer: type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decode(integer: type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decode(integer: type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decode(integer: type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decode(integer: type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(integer: type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(integer: type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(integer: type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(integer: type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}

private struct KeyedValues<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let fields: [String: ScrValue]
    let codingPath: [any CodingKey]
    var allKeys: [Key] { fields.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }

    private func decoder(for key: Key) throws -> ValueDecoder {
        guard let value = fields[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath,
                                                       debugDescription: "No field \"\(key.stringValue)\"."))
        }
        return ValueDecoder(value: value, codingPath: codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool { (fields[key.stringValue] ?? .nil) == .nil }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(for: key).decode(type) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(for: key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(for: key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(for: key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(for: key).decode(type) }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder(for: key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(for: key).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder { try decoder(for: Key(stringValue: "super")!) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(for: key) }
}

private struct ListValues: UnkeyedDecodingContainer {
    let elements: [ScrValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private struct Index: CodingKey {
        let intValue: Int?
        var stringValue: String { "\(intValue!)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { return nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private mutating func next() throws -> ValueDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath,
                                                              debugDescription: "The list has no more elements."))
        }
        defer { currentIndex += 1 }
        return ValueDecoder(value: elements[currentIndex], codingPath: codingPath + [Index(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .nil else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

// MARK: Encoding

/// What one encoder (or container) writes: a value, or the fields or elements of one in the making.
private final class EncodingNode {
    enum Content {
        case value(ScrValue)
        case fields([(String, EncodingNode)])
        case elements([EncodingNode])
    }
    var content = Content.value(.nil)

    var value: ScrValue {
        switch content {
        case .value(let value): value
        case .fields(let fields): .map(fields.map { ScrValue.Entry(key: .string($0.0), value: $0.1.value) })
        case .elements(let elements): .list(elements.map(\.value))
        }
    }

    /// The node of field `key`, made (or replaced) in the order fields are first encoded.
    func field(_ key: String) -> EncodingNode {
        var fields: [(String, EncodingNode)] = []
        if case .fields(let existing) = content { fields = existing }
        if let existing = fields.first(where: { $0.0 == key }) { return existing.1 }
        let node = EncodingNode()
        fields.append((key, node))
        content = .fields(fields)
        return node
    }

    func appendElement() -> EncodingNode {
        var elements: [EncodingNode] = []
        if case .elements(let existing) = content { elements = existing }
        let node = EncodingNode()
        elements.append(node)
        content = .elements(elements)
        return node
    }

    var elementCount: Int {
        if case .elements(let elements) = content { return elements.count }
        return 0
    }
}

private struct ValueEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .fields = node.content {} else { node.content = .fields([]) }
        return KeyedEncodingContainer(FieldWriter(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .elements = node.content {} else { node.content = .elements([]) }
        return ElementWriter(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }
}

extension ValueEncoder: SingleValueEncodingContainer {
    func encodeNil() { node.content = .value(.nil) }
    func encode(_ value: Bool) { node.content = .value(.bool(value)) }
    func encode(_ value: String) { node.content = .value(.string(value)) }
    func encode(_ value: Double) { node.content = .value(.number(value)) }
    func encode(_ value: Float) { node.content = .value(.number(Double(value))) }
    func encode(_ value: Int) { node.content = .value(.number(Double(value))) }
    func encode(_ value: Int8) { encode(Int(value)) }
    func encode(_ value: Int16) { encode(Int(value)) }
    func encode(_ value: Int32) { encode(Int(value)) }
    func encode(_ value: Int64) { encode(Int(value)) }
    func encode(_ value: UInt) { node.content = .value(.number(Double(value))) }
    func encode(_ value: UInt8) { encode(UInt(value)) }
    func encode(_ value: UInt16) { encode(UInt(value)) }
    func encode(_ value: UInt32) { encode(UInt(value)) }
    func encode(_ value: UInt64) { encode(UInt(value)) }
    func encode<T: Encodable>(_ value: T) throws { try value.encode(to: self) }
}

private struct FieldWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func encoder(for key: Key) -> ValueEncoder {
        ValueEncoder(node: node.field(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) { encoder(for: key).encodeNil() }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder(for: key).encode(value) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder(for: key).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder(for: key).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { encoder(for: Key(stringValue: "super")!) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder(for: key) }
}

private struct ElementWriter: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var count: Int { node.elementCount }

    private func next() -> ValueEncoder { ValueEncoder(node: node.appendElement(), codingPath: codingPath) }

    mutating func encodeNil() { next().encodeNil() }
    mutating func encode<T: Encodable>(_ value: T) throws { try next().encode(value) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { next().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { next() }
}

/// Any coder can carry a script value (JSONEncoder writes it as JSON); through these coders it
/// stays as it is, so a `Codable` type can keep a field as a `ScrValue`.
extension ScrValue: Codable {
    private struct FieldName: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }

    public init(from decoder: any Decoder) throws {
        if let decoder = decoder as? ValueDecoder {
            self = decoder.value
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .nil
        } else if let bool = try? single.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? single.decode(Double.self) {
            self = .number(number)
        } else if let string = try? single.decode(String.self) {
            self = .string(string)
        } else if let elements = try? single.decode([ScrValue].self) {
            self = .list(elements)
        } else {
            let fields = try decoder.container(keyedBy: FieldName.self)
            self = .map(try fields.allKeys.map {
                Entry(key: .string($0.stringValue), value: try fields.decode(ScrValue.self, forKey: $0))
            })
        }
    }

    /// Maps need string keys; functions and objects cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        if let encoder = encoder as? ValueEncoder {
            encoder.node.content = .value(self)
            return
        }
        switch self {
        case .nil:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let bool):
            var single = encoder.singleValueContainer()
            try single.encode(bool)
        case .number(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .string(let string):
            var single = encoder.singleValueContainer()
            try single.encode(string)
        case .list(let elements):
            var list = encoder.unkeyedContainer()
            for element in elements { try list.encode(element) }
        case .map(let entries):
            var fields = encoder.container(keyedBy: FieldName.self)
            for entry in entries {
                guard let key = entry.key.string else {
                    throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath,
                                                                debugDescription: "A map key is not a string."))
                }
                try fields.encode(entry.value, forKey: FieldName(stringValue: key))
            }
        case .function, .hostObject, .object:
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath,
                                                        debugDescription: "A \(typeName) cannot be encoded."))
        }
    }
}
