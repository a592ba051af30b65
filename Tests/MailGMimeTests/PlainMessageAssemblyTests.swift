import Foundation
import RolloutCore
import RolloutGateway
import TestSupport
import Testing

@testable import MailGMime

/// The assembled message (``PlainMessageAssembly``) against the message GMime builds and writes, byte for byte.
@Suite("Plain messages assembled from GMime's encoders")
struct PlainMessageAssemblyTests {
    let writer = GMimeMessageWriter()

    /// The shapes the composer makes: a notice that roots a thread, one that refers to the root, a transcript that
    /// answers a reply with a chain, a post to a list.
    static var composerShapes: [MailMessage] {
        let from = Mailbox(name: "EGI Staged Rollout", address: EmailAddress("staged-rollout@rollout.example.org"))
        let date = Date(timeIntervalSince1970: 1_796_374_800)
        let body = """
            No Early Adopter team has accepted this staged rollout yet: Staged Rollout EMI-1.0 SE-bench-0 1.0-1 SL5 x86_64
            (request 1; teams that have not answered: ea-NGI_BENCH-SITE0, ea-NGI_BENCH-SITE1, ea-NGI_BENCH-SITE2).

            . a line that starts with a dot
            Grüße — naïve café, 10 € =

            -- \nEGI Staged Rollout <staged-rollout@rollout.example.org>
            """
        let extra = [("Auto-Submitted", "auto-generated"), ("X-Auto-Response-Suppress", "All"), ("X-Loop", from.address.value)]
        var root = MailMessage(
            from: from, to: [EmailAddress("joao.pina@lip.example.org")],
            subject: "[staged-rollout #2] Volunteers wanted: Staged Rollout EMI-1.0 SE-bench-0 1.0-1 SL5 x86_64", date: date,
            messageID: "rg.2.thread.1t8ftsqxux1qr@rollout.example.org", references: [],
            replyTo: Mailbox(name: "EGI Staged Rollout", address: EmailAddress("staged-rollout+t2.k3j4h5@rollout.example.org")),
            extraHeaders: extra, body: body)
        var referring = root
        referring.messageID = "rg.2.escalation.1796374800.2l1zdeq6imwz3.1t8ftsqxux1qr@rollout.example.org"
        referring.references = ["rg.2.thread.1t8ftsqxux1qr@rollout.example.org"]
        var transcript = referring
        transcript.subject = "Re: [staged-rollout #2] accept NGI_IT-INFN-T1 — done"
        transcript.references = [
            "rg.2.thread.1t8ftsqxux1qr@rollout.example.org", "CAF1234567890abcdefghijklmnop@mail.gmail.com",
            "rg.2.escalation.1796374800.2l1zdeq6imwz3.1t8ftsqxux1qr@rollout.example.org", "20261204.abc@site.example.org",
        ]
        transcript.extraHeaders[0] = ("Auto-Submitted", "auto-replied")
        var list = root
        list.to = [EmailAddress("early-adopters-emi@lists.egi.example.org")]
        list.extraHeaders.append(("Precedence", "bulk"))
        root.body = "short"
        return [root, referring, transcript, list]
    }

    @Test("the composer's shapes are assembled, and are GMime's bytes")
    func composerShapesAssembled() throws {
        for message in Self.composerShapes {
            let assembled = try #require(PlainMessageAssembly.bytes(of: message))
            #expect(text(assembled) == text(writer.built(message)))
            #expect(writer.write(message) == assembled)
        }
    }

    @Test("random names, subjects, IDs, references and headers: whatever is assembled is GMime's bytes")
    func randomMessages() {
        var random = SeededRandom(state: 24)
        var assembled = 0, built = 0
        for _ in 0..<3_000 {
            let message = Self.randomMessage(&random)
            if let bytes = PlainMessageAssembly.bytes(of: message) {
                assembled += 1
                let reference = writer.built(message)
                #expect(text(bytes) == text(reference))
                if bytes != reference { return }
            } else {
                built += 1
            }
        }
        // Both paths are exercised: over a third of the random messages are assembled (1,309 of 3,000 with this seed),
        // the others left to GMime.
        #expect(assembled > 1_000)
        #expect(built > 100)
    }

