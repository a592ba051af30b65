import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// A message with `count` attachments `report-<n>.odt` (real ODF containers, badly named), generated here.
func messageWithAttachments(
    _ count: Int, from: String = "Pavel Weber <pavel.weber@kit.example.org>", text: String = "Reports attached.",
    id: String = UUID().uuidString + "@kit.example.org"
) -> [UInt8] {
    let odt = Data([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + Array("mimetypeapplication/vnd.oasis.opendocument.text".utf8))
        .base64EncodedString()
    var mail = """
        From: \(from)\r
        To: staged-rollout@rollout.example.org\r
        Subject: Re: [staged-rollout #12] Please test Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64\r
        Message-ID: <\(id)>\r
        Date: Mon, 01 Dec 2025 15:00:00 +0100\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b"\r
        \r
        --b\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        \(text)\r

        """
    for n in 1...count {
        mail += "--b\r\nContent-Type: application/vnd.oasis.opendocument.text; name=\"report-\(n).odt\"\r\n"
        mail += "Content-Disposition: attachment; filename=\"report-\(n).odt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\(odt)\r\n"
    }
    mail += "--b--\r\n"
    return Array(mail.utf8)
}

@Suite("One incoming message earns at most one answer (issue 10 #3, #11)")
struct OneAnswerTests {
    func queued(_ world: IngestWorld, to address: String) async throws -> [OutgoingMessage] {
        try await world.store.pendingOutbox(at: world.clock.now, limit: 100_000).filter { $0.recipients.contains(EmailAddress(address)) }
    }

    @Test("1,000 badly named .odt attachments: one mail to the sender listing the problem once, not 1,000")
    func thousandAttachmentsOneMail() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await queued(world, to: "pavel.weber@kit.example.org").count
        let outcome = try await world.ingest.ingest(messageWithAttachments(1_000))
        #expect(outcome.disposition == .applied)
        #expect(outcome.answered)
        let mails = try await queued(world, to: "pavel.weber@kit.example.org").dropFirst(before)
        #expect(mails.map(\.kind.rawValue) == ["transcript"])
        let text = String(decoding: try #require(mails.first).data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
        #expect(text.contains("and 990 more (1000 files)"))
        #expect(text.contains("ea-NGI_DE-FZK-LCG2-EMI-1.0-SE-DPM_mysql-1.8.0-1"))
        #expect(try await world.store.pendingOutbox(at: world.clock.now, limit: 100_000).filter { $0.kind.rawValue == "report-refused" }.isEmpty)
        // All 1,000 files are still kept on the ticket.
        let kept = try await world.store.history(of: TicketID(12)).filter { $0.action == .attachmentRefused }
        #expect(kept.count == 1_000)
    }

    @Test("an accept earns one mail, the transcript, which carries the acknowledgement; the team's other member and the managers still hear")
    func acceptOneMail() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).count
        let reply = message(
            id: "accept-1@cnaf.example.org",
            extraHeaders: "In-Reply-To: <rg.12.team-assigned.1.abc@rollout.example.org>\r\nReferences: <first@cnaf.example.org> <rg.12.team-assigned.1.abc@rollout.example.org>\r\n",
            body: "accept NGI_IT-INFN-T1")
        let outcome = try await world.ingest.ingest(reply)
        #expect(outcome.results.map(\.status) == [.applied])
        let new = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).dropFirst(before)
        let toSender = new.filter { $0.recipients.contains(EmailAddress("paolo.veronesi@cnaf.example.org")) }
        #expect(toSender.map(\.kind.rawValue) == ["transcript"])
        let transcript = String(decoding: try #require(toSender.first).data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
        #expect(transcript.contains("downtime NGI_IT-INFN-T1 on"))
        #expect(transcript.contains("In-Reply-To: <accept-1@cnaf.example.org>"))
        let references = try #require(unfolded(transcript, "References"))
        let root = world.gateway.renderer.composer.threadRoot(of: TicketID(12), for: EmailAddress("paolo.veronesi@cnaf.example.org"))
        #expect(references == "<\(root)> <first@cnaf.example.org> <rg.12.team-assigned.1.abc@rollout.example.org> <accept-1@cnaf.example.org>")
        #expect(new.contains { $0.kind.rawValue == "team-accepted" && $0.recipients == [EmailAddress("andrea.chierici@cnaf.example.org")] })
        #expect(new.contains { $0.kind.rawValue == "team-accepted" && $0.recipients.contains(EmailAddress(IngestWorld.managers)) })
    }

    @Test("the hourly limit counts every answer: an error reply and a transcript use it up, then the sender hears nothing at all")
    func limitCountsEveryKind() async throws {
        let world = try await IngestWorld(extra: "  replies_per_hour: 2\n")
        defer { world.cleanUp() }
        let paolo = "paolo.veronesi@cnaf.example.org"
        let before = try await queued(world, to: paolo).count
        // 1: names no ticket → set aside, error reply.
        let stray = try await world.ingest.ingest(message(subject: "a question", body: "accept NGI_IT-INFN-T1"))
        #expect(stray.disposition == .setAside && stray.answered)
        // 2: a command → transcript.
        #expect(try await world.ingest.ingest(message(body: "downtime NGI_IT-INFN-T1 on")).answered)
        // 3: a badly named report, an accept: applied, but no mail of any kind to the sender.
        let third = try await world.ingest.ingest(
            messageWithAttachments(3, from: "Paolo Veronesi <\(paolo)>", text: "accept NGI_IT-INFN-T1"))
        #expect(third.disposition == .applied && !third.answered)
        #expect(third.results.map(\.status) == [.applied])
        let mails = try await queued(world, to: paolo).dropFirst(before)
        #expect(mails.map(\.kind.rawValue) == ["error-reply", "transcript"])
        #expect(world.logs.entries.contains { $0.message.description.contains("no answer sent") })
    }

    @Test("a message without commands whose attachment is fine is answered once, with the report received")
    func reportReceivedIsTheAnswer() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await queued(world, to: "paolo.veronesi@cnaf.example.org").count
        let outcome = try await world.ingest.ingest(try world.raw("attachments/odt-report-well-named.eml"))
        #expect(outcome.disposition == .applied)
        let mails = try await queued(world, to: "paolo.veronesi@cnaf.example.org").dropFirst(before)
        #expect(mails.map(\.kind.rawValue) == ["transcript"])
        #expect(String(decoding: try #require(mails.first).data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "").contains("taken as the report of ea-NGI_IT-INFN-T1"))
    }
}

/// A header's value in a raw message, unfolded.
func unfolded(_ mail: String, _ name: String) -> String? {
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
