import Scr

extension Interpreter {
    /// Opens the REPL on the terminal over this interpreter's globals, from any point of the host
    /// program, and returns when the user leaves it (Ctrl-D or `.exit`). The host's other tasks and
    /// the interpreter's own keep running meanwhile.
    ///
    /// - Parameter lineEditing: libedit line editing; by default, when standard input is a terminal.
    public func repl(lineEditing: Bool? = nil) async {
        await REPL.standard(for: self, lineEditing: lineEditing ?? (System.isTerminal(System.standardInput))).run()
    }

    /// Opens the REPL on `session`, which may have entered a frame first (`session.enter(task:)`,
    /// `enterPostMortem()`): the user starts inside it.
    public func repl(on session: ScrSession, lineEditing: Bool? = nil) async {
        let backend = LocalBackend(session: session)
        let editing = lineEditing ?? System.isTerminal(System.standardInput)
        await REPL(backend: backend, reader: REPL.standardReader(for: backend, lineEditing: editing)).run()
    }

    /// Lets scripts call `await repl();`, which opens a REPL on the terminal that sees the calling
    /// function's local variables; leaving it resumes the script.
    public func enableScriptREPL() {
        setREPLHandler { session in
            let backend = LocalBackend(session: session)
            let reader = REPL.standardReader(for: backend, lineEditing: System.isTerminal(System.standardInput))
            reader.write("(repl: Ctrl-D or .exit resumes the program)\n")
            await REPL(backend: backend, reader: reader).run()
        }
    }
}
