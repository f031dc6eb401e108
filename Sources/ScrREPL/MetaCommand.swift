import Scr

/// The REPL's own commands, which start with a dot.
enum MetaCommand {
    case help
    case exit
    case tasks
    case load(String)
    case unknown(String)

    static let helpText = """
        Type scr code; it runs when complete (a final ';' may be left out). The value of an
        expression is printed and kept in _. `await` works here, and spawned tasks keep running
        while you type.

          .help         this text
          .exit         leave (so does Ctrl-D on an empty line)
          .tasks        list running tasks and where they wait
          .load FILE    run a file in this session

        Ctrl-C stops the running input (twice within a second: stop waiting for it at once), or
        drops the line being typed.

        """

    init?(_ line: String) {
        let trimmed = line.trimmingSpaces
        guard trimmed.hasPrefix("."), trimmed.count > 1, trimmed.dropFirst().first?.isLetter == true else {
            return nil
        }
        let words = trimmed.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        switch words[0] {
        case "help": self = .help
        case "exit", "quit": self = .exit
        case "tasks": self = .tasks
        case "load" where words.count == 2: self = .load(words[1].trimmingSpaces)
        default: self = .unknown(words[0])
        }
    }
}

extension REPL {
    enum CommandOutcome { case proceed, exit }

    func run(_ command: MetaCommand) async -> CommandOutcome {
        switch command {
        case .help:
            reader.write(MetaCommand.helpText)
        case .exit:
            return .exit
        case .tasks:
            reader.write(await backend.describeTasks())
        case .load(let path):
            do {
                await execute(try SourceFile.read(path))
            } catch {
                reader.write("\(error)\n")
            }
        case .unknown(let name):
            reader.write("Unknown command '.\(name)'. Type .help for the commands.\n")
        }
        return .proceed
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
