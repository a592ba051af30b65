@testable import RolloutCore
import Testing

/// Two shortcuts of the reply reader, measured against the code they replace: trimming that looks at bytes while the
/// ends are ASCII, and header-like lines refused at once when they hold no colon.
@Suite("Reply reading shortcuts: the same answers as the scalar and character walks")
struct LineShortcutTests {
    private static func referenceTrim(_ text: String, _ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let end = scalars.index(after: scalars.lastIndex(where: { !drop($0) })!)
        return String(decoding: text.utf8[first..<end], as: UTF8.self)
    }

    /// `HeaderLikeLine.init` before the shortcut: its label and value, or nil.
    private static func referenceHeader(_ line: String) -> (String, Substring)? {
        func trimmed(_ text: Substring) -> Substring {
            let isMark: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "*" || $0 == "_" || $0 == "\u{A0}" }
            guard let first = text.firstIndex(where: { !isMark($0) }), let last = text.lastIndex(where: { !isMark($0) }) else { return "" }
            return text[first...last]
        }
        guard let colon = line.prefix(HeaderLikeLine.maximumLabelLength + 8).firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let label = trimmed(line[..<colon])
        guard let first = label.first, first.isLetter, label.count <= HeaderLikeLine.maximumLabelLength,
            label.split(separator: " ").count <= HeaderLikeLine.maximumLabelWords,
            label.allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" || $0 == "." || $0 == "'" || $0 == "’" })
        else { return nil }
        let value = trimmed(line[line.index(after: colon)...])
        guard !value.hasPrefix("//") else { return nil }
        if let word = label.split(separator: " ").first, Verb(rawValue: word.lowercased()) != nil, CommandGrammar.read(line) != .text {
            return nil
        }
        return (String(label), value)
    }

    static func texts(seed: UInt64) -> [String] {
        var random = AuthenticationResultsFieldGenerator.SeededRandom(state: seed)
        let pieces = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}", "\u{301}", "a", "Z", "From", ":", "：",
                      "accept", "Date", "*", "_", "//", "x@y.org", "é", "日", "-", "1"]
        var texts = ["", " ", "\t", "a", " a ", "\u{A0}a\u{A0}", " \u{301}x", "x\u{301} ", "From: a@b.org", "accept: x"]
        for _ in 0..<3_000 {
            texts.append((0..<Int(random.next() % 14)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined())
        }
        return texts
    }

    @Test("trimming white space, with and without line breaks, over random texts of every kind of blank")
    func sameTrimming() {
        for text in Self.texts(seed: 2026_12_07_5) {
            #expect(text.trimmingWhitespace() == Self.referenceTrim(text) {
                $0.properties.isWhitespace && !["\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"].contains($0)
            }, "\(text.unicodeScalars.map(\.value))")
            #expect(text.trimmingWhitespaceAndNewlines() == Self.referenceTrim(text) { $0.properties.isWhitespace }, "\(text.unicodeScalars.map(\.value))")
            #expect(text[...].trimmingWhitespace() == text.trimmingWhitespace())
        }
    }

    @Test("header-like lines: the same label and value, or none, over random lines with and without colons")
    func sameHeaderLines() {
        for line in Self.texts(seed: 2026_12_07_6) {
            let read = HeaderLikeLine(line)
            let reference = Self.referenceHeader(line)
            #expect(read?.label == reference?.0 && read?.value == reference?.1, "\(line.unicodeScalars.map(\.value))")
        }
    }
}
