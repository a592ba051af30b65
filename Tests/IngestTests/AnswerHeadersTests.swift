import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("What answers and relays carry (issue 10 #6, #8, #11)")
struct AnswerHeadersTests {
    static let hugeID = String(repeating: "h", count: 4_983) + "@cnaf.example.org"  // 5,000 characters

    /// The header lines of a raw message.
    func headerLines(_ bytes: [UInt8]) -> [Substring] {
        let text = String(decoding: bytes, as: UTF8.self)
        return (text.components(separatedBy: "\r\n\r\n").first ?? "").split(separator: "\r\n")
    }

    @Test("a 5,000-character Message-ID is never copied into an answer; no header line of the answer passes 998")
    func hugeMessageID() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        // A command mail (transcript) and a mail naming no ticket (error reply), both with the huge ID in their chain.
        let command = message(id: Self.hugeID, extraHeaders: "References: <\(Self.hugeID)> <a@cnaf.example.org>\r\n", body: "accept NGI_IT-INFN-T1")
        let stray = message(
            subject: "a question", id: "q-" + Self.hugeID, extraHeaders: "In-Reply-To: <\(Self.hugeID)>\r\n", body: "hello")
        #expect(try await world.ingest.ingest(command).answered)
        #expect(try await world.ingest.ingest(stray).answered)
        let answers = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).filter { ["transcript", "error-reply"].contains($0.kind.rawValue) }
        #expect(answers.map(\.kind.rawValue).sorted() == ["error-reply", "transcript"])
        for answer in answers {
            let lines = headerLines(answer.data)
            #expect(lines.allSatisfy { $0.utf8.count <= 998 }, "\(answer.kind)")
            #expect(!lines.contains { $0.contains("hhhhhhhhhh") }, "\(answer.kind)")
        }
        let transcript = String(decoding: try #require(answers.first { $0.kind.rawValue == "transcript" }).data, as: UTF8.self)
        // Paolo's thread root of the ticket (his team-assigned notification), then the chain kept.
        let root = world.gateway.renderer.composer.threadRoot(of: TicketID(12), for: EmailAddress("paolo.veronesi@cnaf.example.org"))
        #expect(unfolded(transcript, "References") == "<\(root)> <a@cnaf.example.org>")
    }

    @Test(
        "vacation replies known only by subject or Exchange's rule headers are recorded, never answered, never relayed",
        arguments: [
            "auto-replies/outlook-automatic-reply-subject-only.eml", "auto-replies/german-abwesenheitsnotiz-encoded-subject.eml",
            "auto-replies/french-reponse-automatique.eml", "auto-replies/polish-odpowiedz-automatyczna-iso-8859-2.eml",
            "auto-replies/exchange-inbox-rule-headers-only.eml", "auto-replies/lotus-notes-is-out-of-the-office.eml",
        ])
    func vacationNeverAnsweredNorRelayed(file: String) async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await world.store.outboxCounts().queued
        let history = try await world.store.history(of: TicketID(12)).count
        let outcome = try await world.ingest.ingest(try world.raw(file))
        #expect(outcome.disposition == .autoReply)
        #expect(!outcome.answered)
        #expect(try await world.store.outboxCounts().queued == before)
        #expect(try await world.store.history(of: TicketID(12)).count == history)
        #expect(try await world.store.hasSeen(world.ingest.analyze(try world.raw(file)).message.seenKey))
    }

    @Test("text that came through the EA list is relayed to the managers, not back to the list, even when routed to ea-lists")
    func listPostNotRelayedBack() async throws {
        let world = try await IngestWorld(routing: "  - when: conversation\n    to: [watchers, ea-lists]\n")
        defer { world.cleanUp() }
        let list = EmailAddress("early-adopters-emi@lists.egi.example.org")
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).count
        #expect(try await world.ingest.ingest(try world.raw("lists/mailman-dmarc-munged-from.eml")).disposition == .applied)
        let relays = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).dropFirst(before).filter { $0.kind.rawValue == "conversation" }
        #expect(!relays.isEmpty)
        #expect(relays.allSatisfy { !$0.recipients.contains(list) })
        #expect(relays.contains { $0.recipients.contains(EmailAddress(IngestWorld.managers)) })
        // A person's direct mail is relayed to the list as routed.
        let direct = try await world.ingest.ingest(message(body: "Installed on two nodes, all fine so far."))
        #expect(direct.disposition == .applied)
        let all = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).filter { $0.kind.rawValue == "conversation" }
        #expect(all.contains { $0.recipients.contains(list) })
    }

    @Test("the release-staged notice names the release once: no 'The release Release …'")
    func releaseStagedWording() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let staged = try #require(try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).first { $0.kind.rawValue == "release-staged" })
        let text = String(decoding: staged.data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
        #expect(!text.contains("The release Release"))
        #expect(text.contains("Release EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64 (release ticket #11) has passed verification"))
    }
}
