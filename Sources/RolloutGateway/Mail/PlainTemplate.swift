/// A template whose only tags are plain variables (`{{name}}`), rendered by putting the values in: what Mustache
/// renders for it in text mode (no escaping; a missing value is empty), without its per-tag look-ups through `Any`
/// (issue 24: rendering a notice's three templates was a tenth of firing a timer).
///
/// A template with anything else — a section, an inverted section, a partial, a comment, a triple mustache, `&`, a
/// dotted name, a change of delimiters, or a brace it cannot pair — is not plain (`init` returns nil) and is rendered
/// by Mustache; so is one whose white space Mustache treats its own way (a line break other than LF, blanks after the
/// last line break, blanks alone after the pragma). `PlainTemplateTests` render every shipped template both ways.
struct PlainTemplate: Sendable {
    /// Literal text and the variables between it, in order.
    private enum Piece: Sendable {
        case text(String)
        case value(String)
    }

    private let pieces: [Piece]

    /// Nil unless every tag of `source` is a plain variable.
    ///
    /// - Parameter afterPragma: whether `source` is registered after a pragma tag (`{{% CONTENT_TYPE: TEXT}}`), which
    ///   Mustache removes with the rest of its line when that holds nothing but spaces and tabs followed by a line
    ///   break: so is it here.
    init?(_ source: String, afterPragma: Bool = false) {
        // Line breaks but LF, and blanks after the last line break (which Mustache leaves out), are left to it.
        guard !source.contains(where: { $0.isNewline && $0 != "\n" }) else { return nil }
        let lastLine = source.reversed().prefix { $0 != "\n" }
        guard !(source.contains("\n") && !lastLine.isEmpty && lastLine.allSatisfy { $0 == " " || $0 == "\t" }) else { return nil }
        var pieces: [Piece] = []
        var rest = Substring(source)
        if afterPragma {
            let blank = rest.prefix { $0 == " " || $0 == "\t" }
            let after = rest[blank.endIndex...]
            if after.first == "\n" {
                rest = after.dropFirst()
            } else if after.isEmpty, !blank.isEmpty {
                return nil  // blanks with no line break after them: Mustache keeps them
            }
        }
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { return nil }
            let name = rest[open.upperBound..<close.lowerBound].trimmingWhitespace()
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isNameByte), !rest[..<open.lowerBound].contains("}}") else { return nil }
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            pieces.append(.value(String(name)))
            rest = rest[close.upperBound...]
        }
        // A lone closing pair is text to Mustache too, but a template with one is left to it all the same.
        guard !rest.contains("}}") else { return nil }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    /// Letters, digits, `_` and `-`: a name that Mustache looks up as one key.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    func render(_ values: [String: String]) -> String {
        var output = ""
        for piece in pieces {
            switch piece {
            case .text(let text): output += text
            case .value(let name): output += values[name] ?? ""
            }
        }
        return output
    }
}
