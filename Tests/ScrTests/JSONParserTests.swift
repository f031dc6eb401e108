import Foundation
import Scr
import Testing

/// Generated documents for `json.parse`'s fast paths (docs/internals.md, "What a collection costs"):
/// numbers read without text (Clinger's fast path) against Swift's correctly rounded `Double(_:)`;
/// lists and maps whose values move out of the parser's pending stack; records sharing one key set;
/// and short strings shared between values. Each document's expected form comes from a model here.
struct JSONParserTests {
    /// A JSON value as the test means it: objects keep their entries in order, repeated keys included.
    indirect enum Model {
        case null
        case bool(Bool)
        case integer(Int)
        case half(Int)  // n + 0.5: a fraction that the fast path divides
        case string(String)
        case array([Model])
        case object([(String, Model)])

        /// What `json.stringify` writes for the parsed value: a repeated key keeps its first place
        /// and its last value.
        var canonical: String {
            switch self {
            case .null: "null"
            case .bool(let flag): flag ? "true" : "false"
            case .integer(let number): String(number)
            case .half(let number): "\(Double(number) + 0.5)"
            case .string(let text): JSONParserTests.canonical(text)
            case .array(let elements): "[" + elements.map(\.canonical).joined(separator: ",") + "]"
            case .object(let entries):
                "{" + JSONParserTests.merged(entries).map { JSONParserTests.canonical($0.0) + ":" + $0.1.canonical }
                    .joined(separator: ",") + "}"
            }
        }
    }

    static func merged(_ entries: [(String, Model)]) -> [(String, Model)] {
        var merged: [(String, Model)] = []
        for (key, value) in entries {
            if let position = merged.firstIndex(where: { $0.0 == key }) {
                merged[position].1 = value
            } else {
                merged.append((key, value))
            }
        }
        return merged
    }

    /// A string as `json.stringify` writes it: quotes, backslashes and control characters escaped,
    /// the rest as it is — unless `alternative` spells a scalar otherwise.
    static func canonical(_ text: String, _ alternative: (Unicode.Scalar) -> String? = { _ in nil }) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            if let spelling = alternative(scalar) {
                out += spelling
                continue
            }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A deterministic generator, so that a failure names a seed that reproduces it.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    /// Writes a model as JSON text, with random spacing and random escapes (`\u00e9` for é, `\/`).
    static func text(of model: Model, _ random: inout Generator) -> String {
        let space = [" ", "", "", "\n  ", "\t"]
        func pad() -> String { space.randomElement(using: &random)! }
        switch model {
        case .null, .bool, .integer, .half: return model.canonical
        case .string(let string): return written(string, &random)
        case .array(let elements):
            return "[" + pad() + elements.map { text(of: $0, &random) + pad() }.joined(separator: "," + pad()) + "]"
        case .object(let entries):
            return "{" + pad() + entries.map { written($0.0, &random) + pad() + ":" + pad() + text(of: $0.1, &random) }
                .joined(separator: "," + pad()) + pad() + "}"
        }
    }

    /// A string with random escapes: `\u00e9` for é, `\/` for /.
    static func written(_ string: String, _ random: inout Generator) -> String {
        canonical(string) { scalar in
            if scalar == "é" && Bool.random(using: &random) { return "\\u00e9" }
            if scalar == "/" && Bool.random(using: &random) { return "\\/" }
            return nil
        }
    }

