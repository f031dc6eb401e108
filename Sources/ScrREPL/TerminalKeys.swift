@preconcurrency import CEditLine
import Scr

/// What libedit reads keys through (`rl_getc_function`): standard input's bytes decoded to Unicode
/// scalars — libedit turns the `int` it gets into a `wchar_t` — with bracketed paste's markers taken
/// out. The terminal wraps a paste in `ESC [200~` … `ESC [201~` (once `ESC [?2004h` asks it to);
/// inside, a TAB is inserted as a character, not taken as a request to complete (it is handed to
/// libedit after `^V`, its quoted insert). Every other byte of a paste is what typing it gives: a
/// paste runs as its lines typed (`InputBuffer.add`).
///
/// Bytes are read ahead in blocks, so a 10,000-line paste is a few hundred reads, not a read per
/// byte; `hasBufferedInput` tells the reading loop that a key is waiting although standard input
/// has nothing new. Only the REPL's reading thread touches this.
enum TerminalKeys {
    nonisolated(unsafe) private static var buffered: [UInt8] = []
    nonisolated(unsafe) private static var next = 0
    nonisolated(unsafe) private static var pasting = false
    nonisolated(unsafe) private static var queuedScalar: Int32?

    static let enableBracketedPaste = "\u{1B}[?2004h"
    static let disableBracketedPaste = "\u{1B}[?2004l"
    private static let pasteStart = Array("[200~".utf8)
    private static let pasteEnd = Array("[201~".utf8)
    /// `^V`: libedit inserts the next key as it is.
    private static let quotedInsert: Int32 = 0x16
    /// `^@`, libedit's set-mark: what the end of a paste hands over when no key follows it, since
    /// libedit must get a key for each read.
    private static let noEffect: Int32 = 0

    static var hasBufferedInput: Bool { next < buffered.count || queuedScalar != nil }

    /// Installs the reader; before libedit first initializes, which is when it looks.
    static func install() {
        rl_getc_function = { _ in TerminalKeys.readKey() }
    }

    static func readKey() -> Int32 {
        if let scalar = queuedScalar {
            queuedScalar = nil
            return scalar
        }
        guard let byte = nextByte(blocking: true) else { return 4 }  // End of input: Ctrl-D.
        switch byte {
        case 0x1B:
            if followedBy(pasteStart) {
                pasting = true
                return readKey()
            }
            if followedBy(pasteEnd) {
                pasting = false
                return hasBufferedInput || !System.waitForInput([System.standardInput], timeout: 0).isEmpty
                    ? readKey() : noEffect
            }
            return 0x1B
        case UInt8(ascii: "\t") where pasting:
            queuedScalar = 0x09
            return quotedInsert
        case 0..<0x80:
            return Int32(byte)
        default:
            return decode(leading: byte)
        }
    }

    /// The scalar a UTF-8 sequence starting with `leading` encodes (U+FFFD for a malformed one).
    private static func decode(leading: UInt8) -> Int32 {
        let length = leading >= 0xF0 ? 4 : leading >= 0xE0 ? 3 : leading >= 0xC0 ? 2 : 0
        guard length > 0 else { return 0xFFFD }
        var scalar = UInt32(leading) & (0xFF >> UInt32(length + 1))
        for _ in 1..<length {
            guard let byte = nextByte(blocking: true), byte & 0xC0 == 0x80 else { return 0xFFFD }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        return Unicode.Scalar(scalar) == nil ? 0xFFFD : Int32(scalar)
    }

    /// Whether the bytes after an ESC are `marker`, taking them if so. A marker arrives in one
    /// piece; an ESC typed alone, or starting an arrow key's sequence, leaves its bytes waiting.
    private static func followedBy(_ marker: [UInt8]) -> Bool {
        while buffered.count - next < marker.count, fill(blocking: false) {}
        guard buffered.count - next >= marker.count,
              buffered[next..<(next + marker.count)].elementsEqual(marker) else { return false }
        next += marker.count
        return true
    }

    private static func nextByte(blocking: Bool) -> UInt8? {
        if next == buffered.count && !fill(blocking: blocking) { return nil }
        defer { next += 1 }
        return buffered[next]
    }

    /// Reads what standard input has (waiting for it if `blocking`); false if nothing came.
    private static func fill(blocking: Bool) -> Bool {
        if !blocking && System.waitForInput([System.standardInput], timeout: 0).isEmpty { return false }
        if next == buffered.count {
            buffered.removeAll(keepingCapacity: true)
            next = 0
        }
        var block = [UInt8](repeating: 0, count: 4096)
        guard let count = block.withUnsafeMutableBytes({ System.read(System.standardInput, into: $0) }), count > 0 else {
            return false
        }
        buffered.append(contentsOf: block[..<count])
        return true
    }
}
