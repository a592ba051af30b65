@testable import RolloutCore
import TestSupport
import Testing

/// Finding our own text in a reply (``OwnText``) and cutting a text into lines, measured against the code they replace
/// (before 2026-12-07 in the afternoon): words read through the string's views with four hash steps a byte, the sent
/// shingles hashed into a set, lines cut by walking the UTF-8 view.
@Suite("Own text and lines: the same answers as the code they replace")
struct OwnTextSearchTests {
    /// ``OwnText/start(in:sent:)`` as it was: the sent shingles in a set, each line's words in an array of its own.
    private static func referenceStart(in lines: [String], sent: [OwnTextFingerprint]) -> Int? {
        let known = Set(sent.lazy.flatMap(\.shingles))
        guard !known.isEmpty else { return nil }
        var words: [UInt32] = []
        var lineOf: [Int] = []
        var startsLine: [Bool] = []
        for (index, line) in lines.enumerated() {
            let lineWords = OwnTextReference.words(line)
            words += lineWords
            lineOf += repeatElement(index, count: lineWords.count)
            startsLine += lineWords.indices.map { $0 == 0 }
        }
        let length = OwnTextFingerprint.shingleLength
        guard words.count >= OwnText.minimumWords else { return nil }
        let shingles = words.count - length + 1
        var run = [Int](repeating: 0, count: shingles + 1)
        for position in stride(from: shingles - 1, through: 0, by: -1) {
            let hash = OwnTextFingerprint.shingle(words[position..<(position + length)])
            run[position] = known.contains(hash) ? run[position + 1] + 1 : 0
        }
        for position in 0..<shingles where startsLine[position] && run[position] >= OwnText.minimumWords - length + 1 {
            let line = lineOf[position]
            guard !ReplyText.isQuoted(lines[line]) else { continue }
            return OwnText.startOfIntroduction(above: line, in: lines)
        }
        return nil
    }

    /// Lines as ``Swift/String/physicalLines`` cut them before: the UTF-8 view walked index by index.
    private static func referenceLines(_ text: String) -> [String] {
        var lines: [String] = []
        let bytes = text.utf8
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index] == 0x0A {
                var end = index
                if end != start, bytes[bytes.index(before: end)] == 0x0D { end = bytes.index(before: end) }
                lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        lines.append(String(decoding: bytes[start..<bytes.endIndex], as: UTF8.self))
        return lines
    }

    static let sentTexts = [
        "Dear EA team NGI_IT-INFN-T1,\n\nthe Staged Rollout of EMI-1.0 SE-DPM_mysql 1.8.0-1 (SL5 x86_64) is open.\n"
            + "Please reply with one of these lines by Mon 2026-11-30 15:00 +01:00:\n\naccept NGI_IT-INFN-T1\nreject NGI_IT-INFN-T1\n",
        "Der Rollout läuft: bitte prüfen Sie die Pakete auf Ihrem Testknoten und antworten Sie mit „accept“ oder „reject“.",
        "日本語のテキスト、そして ΩΜΈΓΑ και Ünïcödé İstanbul ß ﬁle 😀 e\u{301}tude ٣٤ numbers 1.8.0-1",
        "Letters of four bytes: 𝐀𝐁𝐂 bold, 𠀋𠀍 ideographs, 𐐀𐐨 Deseret (whose lower case is another four-byte letter)",
    ]

    /// A reply: new lines, then copies of sent text (some quoted, some re-wrapped), with random pieces between.
    private static func reply(_ random: inout SeededRandom) -> [String] {
        let pieces = ["accept NGI_IT-INFN-T1", "Thanks, all fine here.", "", "> ", "On Mon, 30 Nov 2026 Mario <m@x.org> wrote:",
                      "-----Original Message-----", "From: EGI Staged Rollout <sr@rollout.example.org>", "\r", "\u{2028}", "é", "—"]
        var text = ""
        for _ in 0..<Int(random.next() % 12) {
            switch random.next() % 4 {
            case 0:
                let sent = sentTexts[Int(random.next() % UInt64(sentTexts.count))]
                let quote = random.next() % 2 == 0 ? "> " : ""
                let wrapped = random.next() % 2 == 0 ? sent.replacingOccurrences(of: " ", with: "\n") : sent
                text += wrapped.split(separator: "\n", omittingEmptySubsequences: false).map { quote + $0 }.joined(separator: "\n") + "\n"
            default:
                text += pieces[Int(random.next() % UInt64(pieces.count))] + (random.next() % 3 == 0 ? "\r\n" : "\n")
            }
        }
        return text.physicalLines
    }

    @Test("where the copy starts: the same line as before, over 3,000 replies that copy, quote and re-wrap sent text")
    func sameStart() {
        var random = SeededRandom(state: 2026_12_07_2)
        let fingerprints = Self.sentTexts.map { OwnTextFingerprint(text: $0) }
        var found = 0
        for _ in 0..<3_000 {
            let lines = Self.reply(&random)
            let sent = Array(fingerprints.prefix(Int(random.next() % 4)))
            let start = OwnText.start(in: lines, sent: sent)
            #expect(start == Self.referenceStart(in: lines, sent: sent), "\(lines)")
            if start != nil { found += 1 }
        }
        #expect(found > 300)  // the comparison covers replies that hold a copy, not only ones that do not
    }

    @Test("words of a line: the same hashes as every scalar decoded, also for text cut out of a longer string")
    func sameWords() {
        let text = Self.sentTexts.joined(separator: "\n")
        for line in text.physicalLines {
            #expect(OwnTextFingerprint.words(in: line) == OwnTextReference.words(line))
        }
        let cut = text.dropFirst(7).dropLast(5)
        #expect(OwnTextFingerprint.words(in: cut) == OwnTextReference.words(String(cut)))
    }

    @Test("physical lines: the same lines as walking the UTF-8 view, over random texts of line ends and other scalars")
    func sameLines() {
        var random = SeededRandom(state: 2026_12_07_3)
        let pieces = ["a", "bc", "\n", "\r\n", "\r", "\r\r\n", "\n\n", "é", "e\u{301}", "\u{2028}", "\u{85}", "😀", " ", "日本"]
        var texts = ["", "\n", "\r\n", "\r", "x", "x\n", "\nx", "\r\r\nx"]
        for _ in 0..<3_000 {
            texts.append((0..<Int(random.next() % 30)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined())
        }
        for text in texts {
            #expect(text.physicalLines == Self.referenceLines(text), "\(text.unicodeScalars.map(\.value))")
        }
    }
}
