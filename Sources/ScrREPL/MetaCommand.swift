import Scr

/// The REPL's own commands, which start with a dot.
enum MetaCommand {
    case help
    case exit
    case tasks
    case interrupt(Int)
    case load(String)
    case history(Int)
    case usage(String)
    case unknown(String)

    static let helpText = """
        Type scr code; it runs when complete (a final ';' may be left out). The value of an
        expression is printed and kept in _. `await` works here, and spawned tasks keep running
        while you type.

          .help         this text
          .exit         leave (so does Ctrl-D on an empty line)
          .tasks        list running tasks and where they wait
          .interrupt ID interrupt task ID (a loop that holds every other task, say)
          .load FILE    run a file in this session
          .history [N]  the last N inputs (20), numbered

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
        case "interrupt":
            let id = words.count == 2 ? words[1].trimmingSpaces.drop { $0 == "#" } : ""
            guard let task = Int(id), task > 0 else {
                self = .usage("Usage: .interrupt ID (a task's number, as .tasks lists it).")
                return
            }
            self = .interrupt(task)
        case "load" where words.count == 2: self = .load(words[1].trimmingSpaces)
        case "load": self = .usage("Usage: .load FILE (runs FILE in this session).")
        case "history" where words.count == 1: self = .history(20)
        case "history":
            guard let count = Int(words[1].trimmingSpaces), count > 0 else {
                self = .usage("Usage: .history [N] (the last N inputs; 20 without N).")
                return
            }
            self = .history(count)
        default: self = .unknown(words[0])
        }
    }
}

extension MetaCommand {
    /// What a command that only reports says, on any backend: the terminal's REPL and a plain
    /// (`nc`) remote session show the same text.
    func text(_ backend: any REPLBackend) async -> String {
        switch self {
        case .help: return MetaCommand.helpText
        case .tasks: return await backend.describeTasks()
        case .interrupt(let id):
            backend.interruptTask(id)
            return "Interrupting task #\(id).\n"
        case .usage(let text): return text + "\n"
        case .unknown(let name): return "Unknown command '.\(name)'. Type .help for the commands.\n"
        case .exit, .load, .history: return ""
        }
    }
}

extension REPL {
    enum CommandOutcome { case proceed, exit }

    func run(_ command: MetaCommand) async -> CommandOutcome {
        switch command {
        case .help, .tasks, .interrupt, .usage, .unknown:
            reader.write(await command.text(backend))
        case .exit:
            return .exit
        case .load(let path):
            do {
                await execute(try SourceFile.read(path))
            } catch {
                reader.write("\(error)\n")
            }
        case .history(let count):
            // Numbered as the session sees its history, without this `.history` itself.
            var all = reader.recentHistory(Int.max)
            if all.last?.trimmingSpaces.hasPrefix(".history") == true { all.removeLast() }
            for number in max(0, all.count - count)..<all.count {
                let label = String(number + 1)
                let indent = String(repeating: " ", count: max(1, 6 - label.count))
                let lines = all[number].split(separator: "\n", omittingEmptySubsequences: false)
                reader.write(label + indent + lines.joined(separator: "\n      ") + "\n")
            }
        }
        return .proceed
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
