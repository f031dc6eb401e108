import Scr

/// The REPL's own commands, which start with a dot.
enum MetaCommand {
    case help
    case exit
    case tasks
    /// Looking inside the program (`.tasks ID`, `.enter`, `.up`, `.down`, `.leave`, `.pm`, `.inspect`):
    /// the backend runs these, where the program is (`REPLBackend.inspect`).
    case inspection(Inspection)
    case interrupt(Int?)
    case load(String)
    case history(Int)
    case usage(String)
    case unknown(String)

    static let helpText = """
        Type scr code; it runs when complete (a final ';' may be left out). The value of an
        expression is printed and kept in _. `await` works here, and spawned tasks keep running
        while you type.

          .help         this text
          .help NAME    what NAME is: len, math.floor, xs.push, a function of yours, …
          .exit         leave (so does Ctrl-D on an empty line)
          .tasks        list running tasks, where they wait and their await stacks
          .tasks ID     task ID's stack, with each frame's variables
          .enter ID [N] enter frame N (0: innermost) of task ID: inputs see and change its
                        variables; the task is held (does not resume) until you leave
          .enter F      enter the variables function F captured (assigning changes them)
          .up / .down   move to the frame outside / inside this one
          .leave        leave the frame (so does Ctrl-D); a held task goes on
          .pm           enter the frames the last uncaught error left (post-mortem)
          .inspect F    the variables function F captured
          .full         the last value in full (echoes stop at 100 elements, 10,000 characters)
          .interrupt ID interrupt task ID (a loop that holds every other task, say);
                        without ID, whatever holds the executor
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
        case "help" where words.count == 1: self = .help
        case "help": self = .inspection(.help(words[1].trimmingSpaces))
        case "exit", "quit": self = .exit
        case "tasks" where words.count == 1: self = .tasks
        case "tasks":
            guard let task = MetaCommand.taskNumber(words[1]) else {
                self = .usage("Usage: .tasks [ID] (a task's number, as .tasks lists it).")
                return
            }
            self = .inspection(.task(task))
        case "enter" where words.count == 2:
            let arguments = words[1].split(separator: " ").map(String.init)
            if let task = MetaCommand.taskNumber(arguments[0]) {
                guard arguments.count <= 2, let frame = Int(arguments.count == 2 ? arguments[1] : "0"), frame >= 0 else {
                    self = .usage("Usage: .enter ID [FRAME] (FRAME 0 is the innermost, as .tasks ID numbers them).")
                    return
                }
                self = .inspection(.enter(task: task, frame: frame))
            } else {
                self = .inspection(.enterFunction(words[1].trimmingSpaces))
            }
        case "enter": self = .usage("Usage: .enter ID [FRAME] or .enter FUNCTION.")
        case "up": self = .inspection(.move(1))
        case "down": self = .inspection(.move(-1))
        case "leave": self = .inspection(.leave)
        case "pm": self = .inspection(.postMortem)
        case "full": self = .inspection(.fullValue)
        case "inspect" where words.count == 2: self = .inspection(.function(words[1].trimmingSpaces))
        case "inspect": self = .usage("Usage: .inspect FUNCTION (shows the variables it captured).")
        case "interrupt":
            guard words.count == 1 || MetaCommand.taskNumber(words[1]) != nil else {
                self = .usage("Usage: .interrupt [ID] (a task's number, as .tasks lists it; none: what holds the executor).")
                return
            }
            self = .interrupt(words.count == 2 ? MetaCommand.taskNumber(words[1]) : nil)
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

    /// `3` or `#3`.
    private static func taskNumber(_ word: String) -> Int? {
        Int(word.trimmingSpaces.drop { $0 == "#" }).flatMap { $0 > 0 ? $0 : nil }
    }

    enum Inspection: Equatable {
        case task(Int)
        case enter(task: Int, frame: Int)
        case enterFunction(String)
        case move(Int)
        case leave
        case postMortem
        case function(String)
        case fullValue
        case help(String)

        /// The command as typed, for a backend elsewhere to parse again.
        var line: String {
            switch self {
            case .task(let id): return ".tasks \(id)"
            case .enter(let task, let frame): return ".enter \(task) \(frame)"
            case .enterFunction(let expression): return ".enter \(expression)"
            case .move(let steps): return steps > 0 ? ".up" : ".down"
            case .leave: return ".leave"
            case .postMortem: return ".pm"
            case .fullValue: return ".full"
            case .help(let name): return ".help \(name)"
            case .function(let expression): return ".inspect \(expression)"
            }
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
        case .inspection(let inspection): return await backend.inspect(inspection.line)
        case .interrupt(let id):
            backend.interruptTask(id)
            return id.map { "Interrupting task #\($0).\n" } ?? "Interrupting whatever holds the executor, if something does.\n"
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
        case .help, .tasks, .inspection, .interrupt, .usage, .unknown:
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
