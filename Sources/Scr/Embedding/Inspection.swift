import Dispatch

/// What a REPL session has entered (`.enter`, `.pm`): a stack of frames, innermost first, and the one
/// its inputs see. Entering a suspended task holds it — it does not resume until the session leaves —
/// so that its frame cannot change under the one inspecting it.
///
/// Lives on the executor, in `Runtime.inspections`, by session.
final class Inspection {
    enum Target {
        case task(TaskObject)
        case postMortem(ScriptError)
        /// A function value's captured variables (`.enter f`); the closure is kept alive here.
        case closure(Closure)
    }

    let target: Target
    let frames: [ScriptFrame]
    private(set) var index: Int

    init(target: Target, frames: [ScriptFrame], index: Int) {
        self.target = target
        self.frames = frames
        self.index = index
        if case .task(let task) = target { task.hold() }
    }

    var frame: ScriptFrame { frames[index] }

    /// The names an input sees here, after its own and before the globals.
    var scope: OuterScope {
        OuterScope(frame: frame.heap.frame, locations: Dictionary(frame.visible.map { ($0.name, $0.location) },
                                                                  uniquingKeysWith: { $1 }))
    }

    /// Moves `steps` frames outward (negative: inward); false at either end.
    func move(_ steps: Int) -> Bool {
        guard frames.indices.contains(index + steps) else { return false }
        index += steps
        return true
    }

    /// What the prompt says: `task 3 fetch()`, `pm area()`, `closure counter()`.
    var label: String {
        let function = Traceback.name(function: frame.code.location.function)
        switch target {
        case .task(let task): return "task \(task.id) \(function)"
        case .postMortem: return "pm \(function)"
        case .closure: return "closure \(function)"
        }
    }

    func leave() {
        if case .task(let task) = target { task.releaseHold() }
    }
}

extension ScriptFrame {
    /// The frame's variables and their values, abbreviated, as `.tasks ID` and `.enter` list them.
    var variables: [TaskSummary.Variable] {
        visible.compactMap { variable in
            variable.location.read(heap.frame).map { TaskSummary.Variable(name: variable.name, value: $0.abbreviated) }
        }
    }

    /// The value of the variable `name` the frame sees, if it has one.
    func value(of name: String) -> Value? {
        visible.last { $0.name == name }?.location.read(heap.frame)
    }

    var summary: TaskSummary.Frame {
        TaskSummary.Frame(function: code.location.function, file: code.location.file, line: line,
                          variables: variables)
    }
}

extension Value {
    /// The value as the REPL echoes it, cut at `limit` characters with `…`.
    func abbreviated(limit: Int) -> String {
        let text = abbreviatedRepr(elements: limit / 2, characters: limit)
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    var abbreviated: String { abbreviated(limit: 72) }
}

extension TaskObject {
    /// What `.tasks` shows of the task: its state and its await stack, innermost first.
    func summary(background: Bool) -> TaskSummary {
        var state = "ready"
        if let line = waitingLine {
            state = "waiting at line \(line)"
            switch waitingOn {
            case .sleep(let due)?:
                let left = Double(due &- min(due, DispatchTime.now().uptimeNanoseconds)) / 1e9
                state += " on sleep (\(TaskObject.seconds(left)) left)"
            case .tasks(let ids)?: state += " on " + ids.map { "task #\($0)" }.joined(separator: ", ")
            case .primitive(let what)?: state += " on " + what
            case .io?: state += " on I/O"
            case .host?: state += " on the host"
            case nil: break
            }
        }
        if holds > 0 { state = "held (\(state))" }
        return TaskSummary(id: id, name: name, isBackground: background, waitingLine: waitingLine, state: state,
                           isHeld: holds > 0, spawnedAt: spawnSite.map {
                               TaskSummary.Frame.place(function: $0.location.function, file: $0.location.file, line: $0.line)
                           },
                           frames: stack.map(\.summary))
    }

    /// `2.4 s`, `120 ms`.
    static func seconds(_ value: Double) -> String {
        if value < 1 { return "\(Int((value * 1000).rounded())) ms" }
        return "\(Double(Int((value * 10).rounded())) / 10) s"
    }
}

/// Why a session cannot enter what it asked for: the REPL shows the message.
public struct InspectionError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

extension Runtime {
    /// What `.tasks` shows of every task, by id.
    var taskSummaries: [TaskSummary] {
        (foregroundTasks.values.map { $0.summary(background: false) }
            + liveTasks.all.map { $0.summary(background: true) }).sorted { $0.id < $1.id }
    }

    func enter(task id: Int, frame: Int, session: Int) throws -> Inspection {
        guard let task = foregroundTasks[id] ?? liveTasks[id] else {
            throw InspectionError(description: "No task #\(id) is running (.tasks lists them).")
        }
        guard !task.activeFrames.isEmpty else {
            throw InspectionError(description: "Task #\(id) has not started yet.")
        }
        let frames = task.stack
        guard frames.indices.contains(frame) else {
            throw InspectionError(description: "Task #\(id) has frames 0 to \(frames.count - 1).")
        }
        return Inspection(target: .task(task), frames: frames, index: frame)
    }

    func enterPostMortem(session: Int) throws -> Inspection {
        guard let error = lastFailures[session] ?? lastFailures[0] else {
            throw InspectionError(description: "No uncaught error to inspect yet.")
        }
        guard let frames = error.postMortem?.frames, !frames.isEmpty else {
            throw InspectionError(description: "The last error kept no frames.")
        }
        return Inspection(target: .postMortem(error), frames: frames, index: 0)
    }

    func enter(closure value: Value) throws -> Inspection {
        let closure: Closure
        switch value {
        case .function(let function): closure = function
        case .boundMethod(let bound): closure = bound.method
        default:
            throw InspectionError(description: "Only a function defined in scr has variables to enter, not \(value.typeName).")
        }
        // A frame of no slots and no boxes over the closure's captures: assigning to one writes through.
        let heap = HeapFrame(closure.code, captures: closure.captures)
        return Inspection(target: .closure(closure), frames: [ScriptFrame(code: closure.code, heap: heap, line: 0)],
                          index: 0)
    }

    /// What `.enter` and `.up`/`.down` print: where the frame is, and its variables.
    func describe(_ inspection: Inspection) -> String {
        let frame = inspection.frame
        var text: String
        switch inspection.target {
        case .task(let task):
            text = "Task #\(task.id) \(task.name) (held until .leave), frame \(inspection.index) of "
                + "\(inspection.frames.count): \(frame.place)\n"
        case .postMortem(let error):
            text = "\(error.message)\nFrame \(inspection.index) of \(inspection.frames.count): \(frame.place)\n"
        case .closure:
            text = "The variables \(Traceback.name(function: frame.code.location.function)) captured"
                + (frame.code.captureNames.isEmpty ? ": none.\n" : ":\n")
        }
        for variable in frame.variables { text += "  \(variable.name) = \(variable.value)\n" }
        return text
    }
}
