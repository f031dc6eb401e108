/// Looking inside the program from a session: entering a suspended task's frame, the frames an
/// uncaught error left (post-mortem), or a closure's captured variables. While a frame is entered,
/// the session's inputs see its variables (readable and assignable) before the globals, and the
/// REPL's prompt names it (`prompt`). docs/repl.md, "Inspecting a running program".
extension ScrSession {
    /// `>>> `, or `task 3 fetch()>>> ` while a frame is entered.
    public var prompt: String { enteredLabel.withLock { $0 }.map { $0 + ">>> " } ?? ">>> " }

    /// Whether the session has entered a frame.
    public var isInspecting: Bool { enteredLabel.withLock { $0 } != nil }

    /// Enters frame `frame` (0: innermost) of task `task`'s await stack; the task is held until the
    /// session leaves. Returns where the frame is and its variables.
    @discardableResult
    public func enter(task: Int, frame: Int = 0) async throws -> String {
        try await inspect { runtime, session in try runtime.enter(task: task, frame: frame, session: session) }
    }

    /// Enters the innermost frame the last uncaught error of this session (or of the program) left,
    /// with the values its variables had then (`.pm`).
    @discardableResult
    public func enterPostMortem() async throws -> String {
        try await inspect { runtime, session in try runtime.enterPostMortem(session: session) }
    }

    /// Enters the captured variables of the function `expression` evaluates to (`.enter f`):
    /// assigning to one changes it for the function.
    @discardableResult
    public func enter(function expression: String) async throws -> String {
        let session = Confined(self)
        return try await interpreter.onExecutor { runtime in
            let value = try await session.value.run(expression + ";", runtime)
            let inspection = try runtime.enter(closure: value)
            return session.value.begin(inspection, runtime)
        }.value
    }

    /// The variables the function `expression` evaluates to captured (`.inspect f`).
    public func describe(function expression: String) async throws -> String {
        let session = Confined(self)
        return try await interpreter.onExecutor { runtime in
            let value = try await session.value.run(expression + ";", runtime)
            let inspection = try runtime.enter(closure: value)
            return runtime.describe(inspection)
        }.value
    }

    /// Moves to the frame `steps` further out (`.up`; negative: in, `.down`).
    @discardableResult
    public func move(outward steps: Int) async throws -> String {
        let id = self.id
        let (text, label) = try await interpreter.onExecutorNow { runtime in
            guard let inspection = runtime.inspections[id] else {
                throw InspectionError(description: "No frame entered: .enter ID or .pm first.")
            }
            guard inspection.move(steps) else {
                throw InspectionError(description: steps > 0 ? "Already at the outermost frame." : "Already at the innermost frame.")
            }
            return (runtime.describe(inspection), inspection.label)
        }
        enteredLabel.withLock { $0 = label }
        return text
    }

    /// Leaves the entered frame; a held task resumes. Returns what to tell the user, nil if no frame
    /// was entered.
    @discardableResult
    public func leave() async -> String? {
        let id = self.id
        let label = enteredLabel.withLock { label in
            defer { label = nil }
            return label
        }
        guard label != nil else { return nil }
        return try? await interpreter.onExecutorNow { runtime in
            guard let inspection = runtime.inspections.removeValue(forKey: id) else { return nil }
            inspection.leave()
            if case .task(let task) = inspection.target { return "Left task #\(task.id); it goes on.\n" }
            return "Left \(inspection.label).\n"
        }
    }

    /// What `name` is (`.help NAME`): a library function's signature and description, a script
    /// function's parameters and where it was defined, … (see `Runtime.help`).
    public func help(_ name: String) async -> String {
        let id = self.id
        let text = try? await interpreter.onExecutorNow { runtime in
            runtime.help(for: name, in: runtime.inspections[id]?.frame)
        }
        return text ?? ""
    }

    /// The last value echoed (`_`), in full (`.full`).
    public func fullValue() async -> String {
        let text = try? await interpreter.onExecutorNow { runtime in runtime.globals.value(of: "_")?.repr }
        return (text ?? nil).map { $0 + "\n" } ?? "No value yet: _ is set by the last expression echoed.\n"
    }

    /// Completions of `word` (see `Interpreter.completions(for:)`), with the entered frame's names.
    public func completions(for word: String) async -> [String] {
        let id = self.id
        let words = try? await interpreter.onExecutorNow { runtime in
            runtime.completions(for: word, in: runtime.inspections[id]?.frame)
        }
        return words ?? []
    }

    /// A task's state and await stack, each frame with its variables (`.tasks ID`).
    public func describe(task id: Int) async -> String {
        let text = try? await interpreter.onExecutorNow { runtime -> String in
            guard let task = runtime.foregroundTasks[id] ?? runtime.liveTasks[id] else {
                return "No task #\(id) is running.\n"
            }
            let summary = task.summary(background: task.isBackground)
            var text = "#\(summary.id) \(summary.name): \(summary.state)\n"
            for (number, frame) in task.stack.enumerated() {
                text += "  \(number)  \(frame.place)\n"
                for variable in frame.variables { text += "       \(variable.name) = \(variable.value)\n" }
            }
            if let spawnedAt = summary.spawnedAt { text += "  spawned at \(spawnedAt)\n" }
            return text
        }
        return text ?? ""
    }

    private func inspect(_ make: @escaping (Runtime, Int) throws -> Inspection) async throws -> String {
        let session = Confined(self)
        return try await interpreter.onExecutorNow { runtime in
            try session.value.begin(make(runtime, session.value.id), runtime)
        }
    }

    /// Makes `inspection` the session's, leaving the one before; on the executor.
    private func begin(_ inspection: Inspection, _ runtime: Runtime) -> String {
        runtime.keepsFailedFrames = true
        runtime.inspections.updateValue(inspection, forKey: id)?.leave()
        enteredLabel.withLock { $0 = inspection.label }
        return runtime.describe(inspection)
    }
}
