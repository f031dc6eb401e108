/// Formats a number exactly as jlox prints it: Java's `Double.toString`, minus a trailing `.0`.
enum NumberFormatting {
    static func format(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == d.rounded(.towardZero) && Swift.abs(d) < 1e7 {
            return d == 0 && d.sign == .minus ? "-0" : String(Int(d))
        }
        let java = javaString(d)
        return java.hasSuffix(".0") ? String(java.dropLast(2)) : java
    }

    /// Java's `Double.toString`: plain notation for 1e-3 ≤ |d| < 1e7, otherwise `d.dddE±n`, always with
    /// at least one fractional digit, using the shortest digits that round-trip.
    static func javaString(_ d: Double) -> String {
        let (digits, exponent) = shortestDigits(Swift.abs(d))
        let sign = d.sign == .minus ? "-" : ""
        let magnitude = Swift.abs(d)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            return sign + plain(digits: digits, pointAt: exponent + 1)
        }
        let fraction = digits.count > 1 ? String(digits.dropFirst()) : "0"
        return "\(sign)\(digits.first!).\(fraction)E\(exponent)"
    }

    /// Digits with the decimal point after `pointAt` of them (which may be ≤ 0 or past the end).
    private static func plain(digits: [Character], pointAt: Int) -> String {
        if pointAt <= 0 {
            return "0." + String(repeating: "0", count: -pointAt) + String(digits)
        }
        if pointAt >= digits.count {
            return String(digits) + String(repeating: "0", count: pointAt - digits.count) + ".0"
        }
        return String(digits[..<pointAt]) + "." + String(digits[pointAt...])
    }

    /// The shortest round-tripping decimal digits of a positive finite `d` (Swift's own algorithm),
    /// without leading or trailing zeros, and the decimal exponent of the first digit.
    static func shortestDigits(_ d: Double) -> (digits: [Character], exponent: Int) {
        let text = d.description  // e.g. "123.45", "1e-05", "1.2345e+16"
        let parts = text.split(separator: "e")
        var exponent = parts.count > 1 ? Int(parts[1])! : 0
        let mantissa = parts[0]
        let pointIndex = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) }
            ?? mantissa.count
        var digits = Array(mantissa.filter { $0 != "." })
        exponent += pointIndex - 1
        while digits.first == "0" && digits.count > 1 {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.last == "0" && digits.count > 1 { digits.removeLast() }
        return (digits, exponent)
    }
}
