/// The prelude's own functions: output to stderr, exiting, ranges and the list builders of Python's
/// builtins, and characters from code points.
enum Prelude {
    /// The longest list `range` makes: 10^8 numbers (1.6 GB), past which a loop is the better tool.
    static let maxRange = 100_000_000

    /// `eprint(a, …)`: also a member of `io`.
    static func eprint() -> (String, Value) {
        native("eprint", 0...255) { call in
            call.runtime.flushOutput()
            call.runtime.writeError(call.arguments.map(\.description).joined(separator: " ") + "\n")
            return .nil
        }
    }

    /// `exit(status?)`: also a member of `os`.
    static func exit() -> (String, Value) {
        native("exit", 0...1) { call in
            let status = call.count > 0 ? try call.integer(0, "status") : 0
            guard (0...255).contains(status) else { throw call.valueError("exit() status must be 0 to 255, not \(status).") }
            throw ScriptError.exit(Int32(status), line: call.context.line)
        }
    }

    static func members(_ runtime: Runtime) -> [(String, Value)] {
        [
            eprint(),
            exit(),
            native("range", 1...3) { call in
                let (start, end) = call.count == 1 ? (0.0, try call.number(0, "end")) : (try call.number(0, "start"), try call.number(1, "end"))
                let step = call.count == 3 ? try call.number(2, "step") : 1
                guard step != 0, step.isFinite else { throw call.valueError("range() step must be a finite number other than 0.") }
                let count = max(0, ((end - start) / step).rounded(.up))
                guard count <= Double(maxRange) else {
                    throw call.valueError("range() of \(count < 1e18 ? String(Int64(count)) : NumberFormatting.format(count)) numbers is too long (the limit is \(maxRange)).")
                }
                return call.list((0..<Int(count)).map { .number(start + Double($0) * step) })
            },
            native("enumerate", 1...2) { call in
                let list = try call.list(0, "argument")
                let start = call.count > 1 ? try call.number(1, "start") : 0
                return call.list(list.elements.enumerated().map { call.list([.number(start + Double($0.offset)), $0.element]) })
            },
            native("zip", 1...255) { call in
                let lists = try (0..<call.count).map { try call.list($0, "argument \($0 + 1)").elements }
                let count = lists.map(\.count).min()!
                return call.list((0..<count).map { index in call.list(lists.map { $0[index] }) })
            },
            native("fromCodePoint", 1...255) { call in
                var scalars = String.UnicodeScalarView()
                for index in 0..<call.count {
                    let code = try call.integer(index, "code point")
                    guard code >= 0, code <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(code)) else {
                        throw call.valueError("fromCodePoint() takes Unicode scalar values, not \(code).")
                    }
                    scalars.append(scalar)
                }
                return .string(String(scalars))
            },
        ]
    }
}
