import Foundation
import Testing

/// Generated matrices for fast paths that read values where they lie (docs/internals.md, "Equality
/// in place" and "Instances"). Each program prints one line per case; the expected output is computed
/// here from a model of the language, and the program runs on specialised and on generic nodes.
struct FastPathMatrixTests {
    /// What a value is, for `==`: numbers by IEEE 754 (NaN is unequal to itself, 0 equals -0),
    /// strings by their text, objects by identity.
    enum Model: Equatable {
        case `nil`
        case bool(Bool)
        case number(Double)
        case string(String)
        case object(String)

        static func == (a: Model, b: Model) -> Bool {
            switch (a, b) {
            case (.nil, .nil): true
            case (.bool(let x), .bool(let y)): x == y
            case (.number(let x), .number(let y)): x == y
            case (.string(let x), .string(let y)): x == y
            case (.object(let x), .object(let y)): x == y
            default: false
            }
        }
    }

    /// A value: the expression that makes it, the literal that spells it (if any), and its model.
    struct Sample {
        let source: String
        let literal: String?
        let model: Model
    }

    static let samples: [Sample] = [
        Sample(source: "nil", literal: "nil", model: .nil),
        Sample(source: "true", literal: "true", model: .bool(true)),
        Sample(source: "false", literal: "false", model: .bool(false)),
        Sample(source: "0", literal: "0", model: .number(0)),
        Sample(source: "-0", literal: nil, model: .number(-0.0)),
        Sample(source: "1.5", literal: "1.5", model: .number(1.5)),
        Sample(source: "0/0", literal: nil, model: .number(.nan)),
        Sample(source: "\"\"", literal: "\"\"", model: .string("")),
        Sample(source: "\"abc\"", literal: "\"abc\"", model: .string("abc")),
        // The same text made at run time: another object.
        Sample(source: "\"ab\" + \"c\"", literal: nil, model: .string("abc")),
        Sample(source: "\"abd\"", literal: "\"abd\"", model: .string("abd")),
        Sample(source: "\"ab\"", literal: "\"ab\"", model: .string("ab")),
        Sample(source: "\"é\" + \"t\"", literal: "\"ét\"", model: .string("ét")),
        Sample(source: "long", literal: nil, model: .string(String(repeating: "x", count: 64))),
        Sample(source: "long + \"\"", literal: nil, model: .string(String(repeating: "x", count: 64))),
        Sample(source: "longOther", literal: nil, model: .string(String(repeating: "x", count: 63) + "y")),
        // Equal to `long`, made apart from it: once each has met `longOther`, both keep a hash
        // (StringObject.cachedHash), and equal hashes must still compare the bytes.
        Sample(source: "longTwin", literal: nil, model: .string(String(repeating: "x", count: 64))),
        Sample(source: "list1", literal: nil, model: .object("list1")),
        Sample(source: "list2", literal: nil, model: .object("list2")),
        Sample(source: "map1", literal: nil, model: .object("map1")),
        Sample(source: "instance1", literal: nil, model: .object("instance1")),
        Sample(source: "Klass", literal: nil, model: .object("Klass")),
        Sample(source: "function1", literal: nil, model: .object("function1")),
        Sample(source: "clock", literal: nil, model: .object("clock")),
    ]

    static let prelude = """
        var long = ""; for (var i = 0; i < 64; i = i + 1) long = long + "x";
        var longOther = long.slice(0, 63) + "y";
        var longTwin = ""; for (var i = 0; i < 64; i = i + 1) longTwin = longTwin + "x";
        var list1 = [1]; var list2 = [1]; var map1 = {"k": 1};
        class Klass {} var instance1 = Klass(); fun function1() {}
        var left = nil; var right = nil;
        fun compareParameters(a, b) { print a == b; print a != b; }

        """

    /// Every pair of samples, compared with `==` and `!=` from every kind of place: two globals,
    /// two locals, a local and a global each way, two parameters, a variable with itself, and a
    /// variable with a literal.
    static func equalityProgram() -> (source: String, expected: String) {
        var source = prelude
        var expected: [String] = []
        func both(_ equal: Bool) { expected += ["\(equal)", "\(!equal)"] }
        for a in samples {
            for b in samples {
                let equal = a.model == b.model
                source += "left = \(a.source); right = \(b.source);\n"
                source += "print left == right; print left != right;\n"
                both(equal)
                source += "{ var x = \(a.source); var y = \(b.source); print x == y; print x != y; "
                source += "print x == right; print x != right; print left == y; print left != y; }\n"
                both(equal); both(equal); both(equal)
                source += "compareParameters(\(a.source), \(b.source));\n"
                both(equal)
                if let literal = b.literal {
                    source += "print left == \(literal); print left != \(literal); "
                    source += "{ var x = \(a.source); print x == \(literal); print x != \(literal); }\n"
                    both(equal); both(equal)
                }
            }
            let reflexive = a.model == a.model
            source += "left = \(a.source); print left == left; print left != left; "
            source += "{ var x = \(a.source); print x == x; print x != x; }\n"
            both(reflexive); both(reflexive)
        }
        return (source, expected.map { $0 + "\n" }.joined())
    }

    @Test(arguments: [false, true])
    func equalityOfEveryPairFromEveryPlace(genericNodes: Bool) async throws {
        let (source, expected) = FastPathMatrixTests.equalityProgram()
        try await FastPathMatrixTests.expect(source, prints: expected, genericNodes: genericNodes)
    }

    /// An undefined global on either side of `==` is the same error on both paths, whichever side.
    @Test(arguments: ["undefinedName == x", "x == undefinedName", "undefinedName != undefinedName"])
    func equalityWithAnUndefinedGlobalIsTheNameError(_ comparison: String) async throws {
        for genericNodes in [false, true] {
            let source = "var x = 1;\nfun f() { return \(comparison); }\nprint f();\n"
            let result = try await FastPathMatrixTests.run(source, genericNodes: genericNodes)
            #expect(result.status == 70)
            #expect(result.stderr.contains("Undefined variable 'undefinedName'."), "\(result.stderr)")
            #expect(result.stderr.contains("[line 2]"), "\(result.stderr)")
        }
    }

    /// Classes of 0–9 fields set in `init`; an instance that gains a field after the class's shape is
    /// known, one made after the class grew, fields set in another order, an `Error` subclass, and
    /// instances linked in a cycle through their last field (freed by the collector).
    static func fieldProgram() -> (source: String, expected: String) {
        var source = ""
        var expected: [String] = []
        for count in 0...9 {
            let fields = (0..<count).map { "f\($0)" }
            let sum = fields.isEmpty ? "0" : fields.map { "this.\($0)" }.joined(separator: " + ")
            let initBody = fields.enumerated().map { "this.\($1) = \($0 + 1);" }.joined(separator: " ")
            let reverse = fields.enumerated().reversed().map { "r.\($1) = \(10 * ($0 + 1));" }.joined(separator: " ")
            source += """
                class K\(count) { init() { \(initBody) } sum() { return \(sum); } }
                class E\(count) < Error { init() { \(initBody) } sum() { return \(sum); } }
                {
                  var a = K\(count)(); print a.sum();
                  a.extra = 100; print a.extra + a.sum();
                  var b = K\(count)(); print b.sum(); b.extra = 7; b.more = 8; print b.extra + b.more + a.extra;
                  var r = K\(count)(); \(reverse) print r.sum();
                  var e = E\(count)(); print e.sum(); e.extra = 5; print e.extra;
                  var first = K\(count)(); var last = first;
                  for (var i = 0; i < 200; i = i + 1) { var next = K\(count)(); last.link = next; last = next; }
                  last.link = first;
                  var walked = 0; var at = first.link; while (at != first) { walked = walked + 1; at = at.link; }
                  print walked;
                }

                """
            let plain = count * (count + 1) / 2
            expected += ["\(plain)", "\(100 + plain)", "\(plain)", "\(7 + 8 + 100)", "\(10 * plain)",
                         "\(plain)", "5", "200"]
        }
        return (source, expected.map { $0 + "\n" }.joined())
    }

    @Test(arguments: [false, true])
    func fieldsOfEveryShape(genericNodes: Bool) async throws {
        let (source, expected) = FastPathMatrixTests.fieldProgram()
        try await FastPathMatrixTests.expect(source, prints: expected, genericNodes: genericNodes)
    }