    @Test("what the assembly leaves to GMime: attachments, no recipient, an address GMime would quote, a long address line; encoded-word look-alikes are written alike by both")
    func leftToGMime() {
        let base = Self.composerShapes[0]
        var attached = base
        attached.attachments = [MailAttachment(fileName: "report.txt", contentType: "text/plain", bytes: Array("x".utf8))]
        var nobody = base
        nobody.to = []
        var quoted = base
        quoted.to = [EmailAddress("\"john smith\"@example.org")]
        var long = base
        long.from = Mailbox(name: String(repeating: "Staged Rollout ", count: 6), address: base.from.address)
        var emptySubject = base
        emptySubject.subject = ""
        var lookAlike = base
        lookAlike.subject = "Re: =?utf-8?q?caf=C3=A9?= accept"
        var lookAlikeHeader = base
        lookAlikeHeader.extraHeaders.append(("X-Note", "=?UTF-8?B?eA==?="))
        #expect(PlainMessageAssembly.bytes(of: attached) == nil)
        for message in [nobody, quoted, long, emptySubject] {
            #expect(PlainMessageAssembly.bytes(of: message) == nil)
            #expect(text(writer.write(message)) == text(writer.built(message)))
        }
        // A literal `=?` is written `= ?` on both paths (GMimeMessageWriter.clean): no encoded word is left to decode.
        for message in [lookAlike, lookAlikeHeader] {
            #expect(text(writer.write(message)) == text(writer.built(message)))
            #expect(!text(writer.write(message)).contains("=?utf-8?q?caf") && !text(writer.write(message)).contains("=?UTF-8?B?eA==?="))
        }
    }

