/// Decimal digits padded with zeros to a width, as `%0*d` writes them, without `String(format:)` (Foundation's
/// formatter costs tens of thousands of instructions a call; deadlines and log times are written per message).
public func zeroPadded<Number: BinaryInteger>(_ value: Number, width: Int) -> String {
    let digits = String(value.magnitude)
    let sign = value < 0 ? "-" : ""
    let padding = width - sign.count - digits.count
    return padding > 0 ? sign + String(repeating: "0", count: padding) + digits : sign + digits
}