    /// `variable = variable op operand;` for every arithmetic operator, a local or a global target,
    /// an operand that is a literal, a local or a global, and values of every type on both sides
    /// (numbers the fast path takes, the rest the general assignment, errors included), plus an
    /// undefined global: compared with the generic nodes, after checking that the specialised program
    /// does take `NumberUpdateStatement` for every case.
    static func numberUpdateProgram() -> String {
        let ops = ["+", "-", "*", "/", "%"]
        let values = ["7", "-0", "0.5", "0", "\"s\"", "nil", "true"]
        var source = "var g = nil; var h = nil; fun id(v) { return v; }\n"
        var calls = ""
        for (index, op) in ops.enumerated() {
            let forms = [
                ("local\(index)Literal", "x", "x = x \(op) 2;"),
                ("local\(index)Local", "x, y", "x = x \(op) y;"),
                ("local\(index)Global", "x", "x = x \(op) h;"),
                ("global\(index)Literal", "", "g = g \(op) 2;"),
                ("global\(index)Local", "y", "g = g \(op) y;"),
                ("global\(index)Global", "", "g = g \(op) h;"),
                // Operands of any other shape (`ExpressionUpdateStatement`): an index, a call; a call
                // may assign a global, so `g = g op id(y)` keeps the general node.
                ("local\(index)Index", "x, y", "x = x \(op) [y][0];"),
                ("local\(index)Call", "x, y", "x = x \(op) id(y);"),
                ("global\(index)Index", "y", "g = g \(op) [y][0];"),
                ("global\(index)Call", "y", "g = g \(op) id(y);"),
            ]
            for (name, parameters, update) in forms {
                let result = name.hasPrefix("local") ? "x" : "g"
                source += "fun \(name)(\(parameters)) { try { \(update) print \(result); } catch (e) { print e.message; } }\n"
                for target in values {
                    for operand in values {
                        let arguments = switch parameters {
                        case "x, y": "\(target), \(operand)"
                        case "x": target
                        case "y": operand
                        default: ""
                        }
                        calls += "g = \(target); h = \(operand); \(name)(\(arguments));\n"
                    }
                }
            }
        }
        source += "fun undefinedTarget() { try { undefinedGlobal = undefinedGlobal + 1; } catch (e) { print e.message; } }\n"
        source += "fun undefinedOperand(x) { try { x = x + undefinedGlobal[0]; } catch (e) { print e.message; } print x; }\n"
        source += "fun failingOperand(x) { try { x = x + [][0]; } catch (e) { print e.message; } print x; }\n"
        return source + calls + "undefinedTarget(); undefinedOperand(1); failingOperand(2);\n"
    }

