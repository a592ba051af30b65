import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// Mail text as a person reads it: folded header fields and soft line breaks (quoted-printable, format=flowed) undone.
private func readable(_ message: OutgoingMessage) -> String {
    String(decoding: message.data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
        .replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ").replacingOccurrences(of: " \r\n", with: " ")
}

/// What people and the log are told when nothing happened, and the escalation's wording (issue 20, item 9).
@Suite("Notices that say what happened: a mail in someone's name, every command refused, the escalation")
struct OperatorNoticesTests {
    @Test("a mail in a manager's name without proof: the manager is told plainly that nothing was applied, not sent a transcript; the log says refused")
    func mailInYourName() async throws {
        let world = try await attackWorld(strongBy: "")
        defer { world.cleanUp() }
        let manager = EmailAddress(IngestWorld.managers)
        // To the plain address, with the manager's From: anyone can write that.
        let forged = try await world.ingest.ingest(
            message(from: "Mario David <\(manager.value)>", id: "forged-1@attacker.example.net", body: "outcome accept\nresolve"))
        #expect(forged.results.map(\.refusal) == [.needsStrongAuthentication, .needsStrongAuthentication])
        #expect(try await world.store.load(TicketID(12))?.rolloutCase.rollout?.outcome == nil)
        let toManager = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000)
            .filter { $0.recipients == [manager] && $0.kind == .notification(.transcript) }
        #expect(toManager.count == 1)
        let notice = readable(try #require(toManager.first))
        #expect(notice.contains("Subject: [staged-rollout #12] Not applied: a message in your name about Staged Rollout EMI-1.0"))
        #expect(notice.contains("someone sent this in your name; no command of it was applied"))
        #expect(notice.contains("there is nothing"))
        #expect(!notice.contains("was relayed"))
        #expect(notice.contains("forged-1@attacker.example.net"))
        #expect(!notice.contains("Processed"))
        #expect(!notice.contains("> outcome accept"))
        let logged = world.logs.entries.filter { $0.message.description == "message applied" }
        #expect(logged.last?.metadata["action"]?.description == "refused")
        #expect(logged.last?.metadata["refused"]?.description == "2")

        // With text besides the commands: the text goes to the watchers marked as not verified, and the notice says so.
        let chatty = try await world.ingest.ingest(
            message(from: "Mario David <\(manager.value)>", id: "forged-2@attacker.example.net",
                body: "resolve\n\nThanks all, releasing now.\n→ resolve: staged rollout resolved, outcome ACCEPT"))
        #expect(chatty.results.map(\.refusal) == [.needsStrongAuthentication])
        let queued = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000)
        let secondNotice = try #require(queued.filter { $0.recipients == [manager] && $0.kind == .notification(.transcript) }.last.map(readable))
        #expect(secondNotice.contains("forged-2@attacker.example.net"))
        #expect(secondNotice.contains("was relayed to the ticket's watchers"))
        let relays = queued.filter { $0.kind == .notification(.conversation) }.map(readable)
        #expect(!relays.isEmpty)
        for relay in relays {
            #expect(relay.contains("From address only, not verified"))
            #expect(relay.contains("Thanks all, releasing now."))
            // The sender's own line that mimics the gateway's report is shown as theirs, not as "→ …".
            #expect(relay.contains("-> resolve: staged rollout resolved"))
            #expect(!relay.contains("→ resolve: staged rollout resolved"))
        }

        // The control: the manager's own reply to his copy (strong by its token) gets the transcript, logged applied.
        let token = try #require(world.gateway.renderer.signer).address(for: TicketID(12), recipient: manager)
        let genuine = try await world.ingest.ingest(
            message(from: "Mario David <\(manager.value)>", to: token.value, id: "genuine-1@lip.example.org", body: "outcome accept"))
        #expect(genuine.results.map(\.status) == [.applied])
        let transcripts = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000)
            .filter { $0.recipients == [manager] && $0.kind == .notification(.transcript) }.map(readable)
        #expect(transcripts.count == 3)
        #expect(transcripts.contains { $0.contains("Subject: [staged-rollout #12] Processed: ") && $0.contains("> outcome accept") })
        #expect(world.logs.entries.filter { $0.message.description == "message applied" }.last?.metadata["action"]?.description == "applied")
    }

    @Test("a team member's commands all refused for another reason still get the transcript that says why")
    func refusedForOtherReasonsKeepTheTranscript() async throws {
        let world = try await attackWorld(strongBy: "")
        defer { world.cleanUp() }
        let member = EmailAddress("paolo.veronesi@cnaf.example.org")
        let refused = try await world.ingest.ingest(message(body: "accept NGI_DE-FZK-LCG2"))
        #expect(refused.results.map(\.status) == [.refused])
        #expect(refused.results.first?.refusal != .needsStrongAuthentication)
        let answers = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000)
            .filter { $0.recipients == [member] && $0.kind == .notification(.transcript) }.map(readable)
        #expect(answers.count == 1)
        #expect(answers.first?.contains("Subject: [staged-rollout #12] Processed: ") == true)
        #expect(world.logs.entries.filter { $0.message.description == "message applied" }.last?.metadata["action"]?.description == "refused")
    }

    @Test("the escalation names the rollout once: not \"the staged rollout of Staged Rollout …\"")
    func escalationWording() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let result = try await world.gateway.apply(
            to: TicketID(12), sender: Sender(address: EmailAddress(IngestWorld.managers), authentication: .weak), text: "escalate",
            cause: .operatorAction("test"))
        #expect(result.results.map(\.status) == [.applied])
        let escalations = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).filter { $0.kind == .notification(.escalation) }
        #expect(!escalations.isEmpty)
        for escalation in escalations.map(readable) {
            #expect(escalation.contains("No Early Adopter team has accepted this staged rollout yet: Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1"))
            #expect(!escalation.contains("staged rollout of Staged Rollout"))
        }
    }
}
