/// A number as the decimal digits scr prints for it (the shortest that read back as the same
/// double), rounded and laid out in decimal: what `round(x, digits)`, `toFixed` and `format` work on.
///
/// Rounding the printed digits rather than the binary value means that what you see is what gets
/// rounded: `round(2.675, 2)` is 2.68 and `toFixed(1.005, 2)` is "1.01" (Python gives 2.67 and
/// JavaScript "1.00", from the binary value just below). Ties go away from zero.
struct DecimalText {
    var negative: Bool
    /// Digits 0–9, most significant first; `[0]` for zero.
    var digits: [UInt8]
    /// The power of ten of the first digit.
    var exponent: Int

    init(negative: Bool, digits: [UInt8], exponent: Int) {
        (self.negative, self.digits, self.exponent) = (negative, digits, exponent)
    }

    /// A finite number's digits.
    init(_ number: Double) {
        negative = number.sign == .minus
        guard number != 0 else {
            (digits, exponent) = ([0], 0)
            return
        }
        let (characters, exponent) = NumberFormatting.shortestDigits(Swift.abs(number))
        digits = characters.map { UInt8($0.asciiValue! - 48) }
        self.exponent = exponent
    }

    /// Rounded to `fraction` digits after the point (negative: to tens, hundreds, …), ties away from zero.
    func rounded(fractionDigits fraction: Int) -> DecimalText {
        rounded(keeping: exponent + 1 + fraction)
    }

    /// Rounded to `count` significant digits (at least 1).
    func rounded(significantDigits count: Int) -> DecimalText {
        rounded(keeping: Swift.max(1, count))
    }

    /// Keeps the first `keep` digits, rounding on the next one.
    private func rounded(keeping keep: Int) -> DecimalText {
        guard keep < digits.count else { return self }
        guard keep >= 0 else { return DecimalText(negative: negative, digits: [0], exponent: 0) }
        var kept = Array(digits[0..<keep])
        var exponent = self.exponent
        if digits[keep] >= 5 {
            var index = kept.count - 1
            while index >= 0 && kept[index] == 9 {
                kept[index] = 0
                index -= 1
            }
            if index >= 0 {
                kept[index] += 1
            } else {
                kept.insert(1, at: 0)
                exponent += 1
            }
        }
        while kept.count > 1 && kept.last == 0 { kept.removeLast() }
        if kept.isEmpty || kept.allSatisfy({ $0 == 0 }) { return DecimalText(negative: negative, digits: [0], exponent: 0) }
        return DecimalText(negative: negative, digits: kept, exponent: exponent)
    }

    var isZero: Bool { digits == [0] }

    var value: Double {
        let text = (negative ? "-" : "") + "0." + String(digits.map { Character(Unicode.Scalar($0 + 48)) })
            + "e\(exponent + 1)"
        return Double(text)!
    }

    /// The integer part's digits and exactly `fraction` digits after the point (the caller rounds first).
    func plainParts(fractionDigits fraction: Int) -> (whole: String, fraction: String) {
        func digit(at power: Int) -> Character {
            let index = exponent - power
            return index >= 0 && index < digits.count ? Character(Unicode.Scalar(digits[index] + 48)) : "0"
        }
        let whole = exponent >= 0 ? String((0...exponent).reversed().map(digit)) : "0"
        let fractionText = fraction > 0 ? String((1...fraction).map { digit(at: -$0) }) : ""
        return (whole, fractionText)
    }

    /// `d.ddde±x` with `fraction` digits after the point.
    func scientific(fractionDigits fraction: Int) -> String {
        let rounded = rounded(significantDigits: fraction + 1)
        var mantissa = String(Character(Unicode.Scalar(rounded.digits[0] + 48)))
        if fraction > 0 {
            mantissa += "." + String((1...fraction).map { index in
                index < rounded.digits.count ? Character(Unicode.Scalar(rounded.digits[index] + 48)) : "0"
            })
        }
        let exponent = rounded.isZero ? 0 : rounded.exponent
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (Swift.abs(exponent) < 10 ? "0" : "") + "\(Swift.abs(exponent))"
    }
}

