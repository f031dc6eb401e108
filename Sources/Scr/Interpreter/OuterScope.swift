/// The locals of a suspended function that a REPL opened inside it can see: where each name lives in
/// that function's frame. A REPL input resolves names here after its own and before the globals.
///
/// Only `await repl()` opens such a REPL, so the function is suspended at that await, and its frame
/// (a heap frame, since the function can suspend) stays alive, for as long as the REPL is open.
final class OuterScope {
    let frame: Frame
    let locations: [String: VariableLocation]

    init(frame: Frame, locations: [String: VariableLocation]) {
        self.frame = frame
        self.locations = locations
    }
}
