import Scr

/// Colours for the line being typed, as CPython 3.14's REPL and ptpython give them: keywords bold
/// blue, strings green, numbers yellow, comments dim. A scan of the line alone (a string left open
/// is coloured to the end), cheap enough to run at every key.
enum Highlighter {
    static let keyword = "\u{1B}[1;34m"
    static let string = "\u{1B}[32m"
    static let number = "\u{1B}[33m"
    static let comment = "\u{1B}[2m"
    static let reset = "\u{1B}[0m"

    /// Whether to colour: on a terminal that has colours, unless `NO_COLOR` is set (no-color.org).
    static var isWanted: Bool {
        guard System.environment("NO_COLOR")?.isEmpty ?? true else { return false }
        let term = System.environment("TERM") ?? ""
        return !term.isEmpty && term != "dumb" && System.isTerminal(System.standardOutput)
    }

    /// `line` with colours, or nil if nothing in it takes one.
    static func colorize(_ line: String) -> String? {
        let characters = Array(line)
        var output = ""
        var coloured = false
        var index = 0
        func take(_ color: String, while keep: (Character) -> Bool) {
            let start = index
            while index < characters.count && keep(characters[index]) { index += 1 }
            output += color + String(characters[start..<index]) + reset
            coloured = true
        }
        while index < characters.count {
            let character = characters[index]
            if character == "/" && index + 1 < characters.count && characters[index + 1] == "/" {
                take(comment) { _ in true }
            } else if character == "\"" {
                var end = index + 1
                var escaped = false
                while end < characters.count {
                    let next = characters[end]
                    end += 1
                    if escaped {
                        escaped = false
                    } else if next == "\\" {
                        escaped = true
                    } else if next == "\"" {
                        break
                    }
                }
                output += string + String(characters[index..<end]) + reset
                coloured = true
                index = end
            } else if character.isNumber && character.isASCII {
                take(number) { $0.isASCII && ($0.isNumber || $0 == ".") }
            } else if character.isLetter || character == "_" {
                let start = index
                while index < characters.count && (characters[index].isLetter || characters[index].isNumber || characters[index] == "_") {
                    index += 1
                }
                let word = String(characters[start..<index])
                if TokenKind.keywords[word] != nil {
                    output += keyword + word + reset
                    coloured = true
                } else {
                    output += word
                }
            } else {
                output.append(character)
                index += 1
            }
        }
        return coloured ? output : nil
    }
}
