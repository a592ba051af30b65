import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("Set-aside mail is kept, can be replayed, and is bounded")
struct SetAsideTests {
    /// Paolo's accept, without any ticket named (no tag, no threading headers).
    static func untaggedAccept(id: String = UUID().uuidString + "@cnaf.example.org") -> [UInt8] {
        message(subject: "EMI DPM test", id: id, body: "accept NGI_IT-INFN-T1\n\nInstalled and running.")
    }

    @Test("a message that names no ticket is kept whole, with its reason, time and source")
    func keepsBytes() async throws {
        // Given a message that names no ticket
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let raw = Self.untaggedAccept(id: "kept-1@cnaf.example.org")
        // When it is ingested
        var prepared = world.ingest.prepare(raw)
        prepared.source = "maildir test/new/1"
        let outcome = try await world.ingest.ingest(prepared: prepared)
        // Then it is set aside and kept, bytes and all
        #expect(outcome.disposition == .setAside)
        let listed = try await world.store.setAsideMessages()
        #expect(listed.count == 1)
        let entry = try #require(listed.first)
        #expect(entry.key == "<kept-1@cnaf.example.org>")
        #expect(entry.reason.contains("names no ticket"))
        #expect(entry.source == "maildir test/new/1")
        #expect(entry.sender == "paolo.veronesi@cnaf.example.org")
        #expect(entry.receivedAt == world.clock.now)
        #expect(entry.bytes.isEmpty && entry.size == raw.count)  // listings leave the bytes out
        #expect(try await world.store.setAsideMessage(try #require(entry.id))?.bytes == raw)
    }

    @Test("replayed with --ticket, the message is applied and leaves the set-aside mail")
    func replayWithTicket() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let raw = Self.untaggedAccept()
        _ = try await world.ingest.ingest(raw)
        let id = try #require(try await world.store.setAsideMessages().first?.id)

        let outcome = try #require(try await world.ingest.replaySetAside(id, ticket: TicketID(12)))

        #expect(outcome.disposition == .applied)
        #expect(outcome.results.map(\.status) == [.applied])
        #expect(try await world.store.setAsideMessages().isEmpty)
        let stored = try #require(try await world.store.load(TicketID(12)))
        #expect(stored.rolloutCase.rollout?.assignment(of: TeamName("NGI_IT-INFN-T1")!)?.answer == .accepted)
        // and it is now recorded as applied: the same message arriving again is a duplicate
        #expect(try await world.ingest.ingest(raw).disposition == .duplicate)
    }

    @Test("replayed onto another ticket, a reply address issued for the first leaves the sender weak there")
    func replayedTokenOnAnotherTicket() async throws {
        let secret = NSTemporaryDirectory() + "rollout-secret-" + UUID().uuidString
        try Data("a-test-secret-of-more-than-16-bytes".utf8).write(to: URL(fileURLWithPath: secret))
        let world = try await IngestWorld(
            extraGateway: "  secret_file: \(secret)\n",
            edit: { $0.replacingOccurrences(of: "strong_authentication: []", with: "strong_authentication: [escalate]") })
        defer { world.cleanUp() }
        let manager = EmailAddress(IngestWorld.managers)
        let signer = try #require(world.gateway.renderer.signer)
        func escalate(to ticket: Int) -> [UInt8] {
            message(
                from: "Mario David <\(IngestWorld.managers)>", to: signer.address(for: TicketID(ticket), recipient: manager).value,
                subject: "Re: Please test", body: "escalate")
        }
        // Control: the manager's reply to their own address for #12 is strong by token there.
        let genuine = try await world.ingest.analyze(escalate(to: 12))
        #expect(genuine.authentication == .strong && genuine.basis == .token)

        // Their address for #99, a ticket that does not exist: set aside; replayed by the operator onto #12.
        #expect(try await world.ingest.ingest(escalate(to: 99)).disposition == .setAside)
        let id = try #require(try await world.store.setAsideMessages().first?.id)
        let replayed = try #require(try await world.ingest.replaySetAside(id, ticket: TicketID(12)))
        #expect(replayed.disposition == .applied)
        #expect(replayed.results.map(\.status) == [.refused], "\(replayed.results.map(\.message))")
        #expect(try await world.store.history(of: TicketID(12)).filter { $0.action == .escalation }.isEmpty)
    }

    @Test("replayed while the cause remains, it is set aside again (still kept once), with the reason of now")
    func replayStillSetAside() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let raw = Self.untaggedAccept(id: "again@cnaf.example.org")
        _ = try await world.ingest.ingest(raw)
        let id = try #require(try await world.store.setAsideMessages().first?.id)

        let outcome = try #require(try await world.ingest.replaySetAside(id))

        #expect(outcome.disposition == .setAside)
        let listed = try await world.store.setAsideMessages()
        #expect(listed.count == 1)
        #expect(listed.first?.key == "<again@cnaf.example.org>")
        #expect(listed.first?.source.hasPrefix("replay of set-aside \(id)") == true)
        #expect(try await world.store.setAsideMessage(try #require(listed.first?.id))?.bytes == raw)
        // It keeps its number (issue 20): the operator can replay it again by the number they know.
        #expect(listed.first?.id == id)
        #expect(try await world.ingest.replaySetAside(id)?.disposition == .setAside)
    }

    @Test("past inbound.set_aside_max_bytes the oldest set-aside messages are dropped, each with a log line")
    func bounded() async throws {
        // Given a bound that holds two of these messages but not three
        let first = Self.untaggedAccept(id: "first@cnaf.example.org")
        let world = try await IngestWorld(extra: "  set_aside_max_bytes: \(first.count * 5 / 2)\n")
        defer { world.cleanUp() }
        // When three are set aside
        for id in ["first", "second", "third"] {
            world.clock.now = world.clock.now.addingTimeInterval(60)
            #expect(try await world.ingest.ingest(Self.untaggedAccept(id: "\(id)@cnaf.example.org")).disposition == .setAside)
        }
        // Then the oldest was dropped, and said so
        #expect(try await world.store.setAsideMessages().map(\.key) == ["<second@cnaf.example.org>", "<third@cnaf.example.org>"])
        let dropped = world.logs.entries.filter { $0.message.description.hasPrefix("set-aside message dropped") }
        #expect(dropped.count == 1)
        #expect(dropped.first?.metadata["message-id"]?.description == "<first@cnaf.example.org>")
    }

    @Test("a message fetched without its body (too large) is kept as its header block and replayed as too large")
    func oversizedHeaderBlock() async throws {
        let world = try await IngestWorld(extra: "  max_message_bytes: 2000\n")
        defer { world.cleanUp() }
        let whole = message(id: "big@cnaf.example.org", body: "accept NGI_IT-INFN-T1\n" + String(repeating: "log line\n", count: 1000))
        let header = Array(whole[..<(whole.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound)])
        // as run passes it: the header block, and the size the server announced
        let outcome = try await world.ingest.ingest(prepared: world.ingest.prepare(header, declaredSize: whole.count))
        #expect(outcome.disposition == .setAside)
        let entry = try #require(try await world.store.setAsideMessages().first)
        #expect(entry.size == header.count && entry.messageSize == whole.count)

        let id = try #require(entry.id)
        let replayed = try #require(try await world.ingest.replaySetAside(id, ticket: TicketID(12)))

        #expect(replayed.disposition == .setAside)
        #expect(try await world.store.setAsideMessages().first?.messageSize == whole.count)
        #expect(try await world.store.load(TicketID(12))?.rolloutCase.rollout?.assignment(of: TeamName("NGI_IT-INFN-T1")!)?.answer == nil)
    }
}
