/// The compile errors of one input: scan, parse or analysis errors, all of them, in order.
public struct CompileError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]
    /// The file they are in, when it is a module rather than the program itself.
    public let file: String?
    /// The program's file, which the module's path is shown relative to.
    let mainFile: String?

    public init(_ diagnostics: [Diagnostic], file: String? = nil) {
        self.init(diagnostics, file: file, mainFile: nil)
    }

    init(_ diagnostics: [Diagnostic], file: String?, mainFile: String?) {
        self.diagnostics = diagnostics
        self.file = file
        self.mainFile = mainFile
    }

    /// One `[line N] Error…` line per diagnostic, and the module's file after each:
    /// `[line 2] Error at ')': Expect expression. (mods/bad.scr)`.
    public var description: String {
        let suffix = file.map { " (\(Traceback.display($0, mainFile: mainFile)))" } ?? ""
        return diagnostics.map { $0.description + suffix }.joined(separator: "\n")
    }
}
