/// Decimal digits padded with zeros to a width (0 or more), as `%0*d` writes them, without `String(format:)` (Foundation's
/// formatter costs tens of thousands of instructions a call; deadlines and log times are written per message).
public func zeroPadded<Number: BinaryInteger>(_ value: Number, width: Int) -> String {
    if let small = Int(exactly: value) { return zeroPadded(small, width: width) }
    let digits = String(value.magnitude)
    let sign = value < 0 ? "-" : ""
    let padding = width - sign.count - digits.count
    return padding > 0 ? sign + String(repeating: "0", count: padding) + digits : sign + digits
}

/// The same for an `Int`, its digits written into the string's storage (the generic path's `String(magnitude)` and
/// concatenations were a thousand instructions a call; a deadline's text makes seven).
public func zeroPadded(_ value: Int, width: Int) -> String {
    let magnitude = value.magnitude
    // The digits' count: an Int's magnitude has at most 19 (Int.min's is 9,223,372,036,854,775,808).
    var count = 1
    var scale: UInt = 10
    while count < 19, magnitude >= scale {
        count += 1
        scale &*= 10
    }
    let sign = value < 0 ? 1 : 0
    let length = max(width, sign + count)
    return String(unsafeUninitializedCapacity: length) { buffer in
        if sign == 1 { buffer[0] = UInt8(ascii: "-") }
        writeDigits(magnitude, width: length - sign, into: buffer, at: sign)
        return length
    }
}

/// Writes the last `width` decimal digits of `value` into `buffer` from `start`, zeros before them: the digits of
/// ``zeroPadded(_:width:)`` and of the store's date text, written straight into a string's storage.
@inlinable
public func writeDigits(_ value: UInt, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
    var rest = value
    var index = start + width - 1
    while index >= start {
        buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
        rest /= 10
        index -= 1
    }
}
