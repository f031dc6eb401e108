import Foundation
@testable import Scr
import Testing

/// `.help` reads docs/stdlib.md through a generated table (`LibraryDocs`): the table must be what
/// the docs give now, and every function, module member and method of the library must be in it —
/// a function added without documentation fails here.
@Suite
struct LibraryDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func generatedTableIsUpToDate() async throws {
        let generated = try await ScrProcess.offThePool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", LibraryDocsTests.root.appendingPathComponent("scripts/library-docs").path, "--stdout"]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let generated = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return generated
        }
        let committed = try String(contentsOf: LibraryDocsTests.root.appendingPathComponent("Sources/Scr/Library/LibraryDocs.swift"),
                                   encoding: .utf8)
        #expect(generated == committed, "docs/stdlib.md changed: run scripts/library-docs")
    }

    @Test func everyPreludeFunctionAndModuleMemberIsDocumented() async throws {
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        let missing = try await interpreter.onExecutorNow { runtime -> [String] in
            var missing: [String] = []
            for name in runtime.globals.definedNames {
                guard case .native? = runtime.globals.value(of: name) else { continue }
                if LibraryDocs.entries[name] == nil { missing.append(name) }
            }
            for module in Library.moduleNames {
                for (member, _) in Library.members(ofModule: module, runtime) ?? [] where LibraryDocs.entries["\(module).\(member)"] == nil {
                    missing.append("\(module).\(member)")
                }
            }
            return missing
        }
        #expect(missing.isEmpty, "not in docs/stdlib.md's tables: \(missing.sorted())")
    }

    @Test func everyMethodOfStringsListsAndMapsIsDocumented() {
        let kinds: [(String, [BuiltinMethod])] = [("String", BuiltinMethod.ofStrings), ("List", BuiltinMethod.ofLists),
                                                 ("Map", BuiltinMethod.ofMaps)]
        let missing = kinds.flatMap { kind, methods in
            methods.map { "\(kind).\($0.name)" }.filter { LibraryDocs.entries[$0] == nil }
        }
        #expect(missing.isEmpty, "not in docs/stdlib.md's tables: \(missing)")
    }

    @Test func helpNamesWhatANameIs() async throws {
        let interpreter = Interpreter(output: { _ in }, errors: { _ in })
        let session = interpreter.makeSession()
        _ = try await session.evaluate("""
            import "math" as math; var xs = [1];
            class Point { init(x, y) { this.x = x; } norm() { return 1; } }
            var p = Point(1, 2); async fun area(w, h) { return w * h; }
            """)
        #expect(await session.help("len").hasPrefix("len(x)\n  the length of a string"))
        #expect(await session.help("math.floor").hasPrefix("math.floor(x)\n"))
        #expect(await session.help("xs.push").hasPrefix("list.push(x)\n"))
        #expect(await session.help("area") == "async area(w, h)\n  a function defined at <input>:3\n")
        #expect(await session.help("Point") == "class Point\n  Point(x, y)\n  methods: norm\n")
        #expect(await session.help("p.norm").hasPrefix("norm()\n  a function defined at"))
        #expect(await session.help("p.x") == "p.x: a number, 1\n")
        #expect(await session.help("nothing").hasPrefix("No 'nothing' here"))
    }
}
