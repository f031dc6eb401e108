#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's elementary functions, for the `math` module: the standard library has square
/// roots and rounding but not these, and nothing outside Platform/ imports the C library.
package enum CMath {
    package static func exp(_ x: Double) -> Double { c_exp(x) }
    package static func log(_ x: Double) -> Double { c_log(x) }
    package static func log2(_ x: Double) -> Double { c_log2(x) }
    package static func log10(_ x: Double) -> Double { c_log10(x) }
    package static func sin(_ x: Double) -> Double { c_sin(x) }
    package static func cos(_ x: Double) -> Double { c_cos(x) }
    package static func tan(_ x: Double) -> Double { c_tan(x) }
    package static func asin(_ x: Double) -> Double { c_asin(x) }
    package static func acos(_ x: Double) -> Double { c_acos(x) }
    package static func atan(_ x: Double) -> Double { c_atan(x) }
    package static func pow(_ x: Double, _ y: Double) -> Double { c_pow(x, y) }
    package static func atan2(_ y: Double, _ x: Double) -> Double { c_atan2(y, x) }
    package static func hypot(_ x: Double, _ y: Double) -> Double { c_hypot(x, y) }
}

// At file scope, where the names are the C library's (inside `CMath` they would be its own).
private func c_exp(_ x: Double) -> Double { exp(x) }
private func c_log(_ x: Double) -> Double { log(x) }
private func c_log2(_ x: Double) -> Double { log2(x) }
private func c_log10(_ x: Double) -> Double { log10(x) }
private func c_sin(_ x: Double) -> Double { sin(x) }
private func c_cos(_ x: Double) -> Double { cos(x) }
private func c_tan(_ x: Double) -> Double { tan(x) }
private func c_asin(_ x: Double) -> Double { asin(x) }
private func c_acos(_ x: Double) -> Double { acos(x) }
private func c_atan(_ x: Double) -> Double { atan(x) }
private func c_pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
private func c_atan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }
private func c_hypot(_ x: Double, _ y: Double) -> Double { hypot(x, y) }
