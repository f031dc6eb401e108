import Foundation

/// Which sanitizer the tests run under: `scripts/sanitizers` says so in `SCR_SANITIZER`.
enum Sanitizer {
    static let isThread = ProcessInfo.processInfo.environment["SCR_SANITIZER"] == "thread"
}
