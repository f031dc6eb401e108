/// A frame of script code as the REPL inspects it (`.tasks ID`, `.enter`, `.pm`): the function, its
/// frame's memory, and the line it is at.
struct ScriptFrame {
    let code: FunctionCode
    let heap: HeapFrame
    /// For a frame on a task's await stack, the await it is at (its first line before its first
    /// await); for a frame an error left, where the error passed.
    var line: Int

    /// The names the frame sees at its line and where they live, without those whose box does not
    /// exist yet (a boxed local whose declaration has not run): reading one would find no box.
    var visible: [(name: String, location: VariableLocation)] {
        code.visible(at: line).filter { variable in
            if case .box(let index) = variable.location { return heap.frame.boxes[index] != nil }
            return true
        }
    }

    /// `file:line in function()`, as `.tasks` lists it.
    var place: String {
        TaskSummary.Frame.place(function: code.location.function, file: code.location.file, line: line)
    }
}

/// The frames an uncaught error left, innermost first, with the values their variables held when it
/// left them: what `.pm` enters. An error collects them as it propagates (`Runtime.keepForPostMortem`)
/// only while a REPL could ask for them; a `catch` drops them.
///
/// The frames hold script values, which may only be released on the executor, while the error that
/// holds this may be dropped by the host anywhere: the last release then hands the frames over to the
/// executor, as `ThrownValue` does with a thrown value.
final class PostMortem: @unchecked Sendable {  // `frames` are touched on `executor` only; see deinit.
    /// Deeper frames than this are not kept: a `Stack overflow.` leaves thousands.
    static let maxFrames = 100

    private(set) var frames: [ScriptFrame] = []
    /// How many frames the error had left when the last one was kept.
    var framesLeft = 0
    private let executor: ScriptExecutor

    init(executor: ScriptExecutor) {
        self.executor = executor
    }

    /// Whether it holds `maxFrames`: the frames an error leaves after that are not copied.
    var isFull: Bool { frames.count >= PostMortem.maxFrames }

    func keep(_ frame: ScriptFrame) {
        frames.append(frame)
    }

    deinit {
        guard !executor.isCurrent else { return }
        let frames = Confined(self.frames)
        executor.startLater { _ = frames }
    }
}

extension Runtime {
    /// Keeps a copy of the frame of `code` the error is leaving, if a REPL may ask for it (`.pm`).
    func keepForPostMortem(_ error: ScriptError, _ code: FunctionCode, _ frame: Frame) {
        guard keepsFailedFrames, error.kind != .stopped && error.kind != .exited else { return }
        let postMortem = error.postMortem ?? PostMortem(executor: executor)
        error.postMortem = postMortem
        // Once per frame left: an error from evaluating a call's arguments reaches the call's
        // catch too, without having left the frame made for the call.
        guard error.frameCount > postMortem.framesLeft else { return }
        postMortem.framesLeft = error.frameCount
        guard !postMortem.isFull else { return }
        postMortem.keep(ScriptFrame(code: code, heap: HeapFrame(copying: frame, of: code), line: error.lastFrameLine))
    }

    /// The same for the synchronous frame of `closure` pushed at `mark`, from the catch of the call
    /// that pops it: there, unlike in `run`, the frame need not be kept in registers across the call
    /// for a path that never runs (that cost fib 0.6% more instructions).
    @inline(never)
    func keepForPostMortem(_ error: any Error, _ closure: Unmanaged<Closure>, at mark: FrameStack.Mark) {
        guard let error = error as? ScriptError else { return }
        closure._withUnsafeGuaranteedRef { closure in
            keepForPostMortem(error, closure.code, stack.frame(at: mark))
        }
    }

    /// An error reached the top of a task or input of session `origin` uncaught: its frames are what
    /// `.pm` there enters, until the next such error.
    func noteUncaught(_ error: ScriptError, origin: Int) {
        guard keepsFailedFrames, error.kind != .stopped && error.kind != .exited else { return }
        lastFailures[origin] = error
    }
}
