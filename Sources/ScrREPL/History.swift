#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the REPL keeps its history: `$SCR_HISTORY`, else `~/.scr_history`.
enum History {
    static var path: String? {
        if let path = getenv("SCR_HISTORY") { return String(cString: path) }
        guard let home = getenv("HOME") else { return nil }
        return String(cString: home) + "/.scr_history"
    }
}
