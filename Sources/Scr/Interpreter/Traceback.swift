/// The text of an uncaught error, in clox's format, which every Lox test runner reads: the message,
/// then one line per frame, innermost first — `[line 7] in area()`, …, `[line 12] in script` — with
/// the file in parentheses for a frame in another file than the main one. The first `[line N]` is
/// jlox's, so the first two lines of a plain Lox program's error match what jlox prints.
///
/// A recursion repeats one frame many times: after `repeatsShown` of them, the rest are one line,
/// `... 9,990 more frames of fib() ...`, so that a `Stack overflow.` stays readable.
struct Traceback {
    static let repeatsShown = 3

    let message: String
    let line: Int
    let frames: [ScriptError.Frame]
    let spawnSite: ScriptError.Frame?

    init(_ error: ScriptError) {
        message = error.message
        line = error.line
        frames = error.frames.map(\.frame)
        spawnSite = error.spawnSite?.frame
    }

    /// The lines after the message, each with the frame it shows (none for a line of collapsed
    /// repeats). `mainFile` is the file whose frames need not name it.
    func entries(mainFile: String?) -> [(text: String, frame: ScriptError.Frame?)] {
        var entries: [(text: String, frame: ScriptError.Frame?)] = []
        var index = 0
        while index < frames.count {
            let frame = frames[index]
            var end = index + 1
            while end < frames.count && frames[end] == frame { end += 1 }
            let repeats = end - index
            for _ in 0..<min(repeats, Traceback.repeatsShown) { entries.append((Traceback.line(frame, mainFile), frame)) }
            if repeats > Traceback.repeatsShown {
                let more = repeats - Traceback.repeatsShown
                entries.append(("... \(Traceback.grouped(more)) more frame\(more == 1 ? "" : "s") of \(Traceback.name(frame)) ...", nil))
            }
            index = end
        }
        if frames.isEmpty { entries.append(("[line \(line)]", nil)) }
        if let spawnSite { entries.append((Traceback.line(spawnSite, mainFile) + " (spawned here)", spawnSite)) }
        return entries
    }

    func lines(mainFile: String?) -> [String] {
        entries(mainFile: mainFile).map(\.text)
    }

    func text(mainFile: String?) -> String {
        ([message] + lines(mainFile: mainFile)).joined(separator: "\n")
    }

    static func line(_ frame: ScriptError.Frame, _ mainFile: String?) -> String {
        var text = "[line \(frame.line)] in \(name(frame))"
        if let file = frame.file, file != mainFile { text += " (\(display(file, mainFile: mainFile)))" }
        return text
    }

    /// `script` and `<input>` as they are; a function as `name()`.
    static func name(_ frame: ScriptError.Frame) -> String {
        name(function: frame.function)
    }

    static func name(function: String) -> String {
        function == "script" || function.hasPrefix("<") ? function : function + "()"
    }

    /// A path as a person reads it: relative to the main file's directory when it is below it (a
    /// module imported as `mods/util.scr` shows as that), without a leading `./`.
    static func display(_ path: String, mainFile: String?) -> String {
        var path = path
        if let mainFile {
            let directory = SourceFile.directory(of: mainFile)
            if directory != ".", path.hasPrefix(directory + "/") { path.removeFirst(directory.count + 1) }
        }
        return path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    }

    /// 9990 as `9,990`.
    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text += "," }
            text.append(digit)
        }
        return text
    }
}
