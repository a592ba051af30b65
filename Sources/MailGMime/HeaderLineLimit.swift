/// The last guard of ``GMimeMessageWriter``: no header line of a written message passes 998 characters
/// (RFC 5322 §2.1.1: "Each line of characters MUST be no more than 998 characters … excluding the CRLF").
///
/// GMime folds what it can, and the composer never hands it an ID it cannot write (``ReferenceList``); what
/// remains is folded here at white space, and a field that still cannot fit (one word of more than 998
/// characters) is left out rather than written broken: an SMTP server may refuse or cut such a line, and a
/// cut header can merge into the next field.
public enum HeaderLineLimit {
    public static let maximum = 998

    /// `message` (CRLF line ends) with every header field within the limit; the body is not touched.
    public static func enforce(_ message: [UInt8]) -> [UInt8] {
        let end = headerEnd(message)
        guard hasLongLine(message[..<end]) else { return message }
        var output: [UInt8] = []
        output.reserveCapacity(message.count)
        for field in fields(message[..<end]) {
            if !hasLongLine(field) {
                output += field + [0x0D, 0x0A]
            } else if let folded = refold(field) {
                output += folded + [0x0D, 0x0A]
            }
        }
        output += message[end...]
        return output
    }

    /// The longest run without white space that ``breakingLongWords(_:)`` leaves: with a field name before it, it
    /// still fits on a line.
    static let longestWord = 900

    /// `text` with a space put into every run of more than ``longestWord`` bytes without white space, so that a
    /// subject or a display name of one enormous word can be folded instead of left out. Ordinary text is
    /// returned as it is.
    static func breakingLongWords(_ text: String) -> String {
        guard text.utf8.count > longestWord else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + text.utf8.count / longestWord)
        var run = 0
        for character in text {
            if character.isWhitespace {
                run = 0
            } else {
                run += character.utf8.count
                if run > longestWord {
                    output.append(" ")
                    run = character.utf8.count
                }
            }
            output.append(character)
        }
        return output
    }

    /// Where the header block ends: the index just after the CRLF of its last line (the empty line follows).
    static func headerEnd(_ message: [UInt8]) -> Int {
        var index = 0
        while index + 3 < message.count {
            if message[index] == 0x0D, message[index + 1] == 0x0A, message[index + 2] == 0x0D, message[index + 3] == 0x0A {
                return index + 2
            }
            index += 1
        }
        return message.count
    }

    /// Whether any line (CRLF-separated) is longer than the limit.
    static func hasLongLine(_ bytes: ArraySlice<UInt8>) -> Bool {
        // Over the slice's buffer: every composed message's header block passes here.
        bytes.withUnsafeBufferPointer { buffer in
            var length = 0
            for byte in buffer {
                if byte == 0x0A || byte == 0x0D {
                    length = 0
                } else {
                    length += 1
                    if length > maximum { return true }
                }
            }
            return false
        }
    }

    /// The header fields of a header block, each with its continuation lines and without its final CRLF.
    static func fields(_ block: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var fields: [ArraySlice<UInt8>] = []
        var start = block.startIndex
        var index = block.startIndex
        while index < block.endIndex {
            if block[index] == 0x0D, index + 1 < block.endIndex, block[index + 1] == 0x0A {
                let next = index + 2
                let continues = next < block.endIndex && (block[next] == 0x20 || block[next] == 0x09)
                if !continues {
                    fields.append(block[start..<index])
                    start = next
                }
                index = next
            } else {
                index += 1
            }
        }
        if start < block.endIndex { fields.append(block[start..<block.endIndex]) }
        return fields
    }

    /// The field unfolded, then folded again before white space so that every line fits; nil when a run without
    /// white space is too long to fit on any line.
    static func refold(_ field: ArraySlice<UInt8>) -> [UInt8]? {
        var unfolded: [UInt8] = []
        unfolded.reserveCapacity(field.count)
        var index = field.startIndex
        while index < field.endIndex {
            if field[index] == 0x0D, index + 1 < field.endIndex, field[index + 1] == 0x0A {
                index += 2
                continue
            }
            unfolded.append(field[index])
            index += 1
        }
        var breaks: [Int] = []
        var lineStart = 0
        var lastSpace: Int?
        var position = 0
        while position < unfolded.count {
            let byte = unfolded[position]
            if (byte == 0x20 || byte == 0x09), position > lineStart { lastSpace = position }
            if position - lineStart + 1 > maximum {
                guard let space = lastSpace, space > lineStart else { return nil }
                breaks.append(space)
                lineStart = space
                lastSpace = nil
                continue  // the same position, measured from the new line
            }
            position += 1
        }
        var output: [UInt8] = []
        output.reserveCapacity(unfolded.count + 2 * breaks.count)
        var from = 0
        for point in breaks {
            output += unfolded[from..<point]
            output += [0x0D, 0x0A]
            from = point
        }
        output += unfolded[from...]
        return output
    }
}