    /// Records with shared key sets (the same keys in the same order, in another order, one key more,
    /// a repeated key, more than the 8 keys a map scans), nested in lists and in each other, beside
    /// short, long, escaped and repeated strings.
    static func document(_ random: inout Generator, depth: Int = 0) -> Model {
        let keySets: [[String]] = [
            ["id", "name", "tags", "score"],
            ["name", "id", "tags", "score"],
            ["id", "tags", "name", "score"],  // the first key and the count of the first set
            ["id", "name", "tags", "score", "extra"],
            ["id", "id", "name"],
            (0..<12).map { "field\($0)" },
            ["k\\\"ey", "é", "a/b"],
            [],
            ["x"],
        ]
        let strings = ["alpha", "beta", "", "é", "a \"quoted\" \\ word", "line\nbreak", "a/b",
                       String(repeating: "long", count: 10), "user", "😀 emoji", "tab\there"]
        func leaf() -> Model {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: .null
            case 1: .bool(Bool.random(using: &random))
            case 2: .integer(Int.random(in: -1_000_000...1_000_000, using: &random))
            case 3: .half(Int.random(in: -1000...1000, using: &random))
            case 4: .string(strings.randomElement(using: &random)!)
            default: .string("user" + String(Int.random(in: 0..<100_000, using: &random)))
            }
        }
        func value() -> Model {
            guard depth < 4 else { return leaf() }
            switch Int.random(in: 0..<10, using: &random) {
            case 0...5: return leaf()
            case 6, 7: return document(&random, depth: depth + 1)
            default:
                return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in leaf() })
            }
        }
        if depth > 0 && Bool.random(using: &random) {
            return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value() })
        }
        let keys = keySets.randomElement(using: &random)!
        return .object(keys.map { ($0, value()) })
    }

    @Test func documentsParseAsTheModelSays() async throws {
        for seed in 1...40 {
            var random = Generator(state: UInt64(seed))
            // A list of records, as a document of many repeats its key sets.
            let model = Model.array((0..<60).map { _ in Self.document(&random) })
            let text = Self.text(of: model, &random)
            let (interpreter, _) = EmbeddingTests.makeInterpreter()
            await interpreter.set("text", to: ScrValue.string(text))
            let written = try await interpreter.evaluate("""
                (fun () { import "json" as json; return json.stringify(json.parse(text)); })()
                """)
            #expect(written == .string(model.canonical), "seed \(seed)")
        }
    }

    /// Records that share a key set are still maps of their own: changing one (a new key, a removed
    /// key, a changed value, beyond the scan's 8 keys too) leaves the others as they were.
    @Test func recordsSharingKeysChangeAlone() async throws {
        let (interpreter, output) = EmbeddingTests.makeInterpreter()
        let wide = (0..<12).map { "\"f\($0)\": \($0)" }.joined(separator: ", ")
        try await interpreter.run("""
            import "json" as json;
            var small = json.parse("[{\\"a\\": 1, \\"b\\": 2}, {\\"a\\": 3, \\"b\\": 4}, {\\"a\\": 5, \\"b\\": 6}]");
            small[0]["c"] = 7; small[1].remove("a"); small[2]["b"] = 8;
            print small;
            var wide = json.parse("[{\(wide.replacingOccurrences(of: "\"", with: "\\\""))}, {\(wide.replacingOccurrences(of: "\"", with: "\\\""))}]");
            wide[0]["new"] = 1; wide[1].remove("f3");
            print [wide[0]["f11"], wide[0]["new"], wide[0].has("f3"), wide[1]["f11"], wide[1].has("new"), wide[1].has("f3"), len(wide[0]), len(wide[1])];
            """)
        #expect(output.value == """
            [{"a": 1, "b": 2, "c": 7}, {"b": 4}, {"a": 5, "b": 8}]
            [11, 1, true, 11, false, false, 13, 11]

            """)
    }

    /// Numbers of every shape JSON allows, against `Double(text)`: up to 15 digits and 22 after the
    /// point are divided by a power of ten, the rest parsed as text; both must agree to the bit.
    @Test func numbersAgreeWithSwiftsParsing() async throws {
        var random = Generator(state: 2026)
        var texts: [String] = ["0", "-0", "0.0", "-0.0", "0.5", "123456789012345", "1234567890123456",
                               "0.1234567890123456789012", "0.12345678901234567890123", "999999999999999.9",
                               "1e22", "1E-7", "-2.5e+3", "9007199254740993", "0.30000000000000004"]
        for _ in 0..<3000 {
            var text = Bool.random(using: &random) ? "-" : ""
            let whole = Int.random(in: 0...18, using: &random)
            text += whole == 0 ? "0" : String(Int.random(in: 1...9, using: &random))
                + String((1..<whole).map { _ in "0123456789".randomElement(using: &random)! })
            if Int.random(in: 0..<4, using: &random) > 0 {
                text += "." + String((0..<Int.random(in: 1...25, using: &random)).map { _ in "0123456789".randomElement(using: &random)! })
            }
            if Int.random(in: 0..<6, using: &random) == 0 {
                text += ["e", "E"].randomElement(using: &random)! + ["", "+", "-"].randomElement(using: &random)!
                    + String(Int.random(in: 0...30, using: &random))
            }
            texts.append(text)
        }
        let (interpreter, _) = EmbeddingTests.makeInterpreter()
        await interpreter.set("text", to: ScrValue.string("[" + texts.joined(separator: ",") + "]"))
        let parsed = try await interpreter.evaluate("(fun () { import \"json\" as json; return json.parse(text); })()")
        guard case .list(let numbers) = parsed, numbers.count == texts.count else {
            Issue.record("expected a list of \(texts.count) numbers, got \(parsed)")
            return
        }
        for (text, number) in zip(texts, numbers) {
            guard case .number(let value) = number else {
                Issue.record("\(text): \(number)")
                continue
            }
            #expect(value.bitPattern == Double(text)!.bitPattern, "\(text): \(value) against \(Double(text)!)")
        }
    }

    /// A document that fails deep inside lists and objects leaves nothing pending: the next parse of
    /// the same interpreter reads its document whole.
    @Test func failuresMidwayLeaveNothingBehind() async throws {
        let (interpreter, output) = EmbeddingTests.makeInterpreter()
        try await interpreter.run(#"""
            import "json" as json;
            var bad = ["[1, [2, {\"a\": [3, {\"b\": \"x\", \"c\": tru}]}]]", "{\"a\": 1, \"b\": [1, 2,", "[{\"a\": 1}, {\"a\" 2}]",
                       "{\"k\": \"\\q\"}", "[\"alpha\", \"beta\", 1.]"];
            for (var i = 0; i < len(bad); i = i + 1) {
              try { json.parse(bad[i]); } catch (e) { print e.message; }
            }
            print json.parse("[{\"a\": [1, 2], \"b\": \"alpha\"}, {\"a\": [], \"b\": \"alpha\"}]");
            """#)
        #expect(output.value == """
            json.parse: Unexpected character 't' at line 1, column 35.
            json.parse: Unexpected end of text at line 1, column 21.
            json.parse: Expected ':' after a key at line 1, column 17.
            json.parse: Unknown escape '\\q' at line 1, column 9.
            json.parse: Expected a digit after '.' at line 1, column 21.
            [{"a": [1, 2], "b": "alpha"}, {"a": [], "b": "alpha"}]

            """)
    }
}
