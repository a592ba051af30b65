import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// The forms of issue 12 that let our own notification's reply lines through, as whole messages.
private let issueForms: [(name: String, introduction: [String])] = {
    let gateway = "Staged Rollout <staged-rollout@rollout.example.org>"
    let paolo = "Paolo Veronesi <paolo.veronesi@cnaf.example.org>"
    let subject = "[staged-rollout #12] Please test Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64"
    return [
        ("Outlook, Italian", ["Da: \(gateway)", "Risposta: staged-rollout@rollout.example.org", "Data: venerdì 27 novembre 2026 15:00", "A: \(paolo)", "Oggetto: \(subject)"]),
        ("Outlook, English without Sent", ["From: \(gateway)", "Reply-To: staged-rollout@rollout.example.org", "Date: Friday, November 27, 2026 3:00 PM", "To: \(paolo)", "Subject: \(subject)"]),
        ("Zoho", ["---- On Fri, 27 Nov 2026 15:00:00 +0100 Staged Rollout<staged-rollout@rollout.example.org> wrote ----"]),
        ("Gmail date-first", ["2026-11-27 15:00 GMT+01:00 \(gateway):"]),
        ("German Gmail over two lines", ["\(gateway) schrieb am Fr., 27. Nov. 2026", "um 15:00 Uhr:"]),
        ("Russian", ["пт, 27 нояб. 2026 г. в 15:00, пользователь \"Staged Rollout\" <staged-rollout@rollout.example.org> написал:"]),
        ("Ukrainian", ["пт, 27 лист. 2026 р. о 15:00 \(gateway) пише:"]),
        ("Japanese", ["2026年11月27日(金) 15:00 \(gateway):"]),
        ("Chinese", ["在 2026年11月27日 15:00, \(gateway) 写道:"]),
        ("Original Message with emphasis", ["*-------- Original Message --------*"]),
    ]
}()

/// How a reply's body is written.
enum BodyFormat: String, CaseIterable, Sendable {
    case plain, html, flowed
    /// Plain text, quoted-printable with soft line breaks in the middle of words.
    case quotedPrintable = "quoted-printable"
}

/// RFC 2045 §6.7 quoted-printable, a soft break (`=` at the end of a line) every 30 bytes, wherever that falls.
func quotedPrintable(_ text: String) -> String {
    var out = ""
    var width = 0
    for byte in text.utf8 {
        if byte == 0x0A {
            out += "\n"
            width = 0
            continue
        }
        let piece = (byte == 0x3D || byte >= 0x80) ? String(format: "=%02X", byte) : String(UnicodeScalar(byte))
        if width + piece.count > 30 {
            out += "=\n"
            width = 0
        }
        out += piece
        width += piece.count
    }
    return out
}

