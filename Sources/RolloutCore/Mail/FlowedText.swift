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
        var output: [String] = []
        var paragraph: Substring.UnicodeScalarView? = nil
        var paragraphDepth = 0

        func flush() {
            guard let body = paragraph else { return }
            output.append(render(depth: paragraphDepth, body: String(body)))
            paragraph = nil
        }

        for rawLine in lines(of: text) {
            var scalars = Substring(rawLine).unicodeScalars
            var depth = 0
            while scalars.first == ">" {
                depth += 1
                scalars.removeFirst()
            }
            if scalars.first == " " { scalars.removeFirst() }  // space-stuffing

            if paragraph != nil && depth != paragraphDepth { flush() }

            let isSignatureSeparator = scalars.elementsEqual("-- ".unicodeScalars)
            let isFlowed = !isSignatureSeparator && scalars.last == " "
            if isSignatureSeparator { flush() }

            var content = scalars
            if isFlowed && delSp { content.removeLast() }

            if paragraph == nil {
                paragraph = content
                paragraphDepth = depth
            } else {
                paragraph!.append(contentsOf: content)
            }
            if !isFlowed { flush() }
        }
        flush()
        let joined = output.joined(separator: "\n")
        return text.unicodeScalars.last == "\n" ? joined + "\n" : joined
    }

    private static func render(depth: Int, body: String) -> String {
        guard depth > 0 else { return body }
        let marks = String(repeating: ">", count: depth)
        return body.isEmpty ? marks : marks + " " + body
    }

    /// Splits on LF, dropping a CR before it, so that CRLF and LF text read alike.
    /// A final line break does not start an empty last line.
    private static func lines(of text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        var index = start
        while index < scalars.endIndex {
            if scalars[index] == "\n" {
                var end = index
                if end > start, scalars[scalars.index(before: end)] == "\r" { end = scalars.index(before: end) }
                result.append(Substring(scalars[start..<end]))
                start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        if start < scalars.endIndex {
            var end = scalars.endIndex
            if scalars[scalars.index(before: end)] == "\r" { end = scalars.index(before: end) }
            result.append(Substring(scalars[start..<end]))
        }
        return result
    }
}
