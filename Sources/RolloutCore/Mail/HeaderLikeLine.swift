/// A line shaped like a header field of a quoted original, `Label: value`, in any language and script (issue 17):
/// "Od: Mario <m@x>", "Poslano: petek, 27. november 2026 15:00", "*Saatja:* …", "De : …" (French puts a space before
/// the colon), "发件人：…".
///
/// The label is short — at most ``maximumLabelWords`` words and ``maximumLabelLength`` characters — and made of letters
/// (any script), with the hyphens, dots and apostrophes of "Reply-To" or "Κοιν.": digits, brackets, `@` or `/` make it
/// no label. Bold from HTML (`*From:*`, `*From*:`) is taken off. A line that reads as a command (``CommandGrammar``:
/// `docid: 1234`, `outcome: accept`) is never header-like. Read without Foundation: every line of a reply is tried.
struct HeaderLikeLine: Sendable, Equatable {
    /// The label, as written (without bold and blanks).
    var label: String
    /// What follows the colon, without bold and blanks.
    var value: Substring

    static let maximumLabelWords = 3
    static let maximumLabelLength = 30

    /// The line read as `Label: value`, or nil.
    init?(_ line: String) {
        // Most lines hold no colon at all: their bytes say so without reading characters (a colon character is the
        // byte `:` or the bytes of `：`, U+FF1A).
        guard line.containsBytes(":") || line.containsBytes("：") else { return nil }
        // Bounded: a label is short, so a colon further in makes no header line (and keeps reading linear).
        guard let colon = line.prefix(Self.maximumLabelLength + 8).firstIndex(where: { $0 == ":" || $0 == "：" }) else {
            return nil
        }
        let label = Self.trimmed(line[..<colon])
        guard let first = label.first, first.isLetter, label.count <= Self.maximumLabelLength,
            label.split(separator: " ").count <= Self.maximumLabelWords,
            label.allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" || $0 == "." || $0 == "'" || $0 == "’" })
        else { return nil }
        let value = Self.trimmed(line[line.index(after: colon)...])
        // "https://…", "mailto:…": a URL, not a field.
        guard !value.hasPrefix("//") else { return nil }
        // Only a line whose first word is a verb can read as a command.
        if let word = label.split(separator: " ").first, Verb(rawValue: word.lowercased()) != nil,
            CommandGrammar.read(line) != .text
        {
            return nil
        }
        self.label = String(label)
        self.value = value
    }

    /// The text without blanks and the `*` or `_` of emphasis around it.
    private static func trimmed(_ text: Substring) -> Substring {
        let isMark: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "*" || $0 == "_" || $0 == "\u{A0}" }
        guard let first = text.firstIndex(where: { !isMark($0) }), let last = text.lastIndex(where: { !isMark($0) }) else {
            return ""
        }
        return text[first...last]
    }

    /// Whether the value holds an address (`name@domain`, `<…>`) or a date or time: what makes a run of such lines the
    /// header of a quoted message rather than a list the sender wrote.
    var namesAddressOrDate: Bool {
        if let open = value.firstIndex(of: "<"), value[open...].containsBytes(">") { return true }
        if let at = value.firstIndex(of: "@"), at != value.startIndex, value[value.index(after: at)...].containsBytes(".") {
            return true
        }
        return Self.namesDateOrTime(value)
    }

    /// A time (`15:00`, `3:00 PM`), a year with a day ("27. novembra 2026", "2026 m. lapkričio 27 d.", `2026-11-27`,
    /// `27.11.2026`, "2026年11月27日"), or a short numeric date (`27/11/26`, `27.11.26`), found from the value's runs of
    /// digits.
    static func namesDateOrTime(_ value: Substring) -> Bool {
        // Each run of ASCII digits: its length, its value (capped), and the characters just before and after it.
        var runs: [(length: Int, number: Int, previous: Character?, next: Character?)] = []
        var length = 0
        var number = 0
        var previous: Character?
        var beforeRun: Character?
        for character in value {
            if character.isASCII, let digit = character.wholeNumberValue {
                if length == 0 { beforeRun = previous }
                length += 1
                number = min(number * 10 + digit, 100_000)
            } else {
                if length > 0 { runs.append((length, number, beforeRun, character)) }
                length = 0
                number = 0
            }
            previous = character
        }
        if length > 0 { runs.append((length, number, beforeRun, nil)) }
        let hasYear = runs.contains { $0.length == 4 && (1900...2099).contains($0.number) }
        let hasDay = runs.contains { $0.length <= 2 && (1...31).contains($0.number) }
        if hasYear && hasDay { return true }
        for (index, run) in runs.enumerated() where run.length <= 2 && index + 1 < runs.count {
            let next = runs[index + 1]
            if run.next == ":", next.previous == ":", next.length == 2 { return true }
            if index + 2 < runs.count, let separator = run.next, separator == "." || separator == "/",
                next.previous == separator, next.length <= 2, next.next == separator,
                runs[index + 2].previous == separator, runs[index + 2].length == 2
            {
                return true
            }
        }
        return false
    }
}