/// Python's format mini-language, the part scripts need: `[[fill]align][sign][,|_][0][width][.precision][type]`.
/// Types: `f` fixed, `e` scientific, `%` percent, `d` whole number; none: whole numbers in full,
/// others as `print` shows them.
struct NumberFormatSpec {
    var fill: Character = " "
    var align: Character?
    var sign: Character = "-"
    var grouping: Character?
    var width = 0
    var precision: Int?
    var type: Character?

    init?(_ spec: String) {
        var rest = Substring(spec)
        let aligns: Set<Character> = ["<", ">", "^", "="]
        if rest.count >= 2, aligns.contains(rest[rest.index(after: rest.startIndex)]) {
            fill = rest.removeFirst()
            align = rest.removeFirst()
        } else if let first = rest.first, aligns.contains(first) {
            align = rest.removeFirst()
        }
        if let first = rest.first, "+- ".contains(first) { sign = rest.removeFirst() }
        if rest.first == "0" {
            rest.removeFirst()
            if align == nil { (fill, align) = ("0", "=") }
        }
        let widthDigits = rest.prefix { $0.isASCII && $0.isNumber }
        rest.removeFirst(widthDigits.count)
        if !widthDigits.isEmpty { guard let width = Int(widthDigits), width <= 1000 else { return nil }; self.width = width }
        if let first = rest.first, first == "," || first == "_" { grouping = rest.removeFirst() }
        if rest.first == "." {
            rest.removeFirst()
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let precision = Int(digits), precision <= 100 else { return nil }
            rest.removeFirst(digits.count)
            self.precision = precision
        }
        if let first = rest.first, "fe%d".contains(first) { type = rest.removeFirst() }
        guard rest.isEmpty else { return nil }
    }

    /// `number` formatted; nil when the spec does not fit it (`d` of a fraction).
    func format(_ number: Double) -> String? {
        var body: String
        let negative = number.sign == .minus && !(number == 0 && type != nil)
        if !number.isFinite {
            body = number.isNaN ? "nan" : "inf"
        } else {
            var decimal = DecimalText(Swift.abs(number))
            switch type {
            case "f", "%":
                if type == "%" { decimal.exponent += decimal.isZero ? 0 : 2 }
                let fraction = precision ?? 6
                let parts = decimal.rounded(fractionDigits: fraction).plainParts(fractionDigits: fraction)
                body = group(parts.whole) + (parts.fraction.isEmpty ? "" : "." + parts.fraction) + (type == "%" ? "%" : "")
            case "e":
                body = decimal.scientific(fractionDigits: precision ?? 6)
            case "d":
                guard number == number.rounded() else { return nil }
                body = group(decimal.plainParts(fractionDigits: 0).whole)
            default:
                if let precision {
                    decimal = decimal.rounded(significantDigits: precision)
                }
                // Whole numbers in full (12000000, not print's 1.2E7); others as print shows them.
                let value = decimal.value
                if value == value.rounded() && value < 1e16 {
                    body = group(decimal.plainParts(fractionDigits: 0).whole)
                } else {
                    let shown = NumberFormatting.format(value)
                    let point = shown.firstIndex { !$0.isNumber } ?? shown.endIndex
                    body = shown.contains("E") ? shown : group(String(shown[..<point])) + shown[point...]
                }
            }
        }
        let signText = negative ? "-" : (sign == "+" ? "+" : sign == " " ? " " : "")
        return pad(signText, body)
    }

    private func group(_ whole: String) -> String {
        guard let grouping else { return whole }
        var result = ""
        for (index, character) in whole.enumerated() {
            if index > 0 && (whole.count - index) % 3 == 0 { result.append(grouping) }
            result.append(character)
        }
        return result
    }

    private func pad(_ sign: String, _ body: String) -> String {
        let missing = width - sign.count - body.count
        guard missing > 0 else { return sign + body }
        let padding = String(repeating: fill, count: missing)
        switch align ?? ">" {
        case "<": return sign + body + padding
        case "^":
            let left = String(repeating: fill, count: missing / 2)
            return left + sign + body + String(repeating: fill, count: missing - missing / 2)
        case "=": return sign + padding + body
        default: return padding + sign + body
        }
    }
}
