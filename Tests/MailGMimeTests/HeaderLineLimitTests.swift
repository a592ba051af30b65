import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// The header lines of written bytes (up to the first empty line), without their CRLF.
func headerLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var line: [UInt8] = []
    var index = 0
    while index < bytes.count {
        if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
            if line.isEmpty { return lines }
            lines.append(line)
            line = []
            index += 2
            continue
        }
        line.append(bytes[index])
        index += 1
    }
    return lines
}

/// A header's value in a raw message, unfolded (a folding CRLF and the white space after it become one space).
func unfoldedHeader(_ mail: String, _ name: String) -> String? {
    let head = mail.components(separatedBy: "\r\n\r\n").first ?? ""
    var value: String?
    for line in head.components(separatedBy: "\r\n") {
        if let current = value {
            if line.first == " " || line.first == "\t" {
                value = current + " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            return current
        }
        if line.lowercased().hasPrefix(name.lowercased() + ":") {
            value = String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
        }
    }
    return value
}

@Suite("No header line over 998 characters (RFC 5322 §2.1.1)")
struct HeaderLineLimitTests {
    let composer = MailComposer(
        from: EmailAddress("staged-rollout@rollout.example.org"), displayName: "EGI Staged Rollout", writer: GMimeMessageWriter())
    let writer = GMimeMessageWriter()

    static let hugeID = String(repeating: "x", count: 4_989) + "@cnaf.example.org"  // 5,006 characters
    /// Paolo's thread root of ticket #12.
    static let root = "rg.12.thread.0123456789abc@rollout.example.org"

    func draft(subject: String = "Processed", answered: String?, chain: [String] = []) -> MailComposer.Draft {
        var draft = MailComposer.Draft(
            to: [EmailAddress("paolo.veronesi@cnaf.example.org")], subject: subject, body: "Hello", messageID: "m1@rollout.example.org",
            ticket: TicketID(12), date: Date(timeIntervalSince1970: 1_795_788_000))
        draft.threadRoot = Self.root
        draft.inReplyTo = answered
        draft.references = chain
        draft.autoSubmitted = "auto-replied"
        return draft
    }

    func longest(_ bytes: [UInt8]) -> Int { headerLines(bytes).map(\.count).max() ?? 0 }

    @Test("a 5,000-character Message-ID is not copied into In-Reply-To or References; the rest of the chain is")
    func hugeMessageIDDropped() {
        let bytes = composer.compose(draft(answered: Self.hugeID, chain: ["a1@cnaf.example.org", Self.hugeID, "a2@cnaf.example.org"]))
        let mail = String(decoding: bytes, as: UTF8.self)
        #expect(longest(bytes) <= 998)
        #expect(!mail.contains("xxxxxxxxxx"))
        #expect(unfoldedHeader(mail, "References") == "<\(Self.root)> <a1@cnaf.example.org> <a2@cnaf.example.org>")
        #expect(GMimeMailParser().parse(bytes).headers.references == [Self.root, "a1@cnaf.example.org", "a2@cnaf.example.org"])
    }

    @Test("the answered message's chain is kept, bounded to the first and the last IDs, the answered one last")
    func chainKeptAndBounded() {
        let chain = (1...500).map { "m\($0)@cnaf.example.org" }
        let bytes = composer.compose(draft(answered: "reply@cnaf.example.org", chain: chain))
        let parsed = GMimeMailParser().parse(bytes).headers
        #expect(longest(bytes) <= 998)
        #expect(parsed.inReplyTo == ["reply@cnaf.example.org"])
        #expect(parsed.references.count == ReferenceList.maximumCount)
        #expect(parsed.references.prefix(2) == [Self.root, "m1@cnaf.example.org"])
        #expect(parsed.references.suffix(3) == ["m499@cnaf.example.org", "m500@cnaf.example.org", "reply@cnaf.example.org"])
    }

    @Test("IDs as long as a line allows are written, each on a line of its own")
    func longestWritableIDs() {
        let id = { (n: Int) in String(repeating: "\(n)", count: ReferenceList.maximumIDLength - "@cnaf.example.org".count) + "@cnaf.example.org" }
        #expect(id(1).count == ReferenceList.maximumIDLength)
        let bytes = composer.compose(draft(answered: id(9), chain: (1...8).map(id)))
        let parsed = GMimeMailParser().parse(bytes).headers
        #expect(longest(bytes) <= 998)
        #expect(parsed.inReplyTo == [id(9)])
        #expect(parsed.references == [Self.root] + (1...8).map(id) + [id(9)])
        #expect(!ReferenceList.isWritable(id(1) + "x"))
    }

    static let longAddress = String(repeating: "p", count: 1_200) + "@cnaf.example.org"

    @Test(
        "whatever the values, the writer never writes a header line over 998 characters",
        arguments: [
            ("a subject of one 5,000-character word", String(repeating: "s", count: 5_000), [String](), [(String, String)](), [String]()),
            ("a long non-ASCII subject", String(repeating: "Réponse é ", count: 600), [], [], []),
            ("a non-ASCII word of 3,000 characters", String(repeating: "é", count: 3_000), [], [], []),
            ("references unchecked by the composer", "x", [hugeID, "b@c.example.org"], [], []),
            ("a long extra header", "x", [], [("X-Long", String(repeating: "v", count: 3_000))], []),
            ("a long extra header with spaces", "x", [], [("X-Spaced", String(repeating: "word ", count: 1_000))], []),
            ("a recipient address of 1,217 characters", "x", [], [], [longAddress]),
        ])
    func writerGuard(name: String, subject: String, references: [String], extra: [(String, String)], to: [String]) {
        let from = Mailbox(name: "EGI Staged Rollout", address: EmailAddress("staged-rollout@rollout.example.org"))
        let bytes = writer.write(
            MailMessage(
                from: from, to: ([EmailAddress("paolo.veronesi@cnaf.example.org")] + to.map(EmailAddress.init)),
                subject: subject, date: Date(timeIntervalSince1970: 1_795_788_000), messageID: "m1@rollout.example.org",
                references: references, replyTo: from, extraHeaders: extra, body: "Hello\n"))
        #expect(!bytes.isEmpty, "\(name)")
        #expect(longest(bytes) <= 998, "\(name)")
        let parsed = GMimeMailParser().parse(bytes)
        #expect(parsed.headers.from.first?.address.value == "staged-rollout@rollout.example.org", "\(name)")
        #expect(parsed.headers.to.first?.address.value == "paolo.veronesi@cnaf.example.org", "\(name)")
        #expect(parsed.headers.messageID == "m1@rollout.example.org", "\(name)")
        #expect(parsed.text.contains("Hello"), "\(name)")
        // What can be kept is kept: the subject (GMime 3.2.13 cannot read back long encoded-word subjects, see
        // GMimeMessageWriterTests, so only the ASCII one is read back), the other references.
        if subject.hasPrefix("s") { #expect(parsed.headers.subject.hasPrefix("sss"), "\(name)") }
        if !references.isEmpty { #expect(parsed.headers.references.contains("b@c.example.org"), "\(name)") }
    }

    @Test("the guard folds at white space and leaves out a field that cannot fit; the body is untouched")
    func guardOnBytes() {
        let long = String(repeating: "word ", count: 400)  // 2,000 characters
        let unbreakable = String(repeating: "z", count: 1_000)
        let body = String(repeating: "b", count: 2_000)  // body lines are not header lines
        let raw = Array("From: a@b.example\r\nX-A: \(long)\r\nX-B: \(unbreakable)\r\nSubject: ok\r\n\r\n\(body)\r\n".utf8)
        let limited = HeaderLineLimit.enforce(raw)
        let text = String(decoding: limited, as: UTF8.self)
        #expect(headerLines(limited).allSatisfy { $0.count <= 998 })
        #expect(unfoldedHeader(text, "X-A") == long.trimmingCharacters(in: .whitespaces))
        #expect(unfoldedHeader(text, "X-B") == nil)
        #expect(unfoldedHeader(text, "Subject") == "ok")
        #expect(text.hasSuffix("\r\n\r\n\(body)\r\n"))
        // Within the limit, the bytes are returned as they are.
        let fine = Array("From: a@b.example\r\nSubject: ok\r\n\r\nbody\r\n".utf8)
        #expect(HeaderLineLimit.enforce(fine) == fine)
    }
}
