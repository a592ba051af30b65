/// Where a reply's new text ends because the text of a message the gateway sent begins (issue 12, SPEC §5).
///
/// A person answering a notification may have the notification below the answer, unquoted and under an attribution in
/// a language no list knows. The notification holds the reply lines themselves (`accept <team>` / `reject <team>`), so
/// lines below our own text must never be read as commands. Our text is found by its words, not by its layout (see
/// ``OwnTextFingerprint``): the first line that starts a run of at least ``minimumWords`` words copied from a sent
/// message, in order, is where the copy begins. The attribution or header block just above it ("X wrote:", "From: …",
/// a separator line), in whatever language, belongs to the copy.
///
/// A copy quoted with `>` is a quote like any other (its lines are never commands, and what is written below it is new
/// text: bottom-posting); only an unquoted copy ends the new text. Linear in the reply's size.
public enum OwnText {
    /// The fewest copied words, in order, that count as a copy: more than any command line has.
    public static let minimumWords = 8

    /// The index of the first line of the copy of our text in `lines`, with the attribution above it, if there is one.
    public static func start(in lines: [String], sent: [OwnTextFingerprint]) -> Int? {
        // Each fingerprint's hashes are sorted: together, sorted again and searched by halves (no hashing of hashes).
        var known = sent.flatMap(\.shingles)
        guard !known.isEmpty else { return nil }
        known.sort()

        // The reply's words as one stream across lines, so that re-wrapped lines still match.
        var words: [UInt32] = []
        var lineOf: [Int] = []
        var startsLine: [Bool] = []
        for (index, line) in lines.enumerated() {
            let count = OwnTextFingerprint.appendWords(of: line[...], to: &words)
            guard count > 0 else { continue }
            lineOf.append(contentsOf: repeatElement(index, count: count))
            startsLine.append(true)
            startsLine.append(contentsOf: repeatElement(false, count: count - 1))
        }
        let length = OwnTextFingerprint.shingleLength
        guard words.count >= minimumWords else { return nil }

        // run[p]: how many shingles from word p on are all known; a run of m shingles covers m + length - 1 words.
        let shingles = words.count - length + 1
        var run = [Int](repeating: 0, count: shingles + 1)
        for position in stride(from: shingles - 1, through: 0, by: -1) {
            let hash = OwnTextFingerprint.shingle(words[position..<(position + length)])
            run[position] = Self.contains(known, hash) ? run[position + 1] + 1 : 0
        }
        let needed = minimumWords - length + 1
        for position in 0..<shingles where startsLine[position] && run[position] >= needed {
            let line = lineOf[position]
            guard !ReplyText.isQuoted(lines[line]) else { continue }
            return startOfIntroduction(above: line, in: lines)
        }
        return nil
    }

    /// Whether sorted `hashes` hold `hash`.
    static func contains(_ hashes: [UInt32], _ hash: UInt32) -> Bool {
        var (low, high) = (0, hashes.count)
        while low < high {
            let middle = (low + high) / 2
            if hashes[middle] < hash { low = middle + 1 } else { high = middle }
        }
        return low < hashes.count && hashes[low] == hash
    }

    /// The first line of the attribution, header block or separator right above the copy starting at `line` (or `line`
    /// itself when there is none). Such a block is at most ``introductionLines`` lines, none of them a command, and it
    /// must look like one: a line ending in `:` that names an address or a time, header lines ("Name: value") of which
    /// one names an address, or a separator line.
    static func startOfIntroduction(above line: Int, in lines: [String]) -> Int {
        var top = line
        while top > 0, ReplyText.isBlank(lines[top - 1]) { top -= 1 }
        var probe = top
        var block: [String] = []  // nearest the copy first
        while probe > 0, block.count < introductionLines {
            let candidate = lines[probe - 1]
            guard !ReplyText.isBlank(candidate), CommandGrammar.read(candidate) == .text else { break }
            block.append(candidate)
            probe -= 1
        }
        // The largest block of the lines nearest the copy that makes an introduction; two lines are one wrapped
        // attribution only when the nearest line alone is none (a name line above an attribution stays).
        var best = 0
        if !block.isEmpty {
            for size in 1...block.count where isIntroduction(Array(block[..<size]), wrapped: best == 0) { best = size }
        }
        return best == 0 ? line : top - best
    }

    static let introductionLines = 8

    /// Whether lines (nearest the copy first) are an attribution (one line, or two when `wrapped` is allowed), a separator, or a
    /// header block naming an address or of three lines or more — each with a separator line above or not.
    static func isIntroduction(_ nearestFirst: [String], wrapped: Bool) -> Bool {
        var lines = nearestFirst.reversed().map { $0.trimmingWhitespace() }[...]
        if lines.count > 1, let first = lines.first, isSeparator(first) { lines = lines.dropFirst() }
        if lines.count == 1 { return isSeparator(lines.first!) || isAttribution(lines.first!) }
        if wrapped, lines.count == 2, isAttribution(lines.joined(separator: " ")) { return true }
        return lines.allSatisfy(isHeaderLine) && (lines.count >= 3 || lines.contains { $0.containsBytes("@") })
    }

    /// A line ending in a colon that names an address or a time: "X <x@y> wrote:", "Il 27/11/2026 15:00, X ha escrit:".
    static func isAttribution(_ line: String) -> Bool {
        (line.hasSuffix(":") || line.hasSuffix("：")) && OldText.namesAddressOrTime(line)
    }

    /// "----- Original -----", "________", "*--- Mensaje original ---*": punctuation at both ends.
    static func isSeparator(_ line: String) -> Bool {
        let marks: Set<Character> = ["-", "_", "=", "*", "—", "–"]
        guard line.count >= 4, let first = line.first, let last = line.last, marks.contains(first), marks.contains(last) else {
            return false
        }
        return line.prefix(2).allSatisfy(marks.contains) && line.suffix(2).allSatisfy(marks.contains)
    }

    /// "From: …", "*Od:* …", "Αποστολέας: …": a short name of letters, a colon, a value.
    static func isHeaderLine(_ line: String) -> Bool {
        let text = line.drop(while: { $0 == "*" })
        guard let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return false }
        let name = text[..<colon].filter { $0 != "*" }
        guard !name.isEmpty, name.count <= 30, name.allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" || $0 == "." }) else {
            return false
        }
        return name.split(separator: " ").count <= 3
    }
}