    @Test("a line break in any value of an otherwise plain message adds no header field")
    func noInjectedField() {
        let breaks = ["\r\n", "\n", "\r", "\u{2028}", "\u{85}", "\u{0B}"]
        for lineBreak in breaks {
            let injected = "\(lineBreak)Bcc: victim@example.org"
            var subject = Self.composerShapes[1], name = subject, extra = subject, replyName = subject
            subject.subject = "accept" + injected
            name.from = Mailbox(name: "Rollout" + injected, address: name.from.address)
            replyName.replyTo = Mailbox(name: "Rollout" + injected, address: replyName.replyTo.address)
            extra.extraHeaders.append(("X-Note", "note" + injected))
            for message in [subject, name, extra, replyName] {
                let head = text(writer.write(message)).components(separatedBy: "\r\n\r\n")[0]
                let fields = head.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("\t") }
                #expect(!fields.contains { $0.hasPrefix("Bcc") }, "\(lineBreak.debugDescription): \(head)")
                #expect(!head.contains("\r\r") && !head.contains("\n\n"), "\(lineBreak.debugDescription): \(head)")
            }
        }
    }

    @Test("IDs and addresses written as they are: dot-atoms on both sides of one @")
    func plainIDs() {
        for id in ["a@b", "rg.2.thread.1t8ftsqxux1qr@rollout.example.org", "first.last+tag@x.example", "o'brien@h", "~!#$%&'*+-/=?^_`{|}@h"] {
            #expect(PlainMessageAssembly.isPlainID(id), "\(id)")
        }
        for id in ["", "@", "a@", "@b", "a@@b", "a@b@c", ".a@b", "a.@b", "a..b@c", "a@.b", "a@b.", "a b@c", "a\"b@c", "a<b@c", "ü@b", "a@[1.2.3.4]", "a(b)@c"] {
            #expect(!PlainMessageAssembly.isPlainID(id), "\(id)")
        }
    }

    @Test("a text without a line that starts with a dot comes back as it was, its last line ended")
    func dotsOnlyWhereNeeded() {
        #expect(GMimeMessageWriter.escapingLeadingDots([]) == [0x0A])
        #expect(GMimeMessageWriter.escapingLeadingDots(Array("a\nb.".utf8)) == Array("a\nb.\n".utf8))
        #expect(GMimeMessageWriter.escapingLeadingDots(Array("a\n.b\n".utf8)) == Array("a\n=2Eb\n".utf8))
        #expect(GMimeMessageWriter.escapingLeadingDots(Array(".\n".utf8)) == Array("=2E\n".utf8))
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Random messages

    static func randomMessage(_ random: inout SeededRandom) -> MailMessage {
        let base = composerShapes[Int(random.next() % 4)]
        var message = base
        message.from = Mailbox(name: randomText(&random, words: Int(random.next() % 4)), address: randomAddress(&random))
        message.replyTo = Mailbox(name: random.next() % 3 == 0 ? nil : randomText(&random, words: 2), address: randomAddress(&random))
        message.to = (0..<(random.next() % 4 == 0 ? 2 : 1)).map { _ in randomAddress(&random) }
        message.subject = randomText(&random, words: Int(random.next() % 24))
        message.messageID = randomID(&random)
        message.references = (0..<Int(random.next() % 6)).map { _ in randomID(&random) }
        message.extraHeaders.append(("X-Note", randomText(&random, words: Int(random.next() % 20))))
        message.date = Date(timeIntervalSince1970: Double(random.next() % 4_000_000_000))
        message.body = randomText(&random, words: Int(random.next() % 200))
        return message
    }

    /// Words, mostly ones a notice carries (non-ASCII, quotes, brackets, punctuation); now and then a long run or an
    /// encoded-word look-alike; one text in sixteen also gets white space or control characters GMime treats its own way.
    static func randomText(_ random: inout SeededRandom, words: Int) -> String {
        let pool = [
            "Staged", "Rollout", "EMI-1.0", "[staged-rollout #2]", "Re:", "accept", "NGI_IT-INFN-T1", "x86_64", "café", "Grüße", "—",
            "\"quoted\"", "(comment)", "a,b", "semi;colon", "dot.ted", "<angle>", "back\\slash", "日本語", "emoji🙂", ".", "@", ":",
            "?", "=",
        ]
        let rare = [String(repeating: "w", count: 40), String(repeating: "long", count: 30), "=?utf-8?q?x?=", "=?UTF-8?B?eA==?=", "=?", "?="]
        let odd = ["  ", "\t", "\n", "\u{1}", " "]
        let hostile = random.next() % 16 == 0
        return (0..<words).map { _ in
            if hostile, random.next() % 4 == 0 { return odd[Int(random.next() % UInt64(odd.count))] }
            if random.next() % 200 == 0 { return rare[Int(random.next() % UInt64(rare.count))] }
            return pool[Int(random.next() % UInt64(pool.count))]
        }.joined(separator: random.next() % 20 == 0 ? "" : " ")
    }

    static func randomAddress(_ random: inout SeededRandom) -> EmailAddress {
        let locals = ["joao.pina", "ea-team", "first.last+tag", "x", "o'brien", "very.long.local.part.of.an.address.that.goes.on", "a..b", ".dot", "name with space", "üser"]
        let domains = ["lip.example.org", "rollout.example.org", "lists.egi.example.org", "sub.sub.sub.example.org", "bücher.example", "[127.0.0.1]"]
        // One address in ten is one GMime writes its own way (quoted, IDN, literal).
        let odd = random.next() % 20 == 0
        let local = odd ? locals[6 + Int(random.next() % 4)] : locals[Int(random.next() % (random.next() % 4 == 0 ? 6 : 5))]
        let domain = odd ? domains[4 + Int(random.next() % 2)] : domains[Int(random.next() % (random.next() % 4 == 0 ? 4 : 3))]
        return EmailAddress("\(local)@\(domain)")
    }

    static func randomID(_ random: inout SeededRandom) -> String {
        let lefts = ["rg.2.thread.1t8ftsqxux1qr", "CAF1234567890abcdefghijklmnop", "x", "20261204.abc", String(repeating: "k", count: 70), "a b", "a\"b", "with<angle>"]
        let rights = ["rollout.example.org", "mail.gmail.com", "site.example.org", "h"]
        let left = random.next() % 12 == 0 ? lefts[5 + Int(random.next() % 3)] : lefts[Int(random.next() % 5)]
        return "\(left)@\(rights[Int(random.next() % UInt64(rights.count))])"
    }
}
