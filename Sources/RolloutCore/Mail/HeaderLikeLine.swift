import Foundation

/// A line shaped like a header field of a quoted original, `Label: value`, in any language and script (issue 17):
/// "Od: Mario <m@x>", "Poslano: petek, 27. november 2026 15:00", "*Saatja:* …", "De : …" (French puts a space before
/// the colon), "发件人：…".
///
/// The label is short — at most ``maximumLabelWords`` words and ``maximumLabelLength`` characters — and made of letters
/// (any script), with the hyphens, dots and apostrophes of "Reply-To" or "Κοιν.": digits,
/// brackets, `@` or `/` make it no label. Bold from HTML (`*From:*`, `*From*:`) is taken off. A line that reads as a
/// command (``CommandGrammar``: `docid: 1234`, `outcome: accept`) is never header-like.
struct HeaderLikeLine: Sendable, Equatable {
    /// The label, as written (without bold and blanks).
    var label: String
    /// What follows the colon, trimmed.
    var value: String

    static let maximumLabelWords = 3
    static let maximumLabelLength = 30

    /// The line read as `Label: value`, or nil.
    init?(_ line: String) {
        // Bounded: a label is short, so a colon further in than this makes no header line (and keeps reading linear).
        let head = line.unicodeScalars.prefix(Self.maximumLabelLength + 8)
        guard let colon = head.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        var label = String(String.UnicodeScalarView(head[..<colon])).trimmingWhitespace()
        label = label.trimmingCharacters(in: CharacterSet(charactersIn: "*_ \t"))
        guard !label.isEmpty, label.count <= Self.maximumLabelLength,
            label.split(separator: " ").count <= Self.maximumLabelWords,
            label.first?.isLetter == true,
            label.allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" || $0 == "." || $0 == "'" || $0 == "’" })
        else { return nil }
        let rest = line.unicodeScalars[line.unicodeScalars.index(after: colon)...]
        let value = String(String.UnicodeScalarView(rest)).trimmingCharacters(in: CharacterSet(charactersIn: "*_ \t"))
        // "https://…", "mailto:…": a URL, not a field.
        guard !value.hasPrefix("//") else { return nil }
        guard CommandGrammar.read(line) == .text else { return nil }
        self.label = label
        self.value = value
    }

    /// Whether the value holds an address (`name@domain`, `<…>`) or a date or time: what makes a run of such lines
    /// the header of a quoted message rather than a list the sender wrote.
    var namesAddressOrDate: Bool {
        if value.contains("<"), value.contains(">") { return true }
        if let at = value.firstIndex(of: "@"), at != value.startIndex, value[value.index(after: at)...].contains(".") {
            return true
        }
        guard value.contains(where: \.isNumber) else { return false }
        return Self.dateOrTime.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }

    /// A time (`15:00`, `3:00 PM`), an ISO date (`2026-11-27`), a numeric date (`27.11.2026`, `27/11/26`, `27. 11.
    /// 2026`), or a day and a year around a month's name in any language ("27. novembra 2026", "2026 m. lapkričio 27").
    private static let dateOrTime = try! NSRegularExpression(
        pattern: #"\b\d{1,2}:\d{2}\b|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}\s?[./]\s?\d{1,2}\s?[./]\s?(\d{4}|\d{2})\b|\b\d{1,2}\.?\s+\p{L}+\.?,?\s+(19|20)\d{2}\b|\b(19|20)\d{2}\.?\s+(m\.\s+)?\p{L}+\.?\s+\d{1,2}\b"#)
}
