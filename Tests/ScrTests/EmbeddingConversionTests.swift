import Foundation
import Scr
import Testing

/// Swift values to and from script values: `ScrValueConvertible`, `Codable` bridging and typed host
/// functions (issue 20's API v2).
struct EmbeddingConversionTests {
    @Test func convertibleTypesGoBothWays() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        await interpreter.set("port", to: 8080)
        await interpreter.set("ratio", to: 0.5)
        await interpreter.set("name", to: "svc")
        await interpreter.set("debug", to: true)
        await interpreter.set("hosts", to: ["a", "b"])
        await interpreter.set("limits", to: ["cpu": 2, "memory": 512])
        await interpreter.set("missing", to: Int?.none)
        try await interpreter.run("""
            port = port + 1; ratio = ratio * 3; name = name + "!"; debug = !debug;
            hosts.push("c"); limits["disk"] = 10; missing = [[1, 2], [3]];
            """)
        #expect(try await interpreter.get("port", as: Int.self) == 8081)
        #expect(try await interpreter.get("ratio", as: Double.self) == 1.5)
        #expect(try await interpreter.get("name", as: String.self) == "svc!")
        #expect(try await interpreter.get("debug", as: Bool.self) == false)
        #expect(try await interpreter.get("hosts", as: [String].self) == ["a", "b", "c"])
        #expect(try await interpreter.get("limits", as: [String: Int].self) == ["cpu": 2, "memory": 512, "disk": 10])
        #expect(try await interpreter.get("missing", as: [[Int]]?.self) == [[1, 2], [3]])
        #expect(try await interpreter.get("debug", as: Bool?.self) == false)
    }

    @Test func mismatchesSayWhatAndWhere() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        try await interpreter.run("var half = 2.5; var mixed = [1, \"two\"]; var nested = {\"a\": [1, nil]};")
        do {
            _ = try await interpreter.get("half", as: Int.self)
            Issue.record("2.5 is not an Int")
        } catch let error as ScrConversionError {
            #expect(error.description == "Expected a whole number but got number.")
        }
        do {
            _ = try await interpreter.get("mixed", as: [Int].self)
            Issue.record("a string in the list")
        } catch let error as ScrConversionError {
            #expect(error.description == "Expected a whole number at [1] but got string.")
        }
        do {
            _ = try await interpreter.get("nested", as: [String: [Int]].self)
            Issue.record("nil in the list")
        } catch let error as ScrConversionError {
            #expect(error.description == "Expected a whole number at [\"a\"][1] but got nil.")
        }
        await #expect(throws: ScriptError.self) { _ = try await interpreter.get("undefined", as: Int.self) }
    }

    struct Config: Codable, Equatable {
        struct Endpoint: Codable, Equatable {
            var host: String
            var port: Int
        }
        var name: String
        var replicas: Int
        var endpoints: [Endpoint]
        var timeout: Double?
        var extra: ScrValue?
    }

    @Test func codableTypesAreMapsOfTheirKeys() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        let config = Config(name: "svc", replicas: 2, endpoints: [.init(host: "a", port: 80)], timeout: nil,
                            extra: ["anything": [1, true]])
        try await interpreter.set("config", encoding: config)
        #expect(try await interpreter.evaluate("config[\"endpoints\"][0][\"port\"]") == 80)
        #expect(try await interpreter.evaluate("config.keys()") == ["name", "replicas", "endpoints", "extra"],
                "fields in the order they were encoded; a nil optional is left out")
        try await interpreter.run("""
            config["replicas"] = config["replicas"] + 1;
            config["endpoints"].push({"host": "b", "port": 81});
            config["timeout"] = 2.5;
            """)
        var expected = config
        expected.replicas = 3
        expected.endpoints.append(.init(host: "b", port: 81))
        expected.timeout = 2.5
        #expect(try await interpreter.get("config", decoding: Config.self) == expected)

        try await interpreter.run("config[\"replicas\"] = \"many\";")
        await #expect(throws: DecodingError.self) { _ = try await interpreter.get("config", decoding: Config.self) }
    }

    @Test func scrValueIsCodableThroughAnyCoder() throws {
        let value: ScrValue = ["name": "svc", "ports": [80, 443], "debug": false, "none": nil]
        let json = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(ScrValue.self, from: json).dictionary == value.dictionary)
        #expect(try ScrValueDecoder.decode(ScrValue.self, from: value) == value)
        #expect(try ScrValueEncoder.encode(value) == value)
    }

    @Test func typedHostFunctionsCheckArityAndArgumentTypes() async throws {
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        await interpreter.define("add") { (a: Double, b: Double) in a + b }
        await interpreter.define("repeatText") { (text: String, times: Int) in String(repeating: text, count: times) }
        await interpreter.define("total") { (values: [Double]) in values.reduce(0, +) }
        await interpreter.define("greet") { (name: String?) in "hello " + (name ?? "nobody") }
        await interpreter.define("now") { () in 42 }
        await interpreter.defineAsync("later") { (value: Int) async throws in
            try await Task.sleep(nanoseconds: 1_000_000)
            return value * 2
        }
        #expect(try await interpreter.evaluate("add(1, 2)") == 3)
        #expect(try await interpreter.evaluate("repeatText(\"ab\", 3)") == "ababab")
        #expect(try await interpreter.evaluate("total([1, 2, 3.5])") == 6.5)
        #expect(try await interpreter.evaluate("greet(nil) + \", \" + greet(\"Ann\")") == "hello nobody, hello Ann")
        #expect(try await interpreter.evaluate("now()") == 42)
        #expect(try await interpreter.evaluate("await later(21)") == 42)

        for (source, message) in [
            ("add(1)", "Expected 2 arguments but got 1."),
            ("add(1, \"2\")", "add() argument 2: Expected a number but got string."),
            ("repeatText(\"a\", 1.5)", "repeatText() argument 2: Expected a whole number but got number."),
            ("total([1, nil])", "total() argument 1: Expected a number at [1] but got nil."),
            ("await later(\"x\")", "later() argument 1: Expected a whole number but got string."),
            ("later(\"x\")", "later() argument 1: Expected a whole number but got string."),
        ] {
            do {
                _ = try await interpreter.evaluate(source)
                Issue.record("\(source) should fail")
            } catch let error as ScriptError {
                #expect(error.message == message)
                #expect(error.errorClass == .typeError)
            }
        }
        #expect(try await interpreter.evaluate("""
            var caught = "";
            try { add(true, 1); } catch (e: TypeError) { caught = e.message; }
            caught
            """) == "add() argument 1: Expected a number but got bool.")
    }
}

/// A Swift object scripts use live (`ScrExported`).
final class Thermostat: ScrExported, @unchecked Sendable {  // Used from one test at a time.
    var target = 20.0
    var log: [String] = []
    let id: String

    init(id: String) { self.id = id }

    static let scrMembers = ScrMembers<Thermostat>("Thermostat")
        .property("id", get: { $0.id })
        .property("target", get: { $0.target }, set: { thermostat, value in
            guard (5...30).contains(value) else { throw HostError("target must be between 5 and 30", class: .valueError) }
            thermostat.target = value
        })
        .method("adjust") { (thermostat, by: Double) in
            thermostat.target += by
            return thermostat.target
        }
        .method("note") { (thermostat, text: String) in
            thermostat.log.append(text)
            return thermostat.log.count
        }
}

/// On the specialised nodes and on the generic ones (a property set has both).
struct ExportedObjectTests {
    @Test(arguments: [true, false])
    func scriptsUseTheLiveObjectAndItComesBackAsItself(specialized: Bool) async throws {
        let interpreter = Interpreter(output: { _ in }, errors: { _ in }, specializedNodes: specialized)
        let thermostat = Thermostat(id: "hall")
        await interpreter.set("hall", to: .exported(thermostat))
        #expect(try await interpreter.evaluate("hall.target") == 20)
        try await interpreter.run("hall.target = 22; hall.adjust(-0.5); hall.note(\"from a script\");")
        #expect(thermostat.target == 21.5, "writes go through to the Swift object")
        #expect(thermostat.log == ["from a script"])
        thermostat.target = 18
        #expect(try await interpreter.evaluate("hall.target") == 18, "reads see the object as it is now")
        #expect(try await interpreter.evaluate("type(hall) + \" \" + str(hall) + \" \" + hall.id") == "Thermostat <Thermostat> hall")

        // Back in Swift, it is the same object; passed in again, the same script object.
        let back = try await interpreter.evaluate("hall")
        #expect(back.exported(as: Thermostat.self) === thermostat)
        await interpreter.set("again", to: .exported(thermostat))
        #expect(try await interpreter.evaluate("again == hall") == true)
        await interpreter.define("targetOf") { (value: ScrValue) in value.exported(as: Thermostat.self)?.target ?? -1 }
        #expect(try await interpreter.evaluate("targetOf(hall)") == 18)
    }

    @Test(arguments: [true, false])
    func membersCheckArityTypesAndAccess(specialized: Bool) async throws {
        let interpreter = Interpreter(output: { _ in }, errors: { _ in }, specializedNodes: specialized)
        await interpreter.set("hall", to: .exported(Thermostat(id: "hall")))
        for (source, message, errorClass) in [
            ("hall.adjust()", "Expected 1 arguments but got 0.", ScriptError.ErrorClass.typeError),
            ("hall.adjust(\"up\")", "Thermostat.adjust() argument 1: Expected a number but got string.", .typeError),
            ("hall.target = \"warm\"", "Thermostat.target: Expected a number but got string.", .typeError),
            ("hall.target = 40", "target must be between 5 and 30", .valueError),
            ("hall.id = \"x\"", "Property 'id' of Thermostat is read-only.", .typeError),
            ("hall.missing", "Undefined property 'missing' on Thermostat.", .nameError),
            ("hall.missing = 1", "Undefined property 'missing' on Thermostat.", .nameError),
        ] {
            do {
                _ = try await interpreter.evaluate(source)
                Issue.record("\(source) should fail")
            } catch let error as ScriptError {
                #expect(error.message == message, "\(source)")
                #expect(error.errorClass == errorClass, "\(source)")
            }
        }
        // A method taken as a value is bound to its object.
        #expect(try await interpreter.evaluate("var adjust = hall.adjust; adjust(1); hall.target") == 21)
        // Inside a function (a local, not a global) and after an await: the other property-set nodes.
        #expect(try await interpreter.evaluate("""
            async fun plus(x, y) { await sleep(0); return x + y; }
            async fun warm(t) { t.target = t.target + 1; t.target = await plus(t.target, 1); return t.target; }
            await warm(hall)
            """) == 23)
    }
}
