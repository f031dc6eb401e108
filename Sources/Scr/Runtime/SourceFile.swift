/// Reading script files, without Foundation (which would slow every start of `scr`).
package enum SourceFile {
    /// Why a file could not be read.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "can't open file '\(path)': \(reason)" }
    }

    /// The file's bytes as text; invalid UTF-8 becomes U+FFFD, which the lexer then reports.
    public static func read(_ path: String) throws -> String {
        do {
            return String(decoding: try System.readFile(path), as: UTF8.self)
        } catch {
            throw ReadError(path: path, reason: error.reason)
        }
    }

    /// The directory part of a path ("." for a bare file name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path` relative to `directory`, unless it is absolute, with `.` and `dir/..` taken out as far
    /// as the text allows (symbolic links are not followed: this is how the path is shown, not what it
    /// is; see `Runtime.modulePath`).
    public static func resolve(_ path: String, relativeTo directory: String) -> String {
        normalize(path.hasPrefix("/") ? path : directory + "/" + path)
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if path.hasPrefix("/") { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
