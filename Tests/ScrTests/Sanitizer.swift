import Foundation

/// Which sanitizer the tests run under: `scripts/sanitizers` says so in `SCR_SANITIZER`.
enum Sanitizer {
    private static let name = ProcessInfo.processInfo.environment["SCR_SANITIZER"]
    static let isThread = name == "thread"
    static let isAny = name != nil
}
