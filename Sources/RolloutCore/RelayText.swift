import Foundation

/// The text a conversation relay carries (issue 20 #7): the sender's new text as written, where each command line
/// is replaced by one line saying what it did — `→ ggus 123456: GGUS ticket 123456 linked`,
/// `→ resolve: refused (…)` — so that "I opened the GGUS ticket above" still points at something, and a co-manager
/// reading "Thanks all, releasing." sees what was released.
public enum RelayText {
    /// The most characters of a command line echoed, and of what it did.
    public static let lineLimit = 200

    /// - Parameters:
    ///   - lines: the message's new text, line by line.
    ///   - results: one result per line that is not text, in order (as ``Workflow`` makes them).
    /// - Returns: the text, trimmed of leading and trailing blank lines.
    public static func text(lines: [ReadLine], results: [CommandResult]) -> String {
        var remaining = results[...]
        var out: [String] = []
        for line in lines {
            guard !line.reading.isConversation else {
                out.append(senderLine(line.text))
                continue
            }
            let command = bounded(line.text.trimmingWhitespace())
            guard let result = remaining.popFirst() else {
                out.append("\(gatewayMark) \(command)")
                continue
            }
            out.append("\(gatewayMark) \(command): \(bounded(outcome(of: result)))")
        }
        let trimmed = out.drop { $0.trimmingWhitespace().isEmpty }.reversed().drop { $0.trimmingWhitespace().isEmpty }.reversed()
        return trimmed.joined(separator: "\n")
    }

    /// The gateway's own lines start with `→`; a line of the sender's that starts so is shown with `->` instead, so
    /// that nobody can write a line that reads as the gateway's report of what a command did.
    static let gatewayMark: Character = "→"

    /// A line of the sender's, shown so that it cannot read as one of the gateway's: an arrow after the indentation
    /// and any quote marks (`> → resolve: applied`) becomes `->`. What breaks a line on the reader's screen (a lone CR,
    /// a vertical tab, NEL, U+2028) or reorders it (a bidirectional override or isolate) becomes a space first,
    /// anywhere in the line; the indentation is any blank (a no-break space too), quote marks, and what shows as
    /// nothing (a zero-width space, a combining grapheme joiner, a variation selector, a Hangul filler), which goes
    /// with an arrow found after it, as the arrow's own combining marks do. Joiners inside words stay (Persian's
    /// zero-width non-joiner, an emoji sequence's joiner).
    static func senderLine(_ text: String) -> String {
        let scalars = String.UnicodeScalarView(text.unicodeScalars.map { breaksOrReorders($0) ? " " : $0 })
        let indent = scalars.prefix { $0.properties.isWhitespace || $0 == ">" || showsAsNothing($0) }
        var rest = scalars.dropFirst(indent.count)
        guard let first = rest.first, arrows.contains(first) else { return String(scalars) }
        rest = rest.dropFirst().drop(while: showsAsNothing)
        return String(String.UnicodeScalarView(indent.filter { !showsAsNothing($0) })) + "->" + String(String.UnicodeScalarView(rest))
    }

    /// A control character but the tab, a line or paragraph separator, or a bidirectional mark, override or isolate.
    private static func breaksOrReorders(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" { return false }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            || [0x200E, 0x200F, 0x061C].contains(scalar.value)
        }
    }

    /// What is drawn as nothing of its own: a default-ignorable code point, a non-spacing or enclosing mark.
    private static func showsAsNothing(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isDefaultIgnorableCodePoint || scalar == "\u{3164}"
            || [.nonspacingMark, .enclosingMark].contains(scalar.properties.generalCategory)
    }

    /// `→` and the arrows that read as it.
    static let arrows: Set<Unicode.Scalar> = [
        "\u{2192}", "\u{21A6}", "\u{21D2}", "\u{21E2}", "\u{21FE}", "\u{2794}", "\u{2799}", "\u{279B}", "\u{279C}", "\u{279D}", "\u{279E}",
        "\u{279F}", "\u{27A0}", "\u{27A1}", "\u{27F6}", "\u{27F9}", "\u{2911}", "\u{2B62}", "\u{2B95}", "\u{FFEB}",
    ]

    /// What a command did, in one line.
    static func outcome(of result: CommandResult) -> String {
        switch result.status {
        case .applied: result.message
        case .unchanged: "nothing to change (\(result.message))"
        case .refused: "refused (\(result.message))"
        }
    }

    private static func bounded(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > lineLimit ? String(flat.prefix(lineLimit)) + "…" : flat
    }
}