/// A reply of Paolo's: `top` (his answer), his name, then `introduction` and the `original` below, quoted or not.
func formReply(
    top: [String], introduction: [String], original: String, quoted: Bool, format: BodyFormat,
    inReplyTo: String? = nil, subjectTag: Bool = true, name: String? = "Paolo"
) -> [UInt8] {
    let originalLines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var headers = ""
    if let inReplyTo { headers += "In-Reply-To: <\(inReplyTo)>\r\nReferences: <\(inReplyTo)>\r\n" }
    let subject = subjectTag ? "Re: [staged-rollout #12] Please test" : "Re: Please test"
    switch format {
    case .plain, .flowed, .quotedPrintable:
        var lines = top + (name.map { ["", $0, ""] } ?? [""]) + introduction + originalLines.map { quoted ? "> \($0)" : $0 }
        if format == .flowed {
            // RFC 3676: long lines broken after a space, which the reader joins again.
            lines = lines.flatMap { line -> [String] in
                guard line.count > 40, !line.hasPrefix(">") else { return [line] }
                var pieces: [String] = []
                var current = ""
                for word in line.split(separator: " ") {
                    if !current.isEmpty, current.count + word.count > 40 {
                        pieces.append(current + " ")
                        current = ""
                    }
                    current += current.isEmpty ? String(word) : " " + word
                }
                return pieces + [current]
            }
            headers += "Content-Type: text/plain; charset=utf-8; format=flowed\r\n"
        } else if format == .quotedPrintable {
            headers += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
            return message(subject: subject, extraHeaders: headers, body: quotedPrintable(lines.joined(separator: "\n")), contentTypeGiven: true)
        } else {
            headers += "Content-Type: text/plain; charset=utf-8\r\n"
        }
        return message(subject: subject, extraHeaders: headers, body: lines.joined(separator: "\n"), contentTypeGiven: true)
    case .html:
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        let answer = (top + (name.map { ["", $0] } ?? [])).map { $0.isEmpty ? "<div><br></div>" : "<div>\(escaped($0))</div>" }.joined()
        let intro = introduction.map { escaped($0) + "<br>" }.joined()
        let body = originalLines.map { $0.isEmpty ? "<div><br></div>" : "<div>\(escaped($0))</div>" }.joined()
        let html = "<html><body>\(answer)<div>\(intro)</div>" + (quoted ? "<blockquote>\(body)</blockquote>" : "<div>\(body)</div>") + "</body></html>"
        headers += "Content-Type: text/html; charset=utf-8\r\n"
        return message(subject: subject, extraHeaders: headers, body: html, contentTypeGiven: true)
    }
}

/// A small message from Paolo whose Content-Type the caller gives.
private func message(subject: String, extraHeaders: String, body: String, contentTypeGiven: Bool) -> [UInt8] {
    Array("""
        From: Paolo Veronesi <paolo.veronesi@cnaf.example.org>\r
        To: staged-rollout@rollout.example.org\r
        Subject: \(subject)\r
        Message-ID: <\(UUID().uuidString)@cnaf.example.org>\r
        Date: \(MessageDates.next())\r
        MIME-Version: 1.0\r
        \(extraHeaders)\r
        \(body.replacingOccurrences(of: "\n", with: "\r\n"))\r

        """.utf8)
}

private func commands(_ analysis: Ingest.Analysis) -> [Command] {
    analysis.lines.compactMap {
        if case .command(let command) = $0.reading { return command }
        return nil
    }
}

/// The text of the notification a member of ea-NGI_IT-INFN-T1 received in the test world, as the gateway sent it.
private func sentNotification(_ world: IngestWorld, to address: String = "paolo.veronesi@cnaf.example.org") async throws -> OutgoingMessage {
    let outbox = try await world.store.pendingOutbox(at: world.clock.now, limit: 100)
    return try #require(outbox.first { $0.kind.rawValue == "team-assigned" && $0.recipients.contains(EmailAddress(address)) })
}

@Suite("Reading replies as mail programs write them (issue 12)")
struct ReplyFormsIngestTests {
    static let answers = [["accept NGI_IT-INFN-T1"], ["reject NGI_IT-INFN-T1"]]
    static let notification = """
        Dear ea-NGI_IT-INFN-T1,

        you have been chosen as Early Adopter for Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64.
        Please acknowledge by Monday 30 November 2026 15:00 by replying with exactly one of these lines:

            accept NGI_IT-INFN-T1
            reject NGI_IT-INFN-T1
        """

