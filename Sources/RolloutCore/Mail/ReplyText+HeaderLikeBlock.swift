extension ReplyText {
    /// A header block of a quoted original in any language, known or not (SPEC §5, issue 17): two or more consecutive
    /// ``HeaderLikeLine``s, at least one naming an address or a date, end the new text — "Od: … / Poslano: … / Za: … /
    /// Zadeva: …" as well as "From: … / Sent: …". A rule of `_`, `-` or `=` just above (blank lines between), with or
    /// without words amid it, belongs to it. ``headerBlock`` knows the names of 23 languages and needs no address or date; this one needs no names.
    static func headerLikeBlock(_ lines: [String], _ index: Int) -> Match? {
        // A block starts at the first line of a run: from the run's next line on, it was looked for already.
        if index > 0, HeaderLikeLine(lines[index - 1]) != nil { return nil }
        var start = index
        if isRule(lines[index]) {
            start = index + 1
            while start < lines.count, start - index <= maximumBlanksBelowRule, isBlank(lines[start]) { start += 1 }
        }
        var fields = 0
        var namesAddressOrDate = false
        var probe = start
        // Bounded like ``headerBlock``: a run of header-like lines is read for its first lines only.
        while probe < lines.count, probe - start < maximumHeaderBlockLines {
            if let field = HeaderLikeLine(lines[probe]) {
                fields += 1
                namesAddressOrDate = namesAddressOrDate || field.namesAddressOrDate
            } else if fields == 0 || !isHeaderContinuation(lines, probe, isField: { HeaderLikeLine($0) != nil }) {
                break
            }
            probe += 1
        }
        return fields >= 2 && namesAddressOrDate ? .restOfMessage : nil
    }

    /// Whether line `index`, inside a header block, continues the field above it: a wrapped address ("*From:* bob@x
    /// [mailto:" / "bob@x]") or subject — not blank, not quoted, short, no command, with a field directly below it.
    static func isHeaderContinuation(_ lines: [String], _ index: Int, isField: (String) -> Bool) -> Bool {
        let line = lines[index]
        guard index + 1 < lines.count, !isBlank(line), !isQuoted(line), line.count <= 80, isField(lines[index + 1]) else {
            return false
        }
        return CommandGrammar.read(line) == .text
    }

    /// The most blank lines between a rule and the header block below it.
    static let maximumBlanksBelowRule = 2

    /// A line of three or more `_`, `-` or `=` (and nothing else), as mail programs draw above a quoted header block, or
    /// such a rule with a few words amid it: "-----Izvirno sporočilo-----" in a language ``OldText`` does not list.
    static func isRule(_ line: String) -> Bool {
        let text = line.trimmingWhitespace()
        guard text.count >= 3, let mark = text.first, mark == "_" || mark == "-" || mark == "=" else { return false }
        if text.allSatisfy({ $0 == mark }) { return true }
        let marks = String(repeating: mark, count: 3)
        guard text.hasPrefix(marks), text.hasSuffix(marks), text.count <= 80 else { return false }
        return text.split(separator: " ").count <= 5
    }
}
