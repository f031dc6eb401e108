// FoundationEssentials, not Foundation: the error protocols without the international data, which
// cost nothing at start-up (measured: docs/embedding.md, "Errors").
import FoundationEssentials

/// A host that imports Foundation shows errors by `localizedDescription`: for a script error, its
/// message.
extension ScriptError: LocalizedError {
    public var errorDescription: String? { message }
}

extension CompileError: LocalizedError {
    public var errorDescription: String? { description }
}

/// The text a script sees for a host function's Swift error: a `LocalizedError`'s description when it
/// has one, else the error as Swift prints it.
func hostErrorText(_ error: any Error) -> String {
    (error as? any LocalizedError)?.errorDescription ?? String(describing: error)
}
