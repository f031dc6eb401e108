/// The lines a REPL has read and not yet run, as CPython's `InteractiveConsole.push` keeps them: each
/// line is added, and the buffer answers whether it now holds a complete input to run (taking it out),
/// needs more lines, holds nothing, or a syntax error (dropped). The terminal REPL, `scr connect` and
/// plain-text remote clients all read their input through one of these; the line editor that feeds
/// it is separate.
package struct InputBuffer: Sendable {
    public enum Outcome: Sendable {
        /// A complete input (with the implied final `;` if it was missing): run it.
        case run(String)
        /// More lines could complete it: show the continuation prompt.
        case needMore
        /// Only blank lines: nothing to do.
        case nothing
        /// A syntax error no further line can fix; the buffer is emptied.
        case error(CompileError)
    }

    /// Up to this many lines, every line added parses what is waiting, so that a syntax error shows
    /// at once; past it, only a line that may complete the input does (see `add`).
    static let parseEveryLineUpTo = 32

    private var lines: [String] = []
    private var hasContent = false
    private var open = OpenConstructs()
    /// How many times the waiting text was parsed (for the test that pasting is linear).
    package private(set) var parses = 0

    public init() {}

    /// True when no line is waiting: the primary prompt is due, and meta-commands are recognized.
    public var isEmpty: Bool { lines.isEmpty }

    /// Adds a line. A pasted line is a typed line: a paste runs as its lines would typed one by one
    /// (each input as soon as it is complete, a missing `;` implied), and so does type-ahead — lines
    /// typed while an input runs, which arrive together once it ends.
    ///
    /// Parsing everything waiting at every line made a paste quadratic (10,000 lines: 97 s of CPU).
    /// Past `parseEveryLineUpTo` lines, the waiting text is parsed only when it may be complete — no
    /// bracket or string is left open, by a scan of the new line alone: a long function is parsed
    /// once, at its closing brace.
    public mutating func add(_ line: String) -> Outcome {
        lines.append(line)
        open.scan(line)
        if !hasContent && line.contains(where: { !$0.isWhitespace }) { hasContent = true }
        if !hasContent {
            clear()
            return .nothing
        }
        if lines.count > InputBuffer.parseEveryLineUpTo && !open.mayBeComplete { return .needMore }
        parses += 1
        switch Input.classify(lines.joined(separator: "\n")) {
        case .incomplete:
            return .needMore
        case .complete(let source):
            clear()
            return .run(source)
        case .error(let error):
            clear()
            return .error(error)
        }
    }

    /// Drops the waiting lines (Ctrl-C while typing).
    public mutating func clear() {
        lines = []
        hasContent = false
        open = OpenConstructs()
    }
}

/// What the lines so far leave open — brackets, strings, `${…}` inside strings — scanned a line at a
/// time as it is added. Only a text with nothing open can be a complete input.
struct OpenConstructs: Sendable {
    private enum Context: Sendable {
        case string
        /// Inside `${…}` of a string: how many `{` are open in it.
        case interpolation(braces: Int)
    }

    private var depth = 0
    private var contexts: [Context] = []

    var mayBeComplete: Bool { depth <= 0 && contexts.isEmpty }

    mutating func scan(_ line: String) {
        let bytes = Array(line.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if case .string = contexts.last {
                switch byte {
                case UInt8(ascii: "\\"): index += 1
                case UInt8(ascii: "\""): contexts.removeLast()
                case UInt8(ascii: "$") where index < bytes.count && bytes[index] == UInt8(ascii: "{"):
                    index += 1
                    contexts.append(.interpolation(braces: 0))
                default: break
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): contexts.append(.string)
            case UInt8(ascii: "/") where index < bytes.count && bytes[index] == UInt8(ascii: "/"): return
            case UInt8(ascii: "{"):
                if case .interpolation(let braces) = contexts.last {
                    contexts[contexts.count - 1] = .interpolation(braces: braces + 1)
                } else {
                    depth += 1
                }
            case UInt8(ascii: "}"):
                if case .interpolation(let braces) = contexts.last {
                    if braces == 0 { contexts.removeLast() } else { contexts[contexts.count - 1] = .interpolation(braces: braces - 1) }
                } else {
                    depth -= 1
                }
            case UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
    }
}