    @Test("each form of the issue: the answer on top is read alone, in both orders, quoted or not, plain, HTML-only, flowed and QP")
    func issueFormsAsMessages() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        // A parser only, no store: what is shown here is the lists' work, not the own-text rule's.
        let ingest = Ingest(gateway: world.gateway, parser: GMimeMailParser(), usesStore: false)
        for form in issueForms {
            for answer in Self.answers {
                for quoted in [false, true] {
                    for format in BodyFormat.allCases {
                        let raw = formReply(top: answer, introduction: form.introduction, original: Self.notification, quoted: quoted, format: format)
                        let analysis = try await ingest.analyze(raw)
                        let expected = CommandGrammar.read(answer[0])
                        #expect(commands(analysis).map(CommandLineReading.command) == [expected], "\(form.name), \(answer[0]), quoted: \(quoted), \(format)")
                        #expect(analysis.message.textFromHTML == (format == .html))
                    }
                }
            }
        }
    }

    /// An attribution in a language no list knows (made up for this test).
    static let madeUp = ["Zorbday 27 Nivember 2026 um 15:00, Staged Rollout <staged-rollout@rollout.example.org> flimberte:"]

    @Test("own text: under a made-up attribution, the notification sent is found and its reply lines are not read", arguments: BodyFormat.allCases)
    func ownTextMadeUpLanguage(format: BodyFormat) async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let sent = try await sentNotification(world)
        let text = SentMessageText.text(of: sent.data).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text.contains("accept NGI_IT-INFN-T1") && text.contains("reject NGI_IT-INFN-T1"))
        for answer in Self.answers {
            let raw = formReply(top: answer, introduction: Self.madeUp, original: text, quoted: false, format: format)
            // Without the store, the lists do not know the attribution: the notification's two lines are read too, and
            // the contradiction rule then applies none of the three.
            let listsOnly = try await Ingest(gateway: world.gateway, parser: GMimeMailParser(), usesStore: false).analyze(raw)
            #expect(commands(listsOnly).count == 3, "\(format)")
            // With the store, the rule finds the notification sent to Paolo on ticket #12.
            let analysis = try await world.ingest.analyze(raw)
            #expect(commands(analysis).map(CommandLineReading.command) == [CommandGrammar.read(answer[0])], "\(format)")
            #expect(analysis.reply.cuts.last?.reason == .ownText)
            #expect(analysis.reply.cuts.last?.text.first == Self.madeUp[0])
            #expect(analysis.decision?.results.map(\.status) == [.applied])
        }
    }

    @Test("own text: the notification is found by its Message-ID in In-Reply-To alone (no subject tag, no reply token)")
    func ownTextByMessageID() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let sent = try await sentNotification(world)
        let text = SentMessageText.text(of: sent.data).replacingOccurrences(of: "\r\n", with: "\n")
        // Paolo's copy names him; the reply comes from Paolo but through the Message-ID only (no tag, no token).
        let raw = formReply(
            top: ["reject NGI_IT-INFN-T1"], introduction: Self.madeUp, original: text, quoted: false, format: .plain,
            inReplyTo: sent.messageID, subjectTag: false)
        let analysis = try await world.ingest.analyze(raw)
        #expect(analysis.foundBy == .inReplyTo)
        #expect(commands(analysis) == [.reject(team: "NGI_IT-INFN-T1")])
        #expect(analysis.reply.cuts.last?.reason == .ownText)
    }

    @Test("the conversation relayed is the new text after all cuts; a reply with only a command relays nothing")
    func relay() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let sent = try await sentNotification(world)
        let text = SentMessageText.text(of: sent.data).replacingOccurrences(of: "\r\n", with: "\n")
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).filter { $0.kind.rawValue == "conversation" }.count

        // Only a command above the copy and a mobile signature: nothing to relay.
        let bare = formReply(
            top: ["accept NGI_IT-INFN-T1", "", "Sent from my iPhone"], introduction: Self.madeUp, original: text, quoted: false,
            format: .plain, name: nil)
        let quiet = try await world.ingest.ingest(bare)
        #expect(quiet.results.map(\.status) == [.applied])
        let afterBare = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).filter { $0.kind.rawValue == "conversation" }
        #expect(afterBare.count == before)

        // Words of the person's own: relayed, and only they.
        let worded = formReply(
            top: ["downtime NGI_IT-INFN-T1 on", "We install on se-test01 tomorrow morning."], introduction: Self.madeUp,
            original: text, quoted: false, format: .plain)
        _ = try await world.ingest.ingest(worded)
        let comment = try #require(try await world.store.history(of: TicketID(12)).last { $0.action == .comment })
        #expect(comment.detail == "We install on se-test01 tomorrow morning.\n\nPaolo")
    }
}
