import Testing

@testable import Scr

/// The parts of the async I/O library that can be tested without sockets; the library itself is
/// tested end to end by the golden programs under Tests/golden/core/{net,http,process,io}.
struct AsyncIOTests {
    /// Every cut of every string of 1- to 4-byte characters: `read(n)` never splits a character,
    /// and gives all it can.
    @Test func readsCutAtCharacterBoundaries() {
        let characters = ["a", "é", "€", "😀"]
        var texts: [String] = []
        for first in characters {
            for second in characters {
                for third in characters { texts.append(first + second + third) }
            }
        }
        for text in texts {
            let bytes = Array(text.utf8)[...]
            let starts = Set(text.unicodeScalars.indices.map { text.utf8.distance(from: text.utf8.startIndex, to: $0) })
                .union([bytes.count])
            for limit in 1...bytes.count {
                for ended in [false, true] {
                    let count = Inbox.wholeCharacters(bytes, upTo: limit, ended: ended)
                    let expected = starts.filter { $0 <= limit }.max()!
                    #expect(count == expected, "\(text) cut at \(limit)")
                }
            }
        }
    }

    @Test func decodesURLText() {
        #expect(URLText.decode("a%20b+c") == "a b c")
        #expect(URLText.decode("%E2%82%AC") == "€")
        #expect(URLText.decode("%e2%82%ac") == "€")
        #expect(URLText.decode("100%") == "100%")
        #expect(URLText.decode("%zz%4") == "%zz%4")
        #expect(URLText.decode("") == "")
    }

    @Test func parsesHTTPURLs() {
        let cases: [(String, (String, Int, String)?)] = [
            ("http://example.com", ("example.com", 80, "/")),
            ("http://example.com/", ("example.com", 80, "/")),
            ("HTTP://Example.com:8080/a/b?c=d", ("Example.com", 8080, "/a/b?c=d")),
            ("http://127.0.0.1:1?x", ("127.0.0.1", 1, "/?x")),
            ("http://[::1]:9000/p", ("::1", 9000, "/p")),
            ("http://[::1]/p", ("::1", 80, "/p")),
            ("https://example.com/", nil),
            ("http://:80/", nil),
            ("http://host:0/", nil),
            ("http://host:65536/", nil),
            ("http://host:port/", nil),
            ("http://[::1/", nil),
            ("example.com", nil),
        ]
        for (url, expected) in cases {
            let target = HTTPClient.Target(url)
            #expect(target.map { [$0.host, String($0.port), $0.path] } == expected.map { [$0.0, String($0.1), $0.2] }, "\(url)")
        }
    }
}
