import Foundation

extension ReplyText {
    /// "On … wrote:" and its forms: the attribution and the quote directly below it, or, when no quote follows
    /// (clients that do not mark quotes), everything below. The attribution may be wrapped over several lines
    /// (``attributionEnd``).
    static func attribution(_ lines: [String], _ index: Int) -> Match? {
        guard !isQuoted(lines[index]), !isBlank(lines[index]),
            let (form, afterAttribution) = attributionEnd(lines, index)
        else { return nil }
        return introduced(lines, by: lines[index..<afterAttribution], form: form, after: afterAttribution)
    }

    /// What an attribution (`attribution`, ending before line `after`) introduces: the quote below it, `|`-quoted
    /// lines (everything below), or — without a quote — everything below when the attribution is sure enough.
    static func introduced(_ lines: [String], by attribution: ArraySlice<String>, form: OldText.AttributionForm, after: Int)
        -> Match?
    {
        var next = after
        while next < lines.count, isBlank(lines[next]) { next += 1 }
        if next < lines.count, isQuoted(lines[next]) { return .through(endOfQuote(lines, from: next)) }
        // The original quoted with "| " (old webmail): read as old text to the end, only after an attribution.
        if next < lines.count, lines[next].hasPrefix("|") { return .restOfMessage }
        switch form {
        case .opening: return .restOfMessage
        case .closing: return attribution.contains(where: OldText.namesAddressOrTime) ? .restOfMessage : nil
        case .colonless: return nil
        }
    }

    /// The most lines an attribution is wrapped over, blank lines between them included.
    static let maximumAttributionLines = 7
    /// The most pieces (non-blank lines) of a wrapped attribution.
    static let maximumAttributionPieces = 4

    /// The form of an attribution starting at line `index`, and the line after it: one line, or a client's wrapping over
    /// up to ``maximumAttributionPieces`` lines ("On Nov 30, 2011, at 12:47 PM, Somebody <" / "x@y>" / "wrote:";
    /// "On …, John Smith" / "" / "<" / "mailto:John Smith <j@x>" / "> wrote:" — the `>` of a wrapped address standing
    /// at the start of a line is no quote mark). The first line of a wrapped one opens with an attribution's word or a
    /// date and names a date, address or time; no later piece is an attribution by itself (then the first line is the
    /// sender's, glued above it), reads as a command or is longer than a wrapped line.
    static func attributionEnd(_ lines: [String], _ index: Int) -> (OldText.AttributionForm, Int)? {
        let head = lines[index].trimmingWhitespace()
        if let single = OldText.attributionForm(head) { return (single, index + 1) }
        let opens = OldText.opensWithOpeningWord(head)
        guard head.count <= 160, opens || head.first?.isNumber == true || head.containsBytes("@") || head.containsBytes("<"),
            head.contains(where: { $0.isNumber || $0 == "@" })
        else { return nil }
        var joined = head
        var pieces = 1
        var probe = index + 1
        while probe < lines.count, probe - index < maximumAttributionLines, pieces < maximumAttributionPieces {
            let line = lines[probe]
            probe += 1
            if isBlank(line) { continue }
            let piece = line.trimmingWhitespace()
            guard piece.count <= 80, !isQuoted(line) || piece.count <= 20, !isAttributionByItself(piece),
                CommandGrammar.read(piece) == .text
            else { return nil }
            joined += " " + piece
            pieces += 1
            guard let form = OldText.attributionForm(joined) else { continue }
            if opens { return form == .opening ? (.opening, probe) : nil }
            return joined.containsBytes("@") && form != .colonless ? (form, probe) : nil
        }
        return nil
    }

    /// Whether a line is a whole attribution without the lines above it: an opening form, or one naming an address or
    /// a time that does not start with (the rest of) an address (a wrapped attribution's last piece, "> wrote:",
    /// "<m@x> wrote:" or "m@x> wrote:", is none).
    static func isAttributionByItself(_ line: String) -> Bool {
        guard let form = OldText.attributionForm(line) else { return false }
        if form == .opening { return true }
        // "<m@x> wrote:", "m@x> wrote:": the rest of an address whose name stands on the line above.
        let startsWithAddress = line.trimmingWhitespace().first == "<" || line.first(where: { $0 == "<" || $0 == ">" }) == ">"
        return !startsWithAddress && OldText.namesAddressOrTime(line)
    }

    /// An attribution that starts amid a line, after the sender's words ("reply On Wed, Apr 4, 2012 at 3:59 PM, bob@x
    /// wrote:", "bla--- On …"): the words before it stay new text (``Match/head``), the attribution and what it
    /// introduces are cut. Only the opening forms, naming an address or a time.
    static func attributionAmidLine(_ lines: [String], _ index: Int) -> Match? {
        let line = lines[index]
        guard !isQuoted(line), line.count <= 240, line.hasSuffix(":") || line.hasSuffix("：") || line.hasSuffix("-"),
            line.contains(where: \.isNumber), OldText.attributionForm(line) != .opening
        else { return nil }
        let range = NSRange(line.startIndex..., in: line)
        for found in OldText.openingWordsAmidLine.matches(in: line, range: range) {
            guard let start = Range(found.range, in: line)?.lowerBound else { continue }
            let attribution = String(line[start...])
            guard OldText.attributionForm(attribution) == .opening, OldText.namesAddressOrTime(attribution) else { continue }
            let head = line[..<start].trimming(anyOf: " \t-")
            guard !head.isEmpty, var match = introduced(lines, by: [attribution], form: .opening, after: index + 1) else {
                continue
            }
            match.head = head
            match.headLength = line.distance(from: line.startIndex, to: start)
            return match
        }
        return nil
    }
}

extension ReplyText {
    /// Gmail's date-first attribution that lost its address and colon on the way to text ("2016-03-03 17:21 GMT+01:00
    /// Some One"): a date, a time and a zone offset, then a name. It introduces the quote below it; without one, it ends
    /// the new text only when no line below reads as a command (it may be a line of a log the sender pasted).
    static func bareDateFirstAttribution(_ reading: Reading, _ index: Int) -> Match? {
        let line = reading.lines[index].trimmingWhitespace()
        guard line.count <= 120, line.first?.isNumber == true, OldText.matches(OldText.bareDateFirst, line) else { return nil }
        if let quoted = introduced(reading.lines, by: [line], form: .colonless, after: index + 1) { return quoted }
        return reading.commandBelow(index) ? nil : .restOfMessage
    }
}

extension OldText {
    /// A date, a time, a zone offset and a name without address or colon: "2016-03-03 17:21 GMT+01:00 Some One".
    static let bareDateFirst = try! NSRegularExpression(
        pattern: #"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(:\d{2})?\s+(GMT|UTC)\s?[+-]\d{1,2}(:?\d{2})?\s+[^:@<>]+$"#)
}
