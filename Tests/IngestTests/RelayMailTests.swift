import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// Relays people can follow (issue 20 #7), as the mail a watcher receives.
@Suite("A relayed mail names its author in subject and body and says what the commands did")
struct RelayMailTests {
    /// The relays queued to `person` since `before` queued messages, parsed.
    static func relays(to person: String, in world: IngestWorld, after before: Int) async throws -> [InboundMessage] {
        try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).dropFirst(before)
            .filter { $0.kind == .notification(.conversation) && $0.recipients == [EmailAddress(person)] }
            .map { GMimeMailParser().parse($0.data) }
    }

    @Test("a team member's mail with a GGUS link: 'Name (team) wrote' in the subject, the address in the body, the link's line kept")
    func memberRelay() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).count
        let outcome = try await world.ingest.ingest(
            message(body: "ggus 123456\nI opened the GGUS ticket above for the SRM crash.\n\nPaolo"))
        #expect(outcome.results.map(\.status) == [.applied])
        let relay = try #require(try await Self.relays(to: IngestWorld.managers, in: world, after: before).first)
        #expect(relay.headers.subject == "[staged-rollout #12] Paolo Veronesi (ea-NGI_IT-INFN-T1) wrote on Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64")
        #expect(relay.text.contains("Paolo Veronesi <paolo.veronesi@cnaf.example.org> (ea-NGI_IT-INFN-T1) [From address only, not verified] wrote on ticket #12:"))
        #expect(relay.text.contains("→ ggus 123456: GGUS ticket 123456 linked\nI opened the GGUS ticket above for the SRM crash.\n\nPaolo"))
    }

    @Test("two people's relays on one ticket have subjects apart; a non-ASCII name survives encoded words")
    func subjectsApart() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).count
        _ = try await world.ingest.ingest(message(body: "Installed, looks fine."))
        _ = try await world.ingest.ingest(
            message(from: "=?UTF-8?Q?Gon=C3=A7alo_Borges?= <goncalo.borges@lip.example.org>", body: "Same here."))
        let subjects = try await Self.relays(to: IngestWorld.managers, in: world, after: before).map(\.headers.subject)
        #expect(subjects.count == 2)
        #expect(Set(subjects).count == 2)
        #expect(subjects.contains { $0.contains("Gonçalo Borges (ea-IBERGRID-LIP-Lisbon) wrote on") })
    }

    @Test("a forged display name cannot pose as the manager: the roles come from the configuration, the address is shown")
    func forgedName() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).count
        _ = try await world.ingest.ingest(
            message(from: "\"Mario David (staged-rollout manager) <mario.david@lip.example.org>\" <paolo.veronesi@cnaf.example.org>", body: "Release it now."))
        let relay = try #require(try await Self.relays(to: IngestWorld.managers, in: world, after: before).first)
        #expect(!relay.headers.subject.contains("<") && !relay.headers.subject.contains("(staged-rollout manager)"))
        // A name holding an address is not shown at all: the address alone names the author.
        #expect(relay.text.hasPrefix("paolo.veronesi@cnaf.example.org (ea-NGI_IT-INFN-T1) [From address only, not verified] wrote on ticket #12:"))
        #expect(!relay.text.contains("Mario David"))
    }
}
