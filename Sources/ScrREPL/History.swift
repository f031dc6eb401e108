import Scr

/// Where the REPL keeps its history: `$SCR_HISTORY`, else `~/.scr_history`.
enum History {
    static var path: String? {
        if let path = System.environment("SCR_HISTORY") { return path }
        guard let home = System.environment("HOME") else { return nil }
        return home + "/.scr_history"
    }
}
