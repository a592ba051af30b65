@testable import RolloutCore
import TestSupport
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
        var random = SeededRandom(state: seed)
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

    /// `DeviceSignature.matches` before: its bracket set made at each call, characters always counted.
    private static func referenceDeviceSignature(_ line: String) -> Bool {
        let brackets: Set<Character> = ["(", ")", "<", ">", "[", "]", " ", "\t"]
        var text = Substring(line)
        while let first = text.first, brackets.contains(first) { text = text.dropFirst() }
        while let last = text.last, brackets.contains(last) || last == "." || last == "!" { text = text.dropLast() }
        guard text.count >= 6, text.count <= DeviceSignature.maximumLength, !DeviceSignature.saysMore(text) else { return false }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count <= DeviceSignature.maximumWords else { return false }
        let named = (words.count > 1 ? words.dropFirst().joined() : String(text)).contains { $0.isUppercase || $0.isNumber }
        let lower = text.lowercased()
        if OldText.mobileSignaturePrefixes.contains(where: { lower.hasPrefix($0) })
            || OldText.mobileSignatureSuffixes.contains(where: { lower.hasSuffix($0) })
        {
            return named
        }
        guard words.count >= 3, DeviceSignature.sendingVerbs.contains(words[0].lowercased()) else { return false }
        let preposition = DeviceSignature.prepositions.contains(words[1].lowercased()) ? 1 : (DeviceSignature.prepositions.contains(words[2].lowercased()) ? 2 : nil)
        guard let preposition else { return false }
        return words[(preposition + 1)...].contains { word in word.contains(where: { $0.isUppercase || $0.isNumber }) }
    }

    @Test("device signatures: the same verdict over random lines near the length bounds, in and out of brackets")
    func sameDeviceSignatures() {
        var random = SeededRandom(state: 2026_12_07_7)
        let pieces = ["Sent", "from", "my", "iPhone", "(", ")", "<", ">", " ", "\t", ".", "!", "\r", "\r\n", "Envoyé", "depuis", "mon", "x", "é", "e\u{301}",
                      "Von", "meinem", "gesendet", ",", "从我的iPhone发送", String(repeating: "a", count: 40)]
        var lines = ["Sent from my iPhone", "(Sent from mobile device)", "Sent from Outlook Mobile", "Sent from my desk at home", "Sent\r\n"]
        for _ in 0..<3_000 {
            lines.append((0..<Int(random.next() % 10)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined(separator: random.next() % 2 == 0 ? " " : ""))
        }
        var signatures = 0
        for line in lines {
            let verdict = DeviceSignature.matches(line)
            #expect(verdict == Self.referenceDeviceSignature(line), "\(line.unicodeScalars.map(\.value))")
            if verdict { signatures += 1 }
        }
        #expect(signatures > 20)
    }

    @Test("replacing bytes: the same text as before, given back whole when there is nothing to replace")
    func sameReplacing() {
        var random = SeededRandom(state: 2026_12_07_8)
        let pieces = ["<", " ", ">", "< ", " >", "a", "é", "\r\n"]
        for _ in 0..<2_000 {
            let text = (0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            for (target, replacement) in [("< ", "<"), (" >", ">"), ("", "x"), ("é", "e")] {
                var reference = [UInt8]()
                let (bytes, wanted) = (Array(text.utf8), Array(target.utf8))
                var index = 0
                while index < bytes.count {
                    if !wanted.isEmpty, index + wanted.count <= bytes.count, Array(bytes[index..<(index + wanted.count)]) == wanted {
                        reference += replacement.utf8
                        index += wanted.count
                    } else {
                        reference.append(bytes[index])
                        index += 1
                    }
                }
                #expect(text.replacingBytes(target, with: replacement) == String(decoding: reference, as: UTF8.self))
            }
        }
    }
}