    @Test func numberUpdatesAgreeWithTheGenericNodes() async throws {
        let source = FastPathMatrixTests.numberUpdateProgram()
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let updates = nodes.stdout.components(separatedBy: "NumberUpdateStatement(").count - 1
        #expect(updates == 31, "\(updates) number updates chosen, 31 expected:\n\(nodes.stdout.prefix(2000))")
        let expressionUpdates = nodes.stdout.components(separatedBy: "ExpressionUpdateStatement(").count - 1
        #expect(expressionUpdates == 5 * 3 + 2, "\(expressionUpdates) expression updates chosen")
        #expect(fast.status == 0 && fast.stderr.isEmpty, "\(fast.stderr.prefix(1000))")
        let lines = fast.stdout.split(separator: "\n").count
        let cases = 5 * 10 * 49 + 1 + 2 * 2
        #expect(lines == cases)
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stdout.contains("Operands must be numbers."))
        #expect(fast.stdout.contains("Operands must be two numbers or two strings."))
        #expect(fast.stdout.contains("Undefined variable 'undefinedGlobal'."))
    }

    /// `variable[index]` with a list, a map, a string and other values in a local or a global, indexed
    /// by a literal, a local or a global of every kind (in range, negative, past the end, fractional,
    /// a string, nil): compared with the generic nodes, after checking that `PlaceIndexNode` is chosen.
    @Test func indexingInPlaceAgreesWithTheGenericNodes() async throws {
        let objects = ["[10, 20, 30]", "[\"a\", [1], nil]", "{\"k\": 1, 2: \"two\"}", "\"héllo\"", "nil", "7", "[]"]
        let indexes = ["0", "2", "-1", "-3", "3", "-4", "1.5", "\"k\"", "nil", "1000000000000000000"]
        var source = "var g = nil; var h = nil;\n"
        source += "fun localLocal(o, i) { try { print o[i]; } catch (e) { print e.message; } }\n"
        source += "fun localGlobal(o) { try { print o[h]; } catch (e) { print e.message; } }\n"
        source += "fun globalLocal(i) { try { print g[i]; } catch (e) { print e.message; } }\n"
        for (number, index) in indexes.enumerated() {
            source += "fun literal\(number)(o) { try { print o[\(index)]; print g[\(index)]; } catch (e) { print e.message; } }\n"
        }
        for object in objects {
            for (number, index) in indexes.enumerated() {
                source += "g = \(object); h = \(index); localLocal(\(object), \(index)); localGlobal(\(object)); "
                source += "globalLocal(\(index)); literal\(number)(\(object));\n"
            }
        }
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let chosen = nodes.stdout.components(separatedBy: "PlaceIndexNode(").count - 1
        // A negative literal is a negation, not a literal: those index through `IndexNode`.
        let literals = indexes.filter { !$0.hasPrefix("-") }.count
        #expect(chosen == 3 + 2 * literals, "\(chosen) PlaceIndexNodes")
        #expect(fast.status == 0 && fast.stderr.isEmpty, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stdout.contains("30\n"))
        #expect(fast.stdout.contains("out of range"))
        #expect(fast.stdout.contains("Index must be a whole number."))
    }

    /// `variable[index] = value` with a list, a map, a string and other values in a local or a global,
    /// indexed by a literal, a local or a global of every kind, and values that read the list, shrink it
    /// (`pop`, which the position is checked after, as on the generic path), assign the variable (which
    /// keeps the generic node) or fail: compared with the generic nodes, after checking where
    /// `PlaceIndexSetNode` is chosen. Each case prints the object after the assignment, or the error.
    @Test func indexAssignmentInPlaceAgreesWithTheGenericNodes() async throws {
        let objects = ["[10, 20, 30]", "{\"k\": 1, 2: \"two\"}", "\"héllo\"", "nil", "7", "[]"]
        let indexes = ["0", "2", "-1", "3", "1.5", "\"k\"", "nil", "1000000000000000000"]
        // VAR is the variable assigned.
        let values = ["5", "VAR[0]", "VAR.pop()", "(VAR = [1, 2, 3, 4])", "undefinedName", "[VAR]"]
        var source = "var g = nil; var h = nil;\n"
        source += "fun show(o) { if (type(o) == \"list\" and len(o) > 0 and type(o[len(o) - 1]) == \"list\") return \"nested\"; return o; }\n"
        for (valueNumber, value) in values.enumerated() {
            let local = value.replacingOccurrences(of: "VAR", with: "o")
            let global = value.replacingOccurrences(of: "VAR", with: "g")
            source += "fun localLocal\(valueNumber)(o, i) { try { o[i] = \(local); print show(o); } catch (e) { print e.message; } }\n"
            source += "fun localGlobal\(valueNumber)(o) { try { o[h] = \(local); print show(o); } catch (e) { print e.message; } }\n"
            source += "fun globalLocal\(valueNumber)(i) { try { g[i] = \(global); print show(g); } catch (e) { print e.message; } }\n"
            source += "fun globalLiteral\(valueNumber)() { try { g[1] = \(global); print show(g); } catch (e) { print e.message; } }\n"
        }
        for object in objects {
            for index in indexes {
                for valueNumber in values.indices {
                    source += "h = \(index); localLocal\(valueNumber)(\(object), \(index)); localGlobal\(valueNumber)(\(object)); "
                    source += "g = \(object); globalLocal\(valueNumber)(\(index)); g = \(object); globalLiteral\(valueNumber)();\n"
                }
            }
        }
        // As a statement and as an expression whose value is used.
        source += "var xs = [1, 2, 3]; var i = 1; print xs[i] = xs[i] * 10; xs[2] = xs[0]; print xs;\n"
        // The index is read before the value, which assigns its variable (an assignment in the value
        // keeps the generic node; a call assigning a global index does not).
        source += "fun indexFirst(ys, j) { ys[j] = (j = 2); print ys; print j; } indexFirst([1, 2, 3], 0);\n"
        source += "var k = 0; fun bump() { k = 2; return 9; }\n"
        source += "fun globalIndexFirst(ys) { ys[k] = bump(); print ys; print k; } globalIndexFirst([1, 2, 3]);\n"
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let chosen = nodes.stdout.components(separatedBy: "PlaceIndexSetNode(").count - 1
        // Four values keep it in the four functions, `pop` in the two with a local list (a call may
        // assign a global), the assignment in none; the two lines of the list `xs`, and the list
        // indexed by a global that a call assigns.
        #expect(chosen == 4 * 4 + 2 + 2 + 1, "\(chosen) PlaceIndexSetNodes")
        #expect(fast.status == 0 && fast.stderr.isEmpty, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stdout.contains("[10, 20, 5]\n"))
        #expect(fast.stdout.contains("[10, 30]\n"))
        #expect(fast.stdout.hasSuffix("20\n[1, 20, 1]\n[2, 2, 3]\n2\n[9, 2, 3]\n2\n"))
        #expect(fast.stdout.contains("out of range"))
        #expect(fast.stdout.contains("Only lists and maps support index assignment."))
    }

    /// `variable.push(argument)` on a local and on a global holding a list, an empty list, a map, a
    /// string, nil, a number, an instance whose class has a `push` method and one whose field holds a
    /// function; with an argument that is a number, the receiver itself, an assignment of another list
    /// to the variable (the old list is the receiver), an undefined name, and with no or two
    /// arguments: compared with the generic nodes, which call through a bound method.
    @Test func pushInPlaceAgreesWithTheGenericNodes() async throws {
        let receivers = ["[1]", "[]", "{\"k\": 1}", "\"text\"", "nil", "7", "Pusher()", "Holder()"]
        let arguments = ["5", "VAR", "(VAR = [99])", "undefinedName", "", "1, 2"]
        var source = """
            class Pusher { push(x) { return "method " + str(x); } }
            fun fieldPush(x) { return "field " + str(x); }
            class Holder { init() { this.push = fieldPush; } }
            var g = nil;

            """
        source += Self.localAndGlobalMatrix(receivers, arguments, local: "o",
            "var before = VAR; try { print VAR.push(ARG); } catch (e) { print e.message; } print before; print VAR;")
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let invokes = nodes.stdout.components(separatedBy: "InvokeNode(slot 1, push").count - 1
            + nodes.stdout.components(separatedBy: "InvokeNode(global g, push").count - 1
        #expect(invokes == 2 * receivers.count * arguments.count, "\(invokes) push invocations on a variable")
        #expect(fast.status == 0 && fast.stderr.isEmpty, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stdout.split(separator: "\n").count == 2 * 3 * receivers.count * arguments.count)
        #expect(fast.stdout.contains("[1, 5]\n"))
        #expect(fast.stdout.contains("[1, [99]]\n[99]\n"))
        #expect(fast.stdout.contains("method 5\n"))
        #expect(fast.stdout.contains("field 5\n"))
        #expect(fast.stdout.contains("Undefined variable 'undefinedName'."))
        // A missing method is an error before the arguments run: the variable is not assigned.
        #expect(fast.stdout.contains("Undefined property 'push' on map.\n{\"k\": 1}\n{\"k\": 1}\n"))
    }

    /// `callee(argument)` where the callee may be a native of one argument, which `DirectCallNode`
    /// calls without the argument array: every such native and other callees, from a local and a
    /// global, with arguments of every kind, ones that fail, and one that assigns the callee's variable
    /// (the callee was read before it), against `--generic-nodes`, after checking the calls are
    /// `DirectCallNode`s (or `SlotCallNode`s, which call anything but a plain function as it does, and
    /// `GlobalCallNode`s). An uncaught error at the end checks the traceback both ways.
    @Test func oneArgumentNativesAgreeWithTheGenericNodes() async throws {
        let callees = ["len", "str", "type", "num", "spawn", "floor", "fun1", "Box", "7", "nil"]
        let arguments = ["\"h\u{e9}llo\"", "\" 42 \"", "[1, [2]]", "{\"a\": 1}", "nil", "true", "12.5", "Box(3)",
                         "undefinedName", "boom()", "(VAR = type)", "", "1, 2"]
        var source = """
            fun fun1(x) { return "fun1 " + str(x); }
            class Box { init(v) { this.v = v; } }
            fun boom() { throw Error("boom"); }
            var g = nil;

            """
        source += Self.localAndGlobalMatrix(callees, arguments, local: "f",
            "try { print VAR(ARG); } catch (e) { print e.message; } print type(VAR);")
        source += "print len(7);\n"
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let direct = nodes.stdout.components(separatedBy: "DirectCallNode(SlotGetNode(slot 1)").count - 1
            + nodes.stdout.components(separatedBy: "SlotCallNode(SlotGetNode(slot 1)").count - 1
            + nodes.stdout.components(separatedBy: "GlobalCallNode(GlobalGetNode(g)").count - 1
        #expect(direct == 2 * callees.count * arguments.count, "\(direct) calls of a variable")
        #expect(fast.status == 70 && plain.status == 70)
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stderr == plain.stderr)
        #expect(fast.stderr.hasPrefix("len() takes a string, list or map, not number.\n[line "), "\(fast.stderr)")
        #expect(fast.stdout.split(separator: "\n").count == 2 * 2 * callees.count * arguments.count)
        for line in ["5", "42", "2", "1", "h\u{e9}llo", "[1, [2]]", "string", "list", "Box instance", "fun1 12.5",
                     "len() takes a string, list or map, not nil.", "Can't convert \"h\u{e9}llo\" to a number.",
                     "Undefined variable 'undefinedName'.", "boom", "Expected 1 arguments but got 0.",
                     "Expected 1 arguments but got 2.", "Can only call functions and classes."] {
            #expect(fast.stdout.contains("\n\(line)\n"), "prints \(line)")
        }
    }

    /// `len(argument)` (`LenNode`) with an argument of every kind in a local, a global and an expression
    /// (a list, an empty one, a string of several scalars, a map, an instance, nil, a number, an
    /// undefined name, a call that fails, one that assigns `len`), while `len` is the built-in, after
    /// the global `len` is set to a function, a class, another native, nil, and while a local `len`
    /// hides it: against the generic nodes, after checking where `LenNode` is chosen.
    @Test func lenAgreesWithTheGenericNodes() async throws {
        let arguments = ["[1, 2, 3]", "[]", "\"h\u{e9}llo\"", "{\"a\": 1, \"b\": 2}", "Box(3)", "nil", "12.5",
                         "undefinedName", "boom()", "reassign()"]
        let callees = ["builtin", "fun (x) { return \"function \" + str(x); }", "Box", "str", "nil"]
        var source = """
            class Box { init(v) { this.v = v; } }
            fun boom() { throw Error("boom"); }
            var builtin = len;
            fun reassign() { len = str; return [1]; }
            var g = nil;

            """
        for (a, argument) in arguments.enumerated() {
            source += "fun local\(a)() { var o = \(argument); print len(o); }\n"
            source += "fun global\(a)() { g = \(argument); print len(g); }\n"
            source += "fun expression\(a)() { print len(\(argument)); }\n"
            source += "fun hidden\(a)() { var len = type; print len(\(argument)); }\n"
        }
        for callee in callees {
            for a in arguments.indices {
                for kind in ["local", "global", "expression", "hidden"] {
                    source += "len = \(callee); try { \(kind)\(a)(); } catch (e) { print e.message; }\n"
                }
            }
        }
        source += "len = builtin; var xs = [1, 2]; print len(xs) + len(\"ab\") * 10;\n"
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let chosen = nodes.stdout.components(separatedBy: "LenNode(").count - 1
        #expect(chosen == 3 * arguments.count + 2, "\(chosen) LenNodes")
        #expect(fast.status == 0 && fast.stderr.isEmpty, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stdout.split(separator: "\n").count == callees.count * arguments.count * 4 + 1)
        for line in ["3", "0", "5", "2", "function [1, 2, 3]", "Box instance", "12.5", "list", "nil",
                     "len() takes a string, list or map, not Box.", "len() takes a string, list or map, not nil.",
                     "Undefined variable 'undefinedName'.", "boom", "Can only call functions and classes.", "22"] {
            #expect(fast.stdout.contains("\n\(line)\n"), "prints \(line)")
        }
    }

    /// `await receiver.name(arguments)` (`AwaitMethodNode`), which runs a stream's `read`, `readLine`,
    /// `readAll` and `write` without the coroutine of the call: every method, property and missing name
    /// with right and wrong arguments, on a connection whose peer sent two lines and closed, one closed
    /// here, a queue, instances with a method and a field of those names, a string, nil and a map,
    /// each read from a local, a global and a call — against `--generic-nodes`, whose `await` takes
    /// the call's coroutine apart. An uncaught error through an await that spans two lines ends the
    /// program: the tracebacks agree too.
    @Test func awaitedMethodsAgreeWithTheGenericNodes() async throws {
        let receivers = ["await connection()", "await closedConnection()", "Queue()", "Reader()", "Holder()",
                         "\"text\"", "nil", "{\"readLine\": 1}"]
        let calls = ["readLine()", "readLine(1)", "read(3)", "read()", "read(0)", "read(\"x\")", "readAll()",
                     "readAll(VAR)", "write(\"ping\\n\")", "write()", "write(5)", "write(\"a\", \"b\")",
                     "write(undefinedName)", "put(VAR)", "close()", "peer()", "isOpen()", "nosuch(undefinedName)"]
        var source = """
            import "net" as net;
            var server = await net.listen("127.0.0.1", 0, async fun (peer) {
              await peer.write("line one\\nline two\\n");
              peer.close();
            });
            async fun connection() { return await net.connect("127.0.0.1", server.port); }
            async fun closedConnection() { var c = await connection(); c.close(); return c; }
            class Reader { async readLine() { return "method readLine"; } write(x) { return "sync write"; } }
            async fun fieldRead() { return "field readLine"; }
            class Holder { init() { this.readLine = fieldRead; } }
            var port = str(server.port);
            var g = nil;
            var ga = nil;
            var held = nil;
            fun heldValue() { return held; }

            """
        var cases = ""
        for (r, receiver) in receivers.enumerated() {
            for (c, call) in calls.enumerated() {
                // The await as a value (printed), then in each shape its parent runs in its own frame
                // (`AwaitedChild`): a declaration's initializer, an assigned value (to a local and a
                // global), a statement, tested against nil (assigned or not), a `while`'s condition
                // and body, a returned value.
                let body = { (variable: String) in
                    let awaited = "await \(variable).\(call.replacingOccurrences(of: "VAR", with: variable))"
                    return ["print \(awaited);", "var d = \(awaited); print d;", "var a; a = \(awaited); print a;",
                            "ga = \(awaited); print ga;", "\(awaited); print \"statement\";",
                            "print (\(awaited)) != nil;", "var n; print (n = \(awaited)) == nil; print n;",
                            "var w; var k = 0; while ((w = \(awaited)) != nil) { print w; k = k + 1; if (k > 2) break; }",
                            "for (var i = 0; i < 2; i = i + 1) \(awaited); print \"looped\";",
                            "async fun returned() { return \(awaited); } print await returned();"]
                        .map { "try { \($0) } catch (e) { print e.message.replace(port, \"PORT\"); }" }
                        .joined(separator: " ")
                }
                source += "async fun local\(r)_\(c)() { var o = \(receiver); \(body("o")) }\n"
                source += "async fun global\(r)_\(c)() { g = \(receiver); \(body("g")) }\n"
                source += "async fun call\(r)_\(c)() { held = \(receiver); \(body("heldValue()")) }\n"
                cases += "await local\(r)_\(c)(); await global\(r)_\(c)(); await call\(r)_\(c)();\n"
            }
        }
        source += cases + """
            async fun twoLines(c) {
              return await c
                .write(5);
            }
            await twoLines(await connection());

            """
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let fused = nodes.stdout.components(separatedBy: "AwaitMethodNode(InvokeNode(").count - 1
        #expect(fused >= 10 * 3 * receivers.count * calls.count + 1, "\(fused) awaited invocations")
        #expect(fast.status == 70 && plain.status == 70, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stderr == plain.stderr)
        #expect(fast.stderr.hasPrefix("write() takes a string as its text, not number.\n"), "\(fast.stderr)")
        for line in ["line one", "lin", "line one\nline two\n", "nil", "method readLine", "field readLine",
                     "read() takes a positive byte count, not 0.", "readLine() expected 0 arguments but got 1.",
                     "Can't write to '127.0.0.1:PORT': Connection closed.",
                     "write() takes a string as its text, not number.", "Undefined variable 'undefinedName'.",
                     "Can only await coroutines and tasks.", "Undefined property 'nosuch' on Connection."] {
            #expect(fast.stdout.contains("\n\(line)\n"), "prints \(line)")
        }
    }

    /// `variable.name(arguments)` on the library's native objects, whose methods `InvokeNode` calls
    /// without making the bound method: each method of each, with the wrong arguments, a name that is
    /// none, and an argument that assigns the variable, against `--generic-nodes`.
    @Test func nativeObjectMethodsAgreeWithTheGenericNodes() async throws {
        let objects = ["Queue()", "Queue(1)", "Lock()", "Event()", "Semaphore(2)"]
        let calls = ["size()", "isEmpty()", "put(1)", "put(VAR)", "put((VAR = 5))", "put()", "put(1, 2)", "get()",
                     "locked()", "acquire()", "release()", "value()", "isSet()", "set()", "clear()", "wait()",
                     "nosuch(1)", "nosuch(undefinedName)", "size(undefinedName)"]
        var source = "import \"net\" as net;\nvar g = nil;\n"
        source += Self.localAndGlobalMatrix(objects, calls, local: "o",
            "try { print type(VAR.ARG); } catch (e) { print e.message; } print VAR;")
        // A property called (a number), a method, and neither, on a server.
        source += """
            var server = await net.listen("127.0.0.1", 0, fun (connection) {});
            try { print server.host(undefinedName); } catch (e) { print e.message; }
            try { print server.host(); } catch (e) { print e.message; }
            try { print server.nosuch(undefinedName); } catch (e) { print e.message; }
            print server.close();

            """
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let invokes = nodes.stdout.components(separatedBy: "InvokeNode(slot 1, ").count - 1
            + nodes.stdout.components(separatedBy: "InvokeNode(global g, ").count - 1
        #expect(invokes == 2 * objects.count * calls.count, "\(invokes) method calls on a variable")
        #expect(fast.status == plain.status)
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stderr == plain.stderr)
        #expect(fast.stdout.split(separator: "\n").count == 2 * 2 * objects.count * calls.count + 4)
        #expect(fast.stdout.hasSuffix("""
            Undefined variable 'undefinedName'.
            Can only call functions and classes.
            Undefined property 'nosuch' on Server.
            nil

            """), "\(fast.stdout.suffix(200))")
        for line in ["number", "bool", "coroutine", "<Queue 0>", "<Lock unlocked>", "Undefined property 'nosuch' on Queue.",
                     "Undefined variable 'undefinedName'.", "put() expected 1 arguments but got 0.", "5"] {
            #expect(fast.stdout.contains("\n\(line)\n"), "prints \(line)")
        }
    }

    /// `for` loops of every shape `CountingLoopStatement` takes and of shapes next to it: each ordering
    /// against a literal, a local, a global, a NaN, a string and an undefined name, stepped up, down,
    /// by fractions and by −0, from numbers and non-numbers, with bodies that break, continue, return,
    /// nest, throw, capture the variable (then it is boxed and the loop is a `WhileStatement`), or
    /// assign the variable or the limit a number, a string or nil; every loop stops after 12 turns.
    /// Each prints what it saw; compared with the generic nodes, after counting the loops chosen.
    static func countingLoopProgram() -> (source: String, counting: Int) {
        let comparisons = ["<", "<=", ">", ">="]
        // (limit, counted): a negative literal is a negation, and `(0/0)` an expression: not counted.
        let limits = [("3", true), ("2.5", true), ("-2", false), ("lim", true), ("g", true), ("nan", true),
                      ("text", true), ("undefinedLimit", true), ("(0/0)", false)]
        let steps = ["+ 1", "- 1", "+ 0.5", "- 0", "+ 2", "* 2"]
        let starts = ["0", "10", "0.5", "-0", "\"s\"", "nil"]
        // (body, counted): a body that captures the variable boxes it.
        let bodies = [("", true), ("continue;", true), ("if (i > 1) break;", true), ("if (n == 3) return;", true),
                      ("i = \"s\";", true), ("i = nil;", true), ("i = i + 10;", true), ("i = i - 0.25;", true),
                      ("lim = lim - 1;", true), ("g = g + 1;", true), ("lim = \"x\";", true),
                      ("if (n == 2) throw Error(\"thrown\");", true),
                      ("for (var j = 0; j < 2; j = j + 1) log = log + \"j\";", true),
                      ("var f = fun () { return i; }; log = log + str(f()) + \"f \";", false)]
        var source = """
            var g = 3; var nan = 0/0; var text = "t";

            """
        var calls = "", counting = 0, number = 0
        func add(start: String, comparison: String, limit: (String, Bool), step: String, body: (String, Bool)) {
            number += 1
            if limit.1 && body.1 && (step.hasPrefix("+") || step.hasPrefix("-")) { counting += 1 }
            if body.0.hasPrefix("for") { counting += 1 }
            source += """
                fun loop\(number)(lim) {
                  var n = 0; var log = "";
                  try {
                    for (var i = \(start); i \(comparison) \(limit.0); i = i \(step)) {
                      n = n + 1; if (n > 12) break;
                      \(body.0)
                      log = log + str(i) + " ";
                    }
                    print "\(number) done " + str(n) + ": " + log;
                  } catch (e) { print "\(number) error " + str(n) + " " + e.message + ": " + log; }
                }

                """
            calls += "g = 3; loop\(number)(3);\n"
        }
        for comparison in comparisons {
            for limit in limits {
                for step in steps { add(start: "0", comparison: comparison, limit: limit, step: step, body: ("", true)) }
            }
        }
        for start in starts {
            for body in bodies { add(start: start, comparison: "<", limit: ("3", true), step: "+ 1", body: body) }
        }
        for limit in limits {
            for body in bodies { add(start: "0", comparison: "<=", limit: limit, step: "+ 0.5", body: body) }
        }
        // At the top level (the variable is a slot of the script's frame), in an async function with and
        // without an await in the body, and an uncaught error last, for the traceback's line.
        source += """
            var top = "";
            for (var i = 0; i < 4; i = i + 1) top = top + str(i);
            print top;
            async fun counts() {
              var seen = "";
              for (var i = 5; i > 0; i = i - 2) seen = seen + str(i);
              return seen;
            }
            async fun countsPausing() {
              var seen = "";
              for (var i = 5; i > 0; i = i - 2) { seen = seen + str(i); await sleep(0); }
              return seen;
            }

            """
        counting += 2
        calls += """
            print await counts();
            print await countsPausing();
            for (var i = 0; i < 3; i = i + 1) { if (i == 1) i = "s"; }

            """
        return (source + calls, counting)
    }

    @Test func countingLoopsAgreeWithTheGenericNodes() async throws {
        let (source, counting) = Self.countingLoopProgram()
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let chosen = nodes.stdout.components(separatedBy: "CountingLoopStatement(").count - 1
        // The last loop, at the top level, is one too.
        #expect(chosen == counting + 1, "\(chosen) counting loops chosen, \(counting + 1) expected")
        #expect(fast.status == 70 && plain.status == 70)
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stderr == plain.stderr)
        #expect(fast.stderr.hasPrefix("Operands must be two numbers or two strings.\n[line "), "\(fast.stderr)")
        for line in ["1 done 3: 0 1 2 ", "0123", "531", "Operands must be numbers.", "Undefined variable 'undefinedLimit'.",
                     "thrown", "done 13: "] {
            #expect(fast.stdout.contains(line), "prints \(line)")
        }
    }

    /// `if (x op number)` with `x` a parameter, which `SlotComparisonIfStatement` tests where it lies:
    /// each comparison (one subclass each) against whole, fractional and zero literals, for numbers,
    /// −0, NaN, infinity and every other kind of value, with and without `else`, with branches that
    /// print and branches that return (a local, an expression, one that fails: the returns
    /// `Statement.execInline` runs in place, as the body of a pair and alone), and next to shapes it
    /// does not take (a negative literal, a global, an arithmetic operator, a body that awaits).
    /// Compared with the generic nodes after counting the statements chosen; an uncaught error last
    /// checks the line.
    @Test func slotComparisonsInIfAgreeWithTheGenericNodes() async throws {
        let comparisons = ["<", "<=", ">", ">=", "==", "!="]
        let literals = ["2", "2.5", "0", "-1"]
        let values = ["1", "2", "3", "2.5", "-0", "0", "nan", "1/0", "-1/0", "\"2\"", "nil", "true", "[2]", "C()"]
        var source = "class C {}\nvar nan = 0/0;\nvar g = 1;\n"
        var calls = "", expected = 0
        for (c, comparison) in comparisons.enumerated() {
            for (l, literal) in literals.enumerated() {
                let taken = !literal.hasPrefix("-")
                source += """
                    fun if\(c)_\(l)(x) { if (x \(comparison) \(literal)) print "then"; }
                    fun else\(c)_\(l)(x) { if (x \(comparison) \(literal)) { print "then"; } else print "else"; }
                    fun global\(c)_\(l)(x) { g = x; if (g \(comparison) \(literal)) print "then"; else print "else"; }
                    fun return\(c)_\(l)(x) { if (x \(comparison) \(literal)) return x; return [x]; }
                    fun returnElse\(c)_\(l)(x) { if (x \(comparison) \(literal)) return -x; else return x; }

                    """
                if taken { expected += 4 }
                for (v, value) in values.enumerated() {
                    let call = "try { print \"\(comparison) \(literal) #\(v)\"; if\(c)_\(l)(\(value)); else\(c)_\(l)(\(value)); "
                        + "global\(c)_\(l)(\(value)); print return\(c)_\(l)(\(value)); "
                        + "print returnElse\(c)_\(l)(\(value)); } catch (e) { print e.message; }\n"
                    calls += call
                }
            }
        }
        source += """
            fun arithmetic(x) { if (x + 2) print "then"; else print "else"; }
            async fun pausing(x) { if (x < 2) await sleep(0); else print "else"; return x; }
            fun returns(n) { if (n < 2) return n; return returns(n - 1) + returns(n - 2); }

            """
        calls += """
            arithmetic(1); arithmetic(-2);
            print await pausing(1); print await pausing(3);
            print returns(15);
            {
              var s = "text";
              if (s < 2) print "unreachable";
            }

            """
        let (nodes, fast, plain) = try await Self.runThreeWays(source + calls)
        let chosen = nodes.stdout.components(separatedBy: "SlotComparisonIfStatement(").count - 1
        // `returns`' base case and the top level's `s < 2` (a slot of the script's frame) are two more.
        #expect(chosen == expected + 2, "\(chosen) chosen, \(expected + 2) expected")
        #expect(fast.status == 70 && plain.status == 70)
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stderr == plain.stderr)
        #expect(fast.stderr.hasPrefix("Operands must be numbers.\n[line "), "\(fast.stderr)")
        #expect(fast.stdout.hasSuffix("then\nthen\n1\nelse\n3\n610\n"), "\(fast.stdout.suffix(100))")
        // Values #0, #4, #6 and #9 are 1, -0, NaN and "2"; #12 a list; returnElse negates a number
        // that passes and fails to negate anything else.
        for line in ["< 2 #0\nthen\nthen\nthen\n1\n-1\n", "== 0 #4\nthen\nthen\nthen\n-0\n0\n",
                     "!= 2 #6\nthen\nthen\nthen\nNaN\nNaN\n", "== 2 #6\nelse\nelse\n[NaN]\nNaN\n",
                     "== 2 #9\nelse\nelse\n[\"2\"]\n2\n", "> 0 #12\nOperands must be numbers.",
                     "!= 2 #12\nthen\nthen\nthen\n[2]\nOperand must be a number.", "Operands must be numbers."] {
            #expect(fast.stdout.contains(line), "prints \(line)")
        }
    }

    /// `if` statements whose condition the `IfStatement` subclasses test inline: two variables compared
    /// with each operator (`PlacesIfStatement`), a variable and nil, a string or a boolean
    /// (`PlaceConstantIfStatement`), a global and a number (`PlaceNumberIfStatement`; a local takes
    /// `SlotComparisonIfStatement`), and a nil test of a field or a call (`NilTestIfStatement`), next to
    /// a shape none takes (a negative literal). Each over values of every kind, from globals, locals and
    /// parameters, with and without `else`, returning from the branch, in an async function whose branch
    /// awaits, and at the top level; an uncaught undefined name last checks the line. Compared with the
    /// generic nodes after counting the statements chosen.
    @Test func inlineTestIfsAgreeWithTheGenericNodes() async throws {
        let values = ["nil", "true", "false", "0", "-0", "1.5", "0/0", "\"abc\"", "\"ab\" + \"c\"", "\"\"",
                      "[1]", "Box(nil)", "Box(1)", "Box", "id", "clock"]
        let pairTemplates = ["A == B", "A != B", "A < B", "A >= B"]
        let constantTemplates = ["A == nil", "A != nil", "A == \"abc\"", "A != true", "A == false"]
        let numberTemplates = ["A < 1.5", "A == 0", "A != 1.5"]
        let nilTestTemplates = ["A.f == nil", "id(A) != nil"]
        let otherTemplates = ["A != -2"]
        var source = """
            class Box { init(f) { this.f = f; } }
            fun id(x) { return x; }
            var g = nil; var h = nil;

            """
        var calls = ""
        var index = 0
        func add(_ template: String, _ a: String, _ b: String) {
            func condition(_ left: String, _ right: String) -> String {
                template.replacingOccurrences(of: "A", with: left).replacingOccurrences(of: "B", with: right)
            }
            index += 1
            source += """
                fun g\(index)() { g = \(a); h = \(b); if (\(condition("g", "h"))) print "then"; else print "else"; }
                fun l\(index)() { var x = \(a); var y = \(b); if (\(condition("x", "y"))) print "then"; }
                fun r\(index)(x, y) { if (\(condition("x", "y"))) return "returned"; return "fell through"; }

                """
            calls += "try { print \"#\(index)\"; g\(index)(); l\(index)(); print r\(index)(\(a), \(b)); } "
                + "catch (e) { print e.message; }\n"
        }
        for template in pairTemplates { for a in values { for b in values { add(template, a, b) } } }
        for template in constantTemplates + numberTemplates + nilTestTemplates + otherTemplates {
            for a in values { add(template, a, "nil") }
        }
        // A branch that awaits: the statement runs through `execAsync`.
        for (t, template) in (pairTemplates + constantTemplates + numberTemplates + nilTestTemplates).enumerated() {
            let condition = template.replacingOccurrences(of: "A", with: "x").replacingOccurrences(of: "B", with: "y")
            source += "async fun a\(t)(x, y) { if (\(condition)) await sleep(0); else print \"else\"; return \"async done\"; }\n"
            calls += "for (var v = 0; v < 3; v = v + 1) { var x = [nil, 0, Box(nil)][v]; "
                + "try { print await a\(t)(x, x); } catch (e) { print e.message; } }\n"
        }
        // The top level's own frame, and last an undefined name, uncaught.
        calls += """
            g = "abc"; h = "ab" + "c";
            if (g == h) print "top then"; else print "top else";
            if (g != "abc") print "top then"; else print "top else";
            if (g == nil) print "top then";
            if (id(g) != nil) { await sleep(0); print "top awaited"; }
            g = 3; if (g < 1.5) print "top then"; else print "top else";
            if (undefinedName == g) print "unreachable";

            """
        let (nodes, fast, plain) = try await Self.runThreeWays(source + calls)
        func count(_ node: String) -> Int { nodes.stdout.components(separatedBy: "\(node)(").count - 1 }
        let perTemplate = 3 * values.count
        // Each template's functions and its async function; the top level's `g == h` and `undefinedName == g`.
        #expect(count("PlacesIfStatement") == pairTemplates.count * (values.count * perTemplate + 1) + 2)
        #expect(count("PlaceConstantIfStatement") == constantTemplates.count * (perTemplate + 1) + 2)
        // Globals only (`g\(index)` and the top level's); a local or parameter compared with a number is
        // a `SlotComparisonIfStatement`.
        #expect(count("PlaceNumberIfStatement") == numberTemplates.count * values.count + 1)
        #expect(count("NilTestIfStatement") == nilTestTemplates.count * (perTemplate + 1) + 1)
        #expect(fast.status == 70 && plain.status == 70)
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stderr == plain.stderr)
        #expect(fast.stderr.hasPrefix("Undefined variable 'undefinedName'.\n[line "), "\(fast.stderr)")
        #expect(fast.stdout.hasSuffix("top then\ntop else\ntop awaited\ntop else\n"), "\(fast.stdout.suffix(200))")
        for line in ["then", "else", "returned", "fell through", "async done", "Operands must be numbers.",
                     "Only instances have properties."] {
            #expect(fast.stdout.contains(line + "\n"), "prints \(line)")
        }
    }

    /// A function's arguments that `evalInline` computes without calling their node: a local, and a local
    /// plus or minus a number (`n - 1` as `n + -1`), over numbers whose sign of zero, infinity or NaN
    /// would show a difference (each result also printed as `1 / result`), and values that are no
    /// number (an error from the node, with its line); beside shapes it does not take, through a global
    /// callee and a local one, and in a recursion. Compared with the generic nodes.
    @Test func inlineArgumentsAgreeWithTheGenericNodes() async throws {
        let values = ["0", "-0", "1", "-1", "1.5", "0.1", "1/0", "-1/0", "0/0", "9007199254740992", "\"s\"", "nil",
                      "true", "[1]", "Box()"]
        let arguments = ["x", "x - 1", "x + 1", "x - 0", "x + 0", "x - 0.1", "x + 0.1", "x - 1/0", "x + 9007199254740993",
                         "x * 2", "x - -1", "x, x - 1"]
        var source = """
            class Box {}
            fun show(a) { if (type(a) == "number") return str(a) + " " + str(1 / a); return str(a); }
            fun one(a) { return show(a); }
            fun two(a, b) { return show(a) + " | " + show(b); }
            fun countdown(n) { if (n < 1) return n; return countdown(n - 1); }

            """
        var calls = ""
        for (v, value) in values.enumerated() {
            for (a, argument) in arguments.enumerated() {
                let callee = argument.contains(",") ? "two" : "one"
                source += """
                    fun g\(v)_\(a)() { var x = \(value); return \(callee)(\(argument)); }
                    fun l\(v)_\(a)(x) { var local = \(callee); return local(\(argument)); }

                    """
                calls += "try { print g\(v)_\(a)(); } catch (e) { print e.message; }\n"
                calls += "try { print l\(v)_\(a)(\(value)); } catch (e) { print e.message; }\n"
            }
        }
        calls += "print countdown(100); print countdown(2.5); print countdown(-0);\n"
        calls += "fun late(x) {\n  return one(x -\n  1);\n}\nlate(\"text\");\n"
        let (_, fast, plain) = try await Self.runThreeWays(source + calls)
        #expect(fast.status == 70 && plain.status == 70)
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stderr == plain.stderr)
        #expect(fast.stderr.hasPrefix("Operands must be numbers.\n[line "), "\(fast.stderr)")
        #expect(fast.stdout.hasSuffix("0\n0.5\n-0\n"), "\(fast.stdout.suffix(100))")
        for line in ["-1 -1", "-0 -Infinity", "0 Infinity", "Infinity 0", "NaN NaN",
                     "1.8014398509481984E16 5.551115123125783E-17",
                     "Operands must be two numbers or two strings.", "Operands must be numbers."] {
            #expect(fast.stdout.contains(line + "\n"), "prints \(line)")
        }
    }

    /// `return local;`, which `SlotReturnStatement` returns from the slot: a local, a parameter and
    /// `this` holding values of every kind, returned from a function, a method (and chained calls on
    /// what it returns), a loop, a `try`, a nested block, an async function after it awaits, and a
    /// closure; next to a captured local (a box, which the node does not take). Each moves the value
    /// out of its slot but two: a return in a `try` whose `finally` then reads the local, and one in a
    /// `finally`. Compared with the generic nodes after counting the statements chosen.
    @Test func slotReturnsAgreeWithTheGenericNodes() async throws {
        let values = Self.samples.map(\.source)
        var source = Self.prelude + """
            class Chain { init(n) { this.n = n; } add(k) { this.n = this.n + k; return this; } me() { var self = this; return self; } }
            fun fromLoop(v) { for (var i = 0; i < 3; i = i + 1) { var found = v; if (i == 1) return found; } return nil; }
            fun fromTry(v) { try { var inside = v; return inside; } catch (e) { return "caught"; } }
            fun fromBlock(v) { { var a = 1; { var b = v; return b; } } }
            async fun fromAsync(v) { var kept = v; await sleep(0); return kept; }
            fun captured(v) { var c = v; fun get() { return c; } c = [c]; return get; }
            var last = nil;
            fun fromFinally(v) { var w = v; try { return w; } finally { last = w; } }
            fun inFinally(v) { try { last = nil; } finally { var w = v; return w; } }

            """
        var calls = ""
        for (v, value) in values.enumerated() {
            source += "fun local\(v)() { var x = \(value); return x; }\nfun parameter\(v)(p) { return p; }\n"
            calls += "print local\(v)() == (\(value)); print parameter\(v)(\(value)) == (\(value)); "
                + "print fromLoop(\(value)) == (\(value)); print fromTry(\(value)) == (\(value)); "
                + "print fromBlock(\(value)) == (\(value)); print await fromAsync(\(value)) == (\(value)); "
                + "print captured(\(value))()[0] == (\(value)); print fromFinally(\(value)) == (\(value)); "
                + "print last == (\(value)); print inFinally(\(value)) == (\(value));\n"
        }
        calls += "print Chain(1).add(2).add(3).me().n; var chain = Chain(0); print chain.me() == chain;\n"
        let (nodes, fast, plain) = try await Self.runThreeWays(source + calls)
        let chosen = nodes.stdout.components(separatedBy: "SlotReturnStatement(").count - 1
        // Two for each value, and nine more: add, me, fromLoop's `found`, fromTry's `inside`,
        // fromBlock, fromAsync, captured's `get` (a local holding a closure; `get` returns a box), and
        // the two in a `try` with a `finally`, which alone do not move.
        #expect(chosen == 2 * values.count + 9, "\(chosen) chosen")
        let moved = nodes.stdout.components(separatedBy: ", moved)").count - 1
        #expect(moved == chosen - 2, "\(moved) moved")
        #expect(fast.status == 0 && fast.stderr.isEmpty, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        // NaN is unequal to itself; every other value comes back as itself.
        let lines = fast.stdout.split(separator: "\n")
        #expect(lines.filter { $0 == "false" }.count == 10, "\(lines.filter { $0 == "false" }.count) false")
        #expect(fast.stdout.hasSuffix("6\ntrue\n"))
    }

    /// `local(arguments)`, which `SlotCallNode` calls borrowed from the slot: a parameter and a local
    /// holding a plain function of 0–2 parameters, a fresh closure that only the slot holds, a boxed
    /// function, an async one, a class, natives, a bound method, and values that cannot be called; with
    /// every count of arguments, an argument that fails, and next to a call whose argument assigns the
    /// local (which keeps `DirectCallNode`: the slot could drop the function mid-call). Compared with
    /// the generic nodes after counting the nodes chosen.
    @Test func slotCalleesAgreeWithTheGenericNodes() async throws {
        let source = """
            fun zero() { return "zero"; }
            fun one(a) { return a; }
            fun two(a, b) { return [a, b]; }
            fun boxed(a) { fun get() { return a; } return get(); }
            fun fresh() { var n = 1; fun add(x) { return x + n; } return add; }
            async fun later(a) { return a; }
            class K { init(a) { this.a = a; } m(a) { return a; } }
            var k = K(1);
            var callees = [zero, one, two, boxed, later, K, len, str, k.m, nil, 1, "text", [1], K(2)];
            fun callWith(f) {
              try { print f(); } catch (e) { print e.message; }
              try { print f(1); } catch (e) { print e.message; }
              try { print f(1, 2); } catch (e) { print e.message; }
              try { print f(undefinedName); } catch (e) { print e.message; }
              try { print f(f = one, 3); } catch (e) { print e.message; }
              var g = f;
              try { print g("local"); } catch (e) { print e.message; }
            }
            for (var i = 0; i < len(callees); i = i + 1) callWith(callees[i]);
            callWith(fresh());
            fun loop(f) { var sum = 0; for (var i = 0; i < 1000; i = i + 1) sum = sum + f(i); return sum; }
            print loop(fresh());

            """
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let chosen = nodes.stdout.components(separatedBy: "SlotCallNode(").count - 1
        // In callWith, all but the call whose argument assigns `f`; loop's `f(i)` and boxed's `get()`.
        #expect(chosen == 7, "\(chosen) chosen")
        #expect(nodes.stdout.contains("DirectCallNode(SlotGetNode(slot 1), SlotSetNode(slot 1, GlobalGetNode(one))"))
        #expect(fast.status == 0 && fast.stderr == plain.stderr, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        for line in ["zero\nExpected 0 arguments but got 1.\n", "[1, 2]\n", "Undefined variable 'undefinedName'.\n",
                     "Can only call functions and classes.\n", "\n500500\n"] {
            #expect(fast.stdout.contains(line), "prints \(line)")
        }
    }

    /// The bodies `FunctionCode.run` runs itself (a pair's two statements), the returns
    /// `Statement.execInline` runs in place, and `BinaryNode`'s subclasses for `+`, `-` and `*`: bodies
    /// of none, of one statement, of a pair whose first statement returns, falls through or fails, and
    /// of three, returning a local, an expression that fails, or nothing, for values of every kind, in functions
    /// and methods; then every pair of values through each operator with a subclass (the orderings as
    /// values and as conditions), with operands that are calls (so no other node takes them). Compared
    /// with the generic nodes after counting the operators chosen.
    @Test func bodiesReturnsAndArithmeticAgreeWithTheGenericNodes() async throws {
        let values = Self.samples.map(\.source)
        let functions = ["id", "alone", "nothing", "empty", "literals", "branch", "loopBranch", "firstReturns", "firstFails",
                         "secondFails", "three"]
        var source = Self.prelude + """
            fun id(v) { return v; }
            fun alone(v) { return [v, v]; }
            fun nothing(v) { v; }
            fun empty(v) {}
            fun literals(v) { 1 == nil; }
            fun branch(v) { if (v == 0) "zero"; else return v; }
            fun loopBranch(v) { for (var i = 0; i < 2; i = i + 1) { if (i == 0) "zero"; } return v; }
            fun firstReturns(v) { if (v) return id(v); return "falsy"; }
            fun firstFails(v) { v.field; return 1; }
            fun secondFails(v) { var w = v; return -w; }
            fun three(v) { var a = v; var b = a; return b; }
            class Holder { init(v) { this.v = v; } get() { if (this.v) return this.v; return "falsy"; } }

            """
        for (v, value) in values.enumerated() {
            source += "print \"#\(v)\";"
            for function in functions { source += " try { print \(function)(\(value)); } catch (e) { print e.message; }" }
            source += " print Holder(\(value)).get();\n"
        }
        for (a, left) in values.enumerated() {
            for (b, right) in values.enumerated() {
                for op in ["+", "-", "*", "<", "<=", ">", ">="] {
                    source += "try { print id(\(left)) \(op) id(\(right)); } catch (e) { print \"\(a) \(op) \(b) \" + e.message; }\n"
                }
                for op in ["<", "<=", ">", ">="] {
                    source += "try { if (id(\(left)) \(op) id(\(right))) print \"yes\"; else print \"no\"; } "
                        + "catch (e) { print \"if \(a) \(op) \(b) \" + e.message; }\n"
                }
            }
        }
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        for op in ["add", "subtract", "multiply"] {
            let chosen = nodes.stdout.components(separatedBy: "BinaryNode(\(op), GlobalCallNode(GlobalGetNode(id)").count - 1
            #expect(chosen == values.count * values.count, "\(op): \(chosen) chosen")
        }
        for op in ["less", "lessEqual", "greater", "greaterEqual"] {
            let chosen = nodes.stdout.components(separatedBy: "BinaryNode(\(op), GlobalCallNode(GlobalGetNode(id)").count - 1
            #expect(chosen == 2 * values.count * values.count, "\(op): \(chosen) chosen")
        }
        #expect(fast.status == 0 && fast.stderr.isEmpty, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        // Sample #3 is 0: truthy, not an instance, negated to -0.
        #expect(fast.stdout.contains("#3\n0\n[0, 0]\nnil\nnil\nnil\nnil\n0\n0\nOnly instances have properties.\n-0\n0\n0\n"),
                "\(fast.stdout.prefix(600))")
        for line in ["#0\nnil\n[nil, nil]\nnil\nnil\nnil\nnil\nnil\nfalsy\n", "\nabcabc\n", "0 + 0 Operands must be two numbers or two strings.",
                     "\n2.25\n", "7 * 8 Operands must be numbers."] {
            #expect(fast.stdout.contains(line), "prints \(line)")
        }
    }

    /// Plain calls (`FunctionCode.plainArity`: no boxes pushed, declared or popped, no receiver handed
    /// back) against calls of every other kind of code: for 0–3 parameters, a body of each shape — a
    /// plain one, one whose parameter or local a closure captures (boxes), one that returns nothing, one
    /// that raises, one that calls a boxed and a plain function in turn — called from a global, a local,
    /// a method call (on a variable and on `this`), a callback of a native, and as an initializer, and
    /// with a first argument that raises; then
    /// a thousand errors thrown through plain frames between calls that use boxes, and a recursion to a
    /// stack overflow. Compared with the generic nodes after counting the functions that are plain.
    @Test func plainCallsAgreeWithTheGenericNodes() async throws {
        let values = Self.samples.map(\.source)
        var functions = "", methods = "", calls = ""
        var plainCount = 0
        for arity in 0...3 {
            let parameters = (0..<arity).map { "p\($0)" }
            let list = "[" + parameters.joined(separator: ", ") + "]"
            let first = parameters.first ?? ""
            let bodies: [(name: String, body: String, plain: Bool)] = [
                ("plain", "var s = \(list); return s;", true),
                // With no parameter, an inner function that captures nothing: no box, a plain call.
                // `clobber` declares a box of its own between the declaration of these boxes and their
                // use: where the boxes are, were they not pushed.
                ("boxedParameter",
                 "fun get() { return \(list); } clobber(); \(arity == 0 ? "" : "\(first) = \(first); ")return get();",
                 arity == 0),
                ("boxedLocal", "var s = \(list); fun get() { return s; } clobber(); s = s; return get();", false),
                ("silent", "var s = \(list);", true),
                ("raises", "var s = \(list); return s.missing;", true),
                ("mixed", "return [boxedLocal\(arity)(\(parameters.joined(separator: ", "))), plain\(arity)(\(parameters.joined(separator: ", ")))];", true),
            ]
            for (v, shape) in bodies.enumerated() {
                let header = "\(shape.name)\(arity)(\(parameters.joined(separator: ", ")))"
                functions += "fun \(header) { \(shape.body) }\n"
                methods += "  \(header) { \(shape.body) }\n"
                // A function and a method of each shape.
                plainCount += shape.plain ? 2 : 0
                let arguments = (0..<arity).map { values[(v * 3 + $0 + arity) % values.count] }.joined(separator: ", ")
                let call = "\(shape.name)\(arity)(\(arguments))"
                let guarded = { (expression: String) in
                    "try { print \(expression); } catch (e) { print \"caught \" + e.message; }\n"
                }
                calls += guarded(call)
                calls += "{ var f = \(shape.name)\(arity); " + guarded("f(\(arguments))") + "}\n"
                calls += guarded("shapes.\(call)")
                calls += guarded("shapes.viaThis\(shape.name)\(arity)(\(arguments))")
                calls += guarded("[0].map(fun (z) => \(call))")
                if arity > 0 {
                    // An argument that raises: the frame half made is popped, its slots all nil.
                    let failing = (["undefinedName"] + (1..<arity).map { values[$0] }).joined(separator: ", ")
                    calls += guarded("\(shape.name)\(arity)(\(failing))")
                    calls += "{ var f = \(shape.name)\(arity); " + guarded("f(\(failing))") + "}\n"
                }
                methods += "  viaThis\(header) { return this.\(shape.name)\(arity)(\(parameters.joined(separator: ", "))); }\n"
                plainCount += 1  // viaThis
            }
            // Initializers, with no box (box-free) and with one.
            functions += "class Made\(arity) { init(\(parameters.joined(separator: ", "))) { this.s = \(list); } }\n"
            functions += "class Boxed\(arity) { init(\(parameters.joined(separator: ", "))) { var s = \(list); "
                + "fun get() { return s; } clobber(); s = s; this.s = get(); } }\n"
            let madeArguments = (0..<arity).map { values[$0 + 5] }.joined(separator: ", ")
            calls += "print Made\(arity)(\(madeArguments)).s;\nprint Boxed\(arity)(\(madeArguments)).s;\n"
            calls += "{ var k = Boxed\(arity); print k(\(madeArguments)).s; var m = Made\(arity); print m(\(madeArguments)).s; }\n"
        }
        // Each callback `fun (z) => …` (24), and each inner `get` (in the function and the method of two
        // shapes, and in the boxed initializer, for each arity: 20), which capture without boxes of their own.
        plainCount += 24 + 20
        let source = Self.prelude + "fun clobber() { var h = \"clobbered\"; fun g() { return h; } h = h; return g; }\n"
            + functions + "class Shapes {\n" + methods + "}\nvar shapes = Shapes();\n" + calls + """
            var kept = 0;
            for (var i = 0; i < 1000; i = i + 1) {
              try { raises2(i, i); } catch (e) { kept = kept + 1; }
              var got = boxedLocal2(i, "b");
              if (got[0] != i) print "wrong box at " + str(i);
            }
            print kept;
            fun forever(n) { return forever(n + 1) + 1; }
            try { forever(0); } catch (e) { print e.message; }
            print boxedParameter3(1, 2, 3);

            """
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        #expect(fast.status == 0 && fast.stderr.isEmpty, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stdout.hasSuffix("1000\nStack overflow.\n[1, 2, 3]\n"), "\(fast.stdout.suffix(200))")
        #expect(!fast.stdout.contains("wrong box"))
        // Two calls with a raising argument for each shape of arity 1–3.
        #expect(fast.stdout.components(separatedBy: "caught Undefined variable 'undefinedName'.").count - 1 == 2 * 6 * 3)
        // Each `raises` body from its five call sites, for each arity.
        #expect(fast.stdout.components(separatedBy: "caught Undefined property 'missing' on list.").count - 1 == 4 * 5)
        let chosen = nodes.stdout.components(separatedBy: ", plain)").count - 1
        #expect(nodes.stdout.components(separatedBy: ", box-free)").count - 1 == 4, "the Made initializers")
        // `forever` is plain too, and the prelude's `function1` and `compareParameters`, and `clobber`'s `g`.
        #expect(chosen == plainCount + 4, "\(chosen) plain, \(plainCount + 4) expected")
        #expect(!fast.stdout.contains("clobbered"))
    }

    /// Calls of functions, classes and natives held in globals, which `GlobalCallNode` borrows from the
    /// global: the global is assigned during the call — by the callee's body, by an argument, at the
    /// bottom of a recursion, through a second global holding the same function, by a class's
    /// initializer, by the arguments of a native and of an async function, by a call nested in another
    /// of the same function, which must leave the callee to the outermost — and the call goes on
    /// using the callee (its captures, its name in a traceback, its class's methods, the coroutine it
    /// makes), with a collection run meanwhile. Compared with the
    /// generic nodes; under AddressSanitizer (`scripts/sanitizers`) a callee freed too early is an error.
    @Test func calleesBorrowedFromGlobalsOutliveTheirGlobal() async throws {
        let source = """
            fun makeReader() {
              var secret = "captured " + str(7);
              fun read() { reader = nil; var junk = []; for (var i = 0; i < 120000; i = i + 1) junk.push([i]); return secret; }
              return read;
            }
            var reader = makeReader();
            print reader();
            print reader;
            fun selfish(x) { selfish = "gone"; return x + 1; }
            print selfish(1);
            print selfish;
            fun byArgument(x) { return "argument " + str(x); }
            print byArgument(byArgument = 5);
            print byArgument;
            fun other(n) { return -1; }
            fun recurse(n) {
              if (n == 0) { recurse = other; return 0; }
              return recurse(n - 1) + 1;
            }
            print recurse(50);
            print recurse(50);
            fun twice() { alias = nil; twice = nil; return "both gone"; }
            var alias = twice;
            print alias();
            print twice;
            fun thrower() { thrower = nil; throw Error("thrown after"); }
            try { thrower(); } catch (e) { print e.message; print e.stack[0]; }
            class Point {
              init(x) { Point = nil; this.x = x; }
              describe() { return "point " + str(this.x); }
            }
            var p = Point(3);
            print p.describe();
            print Point;
            print len(len = "xyz");
            print len;
            fun deep(n) { if (n > 0) return deep(n - 1); deep = 1; return "bottom"; }
            print deep(200);
            print deep;
            fun outer() { inner = nil; return "outer"; }
            fun inner() { return outer(); }
            print inner();
            print inner;
            async fun later(x) { return "later " + str(x); }
            print await later(later = 1);
            print later;
            async fun selfAsync() { selfAsync = nil; return "async done"; }
            print await selfAsync();
            print selfAsync;
            print await sleep(sleep = 0);
            print sleep;
            fun makeCounter() {
              var label = "level " + str(1);
              fun step(n) {
                if (n == 0) { count = nil; return label; }
                var below = count(n - 1);
                var junk = []; for (var i = 0; i < 30000; i = i + 1) junk.push([i]);
                return below + "/" + label;
              }
              return step;
            }
            var count = makeCounter();
            print count(3);
            print count;
            fun again(n) { if (n > 0) return again(n - 1); return "again"; }
            print again(3);
            var saved = again;
            fun swap() { again = nil; again = saved; return again(2); }
            print swap() + " " + again(1);
            again = nil; saved = nil;
            print again;
            fun last() { last = nil; last(); }
            last();

            """
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let chosen = nodes.stdout.components(separatedBy: "GlobalCallNode(").count - 1
        #expect(chosen == 33, "\(chosen) global calls")
        // `len(len = "xyz")`: the built-in was read before the argument ran.
        #expect(nodes.stdout.components(separatedBy: "LenNode(").count - 1 == 1)
        #expect(fast.status == 70 && plain.status == 70)
        #expect(fast.stdout == plain.stdout)
        #expect(fast.stderr == plain.stderr)
        #expect(fast.stderr == "Can only call functions and classes.\n[line 72] in last()\n[line 73] in script\n", "\(fast.stderr)")
        #expect(fast.stdout.hasPrefix("""
            captured 7
            nil
            2
            gone
            argument 5
            5
            50
            -1
            both gone
            nil
            thrown after

            """), "\(fast.stdout)")
        for line in ["] in thrower()\n", "point 3\nnil\n3\nxyz\nbottom\n1\nouter\nnil\nlater 1\n1\nasync done\nnil\nnil\n0\n",
                     "level 1/level 1/level 1/level 1\nnil\nagain\nagain again\nnil\n"] {
            #expect(fast.stdout.contains(line), "prints \(line)")
        }
    }

    /// `v.f = v.f op operand;`, which `FieldUpdateStatement` runs in place while the field holds a
    /// number: every operator, on instances whose field holds a number, −0, a string, nil, or is
    /// missing, and on values that are no instance, with operands that are literals, numbers, strings,
    /// nil, another field, a call that changes the field first, one that throws, and an undefined
    /// name; from a local and a global. Compared with the generic nodes after counting the statements.
    @Test func fieldUpdatesAgreeWithTheGenericNodes() async throws {
        let receivers = ["Box(5)", "Box(-0)", "Box(\"s\")", "Box(nil)", "Empty()", "nil", "7", "[1]", "Queue()"]
        let operands = ["2", "0.5", "n", "\"t\"", "nil", "VAR.g", "bump(VAR)", "boom()", "undefinedName"]
        var source = """
            class Box { init(f) { this.f = f; this.g = 3; } }
            class Empty {}
            fun bump(o) { o.f = 100; return 1; }
            fun boom() { throw Error("boom"); }
            var n = 4;
            var g = nil;

            """
        let updates = ["+", "-", "*", "/", "%"].flatMap { op in operands.map { "\(op) \($0)" } }
        source += Self.localAndGlobalMatrix(receivers, updates, local: "o",
            "try { VAR.f = VAR.f ARG; print VAR.f; } catch (e) { print e.message; }")
        // A call may assign a global: on a global, `PlacePropertySetNode`'s precondition fails for the
        // two calls, and the general node runs.
        let counted = 2 * receivers.count * updates.count - receivers.count * 5 * 2
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        let chosen = nodes.stdout.components(separatedBy: "FieldUpdateStatement(").count - 1
        #expect(chosen == counted, "\(chosen) field updates chosen, \(counted) expected")
        #expect(fast.status == 0 && fast.stderr.isEmpty, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        for line in ["7", "3", "4.5", "Operands must be two numbers or two strings.", "Operands must be numbers.",
                     "Undefined property 'f'.", "Only instances have fields.", "boom", "Undefined variable 'undefinedName'.",
                     "st", "-0", "1.25"] {
            #expect(fast.stdout.contains("\n\(line)\n"), "prints \(line)")
        }
    }

    /// `v.f == nil` and `v.f != nil`, which `PlacePropertyGetNode.isNil` answers where the instance
    /// keeps the field: fields holding nil, false, 0, "", a list, an instance, set in the object or in
    /// the extra storage (a class of five fields), one never set, and receivers that are no instance;
    /// from a local, a global and `this`; and one call site that meets instances of three classes in
    /// turn (the field cache's miss). Compared with the generic nodes after counting the tests.
    @Test func fieldNilTestsAgreeWithTheGenericNodes() async throws {
        let receivers = ["Box(nil)", "Box(false)", "Box(0)", "Box(\"\")", "Box([])", "Box(Box(nil))", "Wide(nil)",
                         "Wide(1)", "Empty()", "nil", "7", "\"s\"", "[1]", "Queue()"]
        let tests = ["VAR.f == nil", "VAR.f != nil", "VAR.late == nil", "VAR.missing != nil"]
        var source = """
            class Box { init(f) { this.f = f; } empty() { return this.f == nil; } }
            class Wide { init(f) { this.a = 1; this.b = 2; this.c = 3; this.f = f; this.late = nil; }
              empty() { return this.f == nil; } }
            class Empty { empty() { return this.f == nil; } }
            fun probe(o) { return o.f != nil; }
            for (var i = 0; i < 9; i = i + 1) {
              var o = [Box(nil), Wide(i), Box(i)][i % 3];
              print probe(o); print o.empty();
            }
            var g = nil;

            """
        source += Self.localAndGlobalMatrix(receivers, tests, local: "o",
            "try { print ARG; } catch (e) { print e.message; }")
        let (nodes, fast, plain) = try await Self.runThreeWays(source)
        // Every test of a variable's property: the matrix's, the three `this.f` and `probe`'s.
        let chosen = nodes.stdout.components(separatedBy: "NilTestNode(").count - 1
        #expect(chosen == 2 * receivers.count * tests.count + 4, "\(chosen) nil tests")
        #expect(fast.status == 0 && fast.stderr.isEmpty, "\(fast.stderr.prefix(1000))")
        #expect(fast.stdout == plain.stdout)
        for line in ["true", "false", "Undefined property 'missing'.", "Only instances have properties."] {
            #expect(fast.stdout.contains(line + "\n"), "prints \(line)")
        }
    }

    /// A function for each pair of a value and an argument, twice: with the value in the local `local`
    /// and in the global `g` (which the program declares). Each runs `body`, in which `VAR` is the
    /// variable and `ARG` the argument (where `VAR` is the variable too); then the calls of them all.
    static func localAndGlobalMatrix(_ values: [String], _ arguments: [String], local: String, _ body: String) -> String {
        var functions = "", calls = ""
        for (v, value) in values.enumerated() {
            for (a, argument) in arguments.enumerated() {
                for (kind, variable, declaration) in [("local", local, "var \(local) ="), ("global", "g", "g =")] {
                    let code = body.replacingOccurrences(of: "ARG", with: argument).replacingOccurrences(of: "VAR", with: variable)
                    functions += "fun \(kind)\(v)_\(a)() { \(declaration) \(value); \(code) }\n"
                }
                calls += "local\(v)_\(a)(); global\(v)_\(a)();\n"
            }
        }
        return functions + calls
    }

    static func run(_ source: String, genericNodes: Bool) async throws -> ScrProcess.Result {
        try await run(source, [genericNodes ? ["--generic-nodes"] : []])[0]
    }

    /// The three runs the matrices compare: `--dump-nodes` (what was chosen), as `scr` runs the
    /// program, and on the generic nodes.
    static func runThreeWays(_ source: String) async throws
        -> (nodes: ScrProcess.Result, fast: ScrProcess.Result, plain: ScrProcess.Result)
    {
        let results = try await run(source, [["--dump-nodes"], [], ["--generic-nodes"]])
        return (results[0], results[1], results[2])
    }

    /// Runs `source`, from a file of its own, once with each list of options.
    static func run(_ source: String, _ optionLists: [[String]]) async throws -> [ScrProcess.Result] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fast-path-\(UUID()).scr")
        try source.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var results: [ScrProcess.Result] = []
        for options in optionLists { results.append(try await ScrProcess.runInTurn(options + [file.path])) }
        return results
    }

    static func expect(_ source: String, prints expected: String, genericNodes: Bool) async throws {
        let result = try await run(source, genericNodes: genericNodes)
        let nodes = genericNodes ? "generic" : "specialised"
        #expect(result.stderr.isEmpty, "\(nodes): \(result.stderr.prefix(1000))")
        #expect(result.status == 0, "\(nodes) nodes")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let wanted = expected.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == wanted.count, "\(nodes): \(lines.count) lines printed, \(wanted.count) expected")
        if let first = zip(lines, wanted).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            let sourceLines = source.split(separator: "\n")
            Issue.record("\(nodes): line \(first + 1) is '\(lines[first])', expected '\(wanted[first])' (\(sourceLines.count) source lines)")
        }
    }
}
