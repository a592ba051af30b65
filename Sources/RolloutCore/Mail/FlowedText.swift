/// Undoing `format=flowed` (RFC 3676): soft line breaks joined, space-stuffing removed.
///
/// A line ending in a space is *flowed*: it continues on the next line of the same quote depth
/// (RFC 3676 §4.2). With `DelSp=yes` that trailing space was added by the sender and is removed
/// when joining (§4.1). One space after the quote marks is stuffing and is removed (§4.4). The
/// signature separator `-- ` is never flowed (§4.3). A change of quote depth ends a paragraph even
/// after a flowed line (§4.5). Quoted paragraphs come out as `> ` (or `>> `, …) followed by the text.
public enum FlowedText {
    /// Joins the soft-broken lines of a `format=flowed` body.
    /// - Parameters:
    ///   - text: the decoded body; lines may end in LF or CRLF.
    ///   - delSp: whether the part declared `DelSp=yes`.
    /// - Returns: the text with one line per paragraph, lines separated by LF.
    public static func unwrap(_ text: String, delSp: Bool) -> String {
        // Works on UTF-8 bytes (every mark it looks for is ASCII) and appends to one growing byte array: a paragraph
        // kept as a slice of `text`, or a String grown line by line, copied the whole text again and again
        // (quadratic in the message size).
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var paragraph: [UInt8] = []
        var inParagraph = false
        var paragraphDepth = 0
        var wroteLine = false

        func flush() {
            guard inParagraph else { return }
            if wroteLine { output.append(newline) }
            if paragraphDepth > 0 {
                output.append(contentsOf: repeatElement(quoteMark, count: paragraphDepth))
                if !paragraph.isEmpty { output.append(space) }
            }
            output.append(contentsOf: paragraph)
            wroteLine = true
            paragraph.removeAll(keepingCapacity: true)
            inParagraph = false
        }

        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            for range in lineRanges(of: buffer) {
                var lower = range.lowerBound
                var upper = range.upperBound
                var depth = 0
                while lower < upper, buffer[lower] == quoteMark {
                    depth += 1
                    lower += 1
                }
                if lower < upper, buffer[lower] == space { lower += 1 }  // space-stuffing

                if inParagraph && depth != paragraphDepth { flush() }

                let isSignatureSeparator =
                    upper - lower == 3 && buffer[lower] == dash && buffer[lower + 1] == dash
                    && buffer[lower + 2] == space
                let isFlowed = !isSignatureSeparator && upper > lower && buffer[upper - 1] == space
                if isSignatureSeparator { flush() }
                if isFlowed && delSp { upper -= 1 }

                if !inParagraph {
                    inParagraph = true
                    paragraphDepth = depth
                }
                paragraph.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[lower..<upper]))
                if !isFlowed { flush() }
            }
        }
        flush()
        if bytes.last == newline { output.append(newline) }
        return String(decoding: output, as: UTF8.self)
    }

    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let quoteMark = UInt8(ascii: ">")
    private static let space = UInt8(ascii: " ")
    private static let dash = UInt8(ascii: "-")

    /// Splits on LF, dropping a CR before it, so that CRLF and LF text read alike.
    /// A final line break does not start an empty last line.
    private static func lineRanges(of bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == newline {
            var end = index
            if end > start, bytes[end - 1] == carriageReturn { end -= 1 }
            result.append(start..<end)
            start = index + 1
        }
        if start < bytes.count {
            var end = bytes.count
            if bytes[end - 1] == carriageReturn { end -= 1 }
            result.append(start..<end)
        }
        return result
    }
}
