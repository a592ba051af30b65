import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// A Postfix-style delivery report for `failed`, sent to `to`, with a diagnostic text meant for the managers and the
/// returned message's headers naming ticket #12.
func deliveryReport(to: String, failed: String, diagnostic: String = "DIAGNOSTIC-MARKER call +1 555 0100 to keep your account", deliveredTo: String? = nil) -> [UInt8] {
    Array("""
        Return-Path: <>\r
        \(deliveredTo.map { "Delivered-To: \($0)\r\n" } ?? "")From: MAILER-DAEMON@mx.lip.example.org (Mail Delivery System)\r
        To: \(to)\r
        Subject: Undelivered Mail Returned to Sender\r
        Date: Mon, 01 Dec 2025 15:00:00 +0100\r
        Message-ID: <\(UUID().uuidString)@mx.lip.example.org>\r
        Auto-Submitted: auto-replied\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        NOTICE-MARKER Your message could not be delivered.\r
        --b1\r
        Content-Type: message/delivery-status\r
        \r
        Reporting-MTA: dns; mx.lip.example.org\r
        \r
        Final-Recipient: rfc822; \(failed)\r
        Action: failed\r
        Status: 5.1.1\r
        Diagnostic-Code: smtp; 550 5.1.1 \(diagnostic)\r
        \r
        --b1\r
        Content-Type: text/rfc822-headers\r
        \r
        From: Staged Rollout <staged-rollout@rollout.example.org>\r
        To: \(failed)\r
        Subject: [staged-rollout #12] Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64\r
        Message-ID: <rg.12.team-assigned.1764600000.abc@rollout.example.org>\r
        \r
        --b1--\r

        """.utf8)
}

@Suite("Delivery reports are believed only for our own copies (issue 17, class 6)")
struct DeliveryReportTrustTests {
    static func world() async throws -> IngestWorld {
        try await IngestWorld(extraGateway: "  secret_file: \(attacks.appendingPathComponent("reply-secret").path)\n")
    }

    /// A copy queued by the set-up (the team assignment) and its envelope sender.
    static func copy(in world: IngestWorld, to recipient: String) async throws -> OutgoingMessage {
        let queued = try await world.store.pendingOutbox(at: world.clock.now, limit: 100)
        return try #require(queued.first { $0.recipients == [EmailAddress(recipient)] && $0.ticket == TicketID(12) })
    }

    static func deliveryFailures(_ world: IngestWorld) async throws -> [HistoryEntry] {
        try await world.store.history(of: TicketID(12)).filter { $0.action == .deliveryFailed }
    }

    @Test("every copy goes out from its own signed bounce address")
    func copiesHaveTheirOwnAddress() async throws {
        let world = try await Self.world()
        defer { world.cleanUp() }
        let queued = try await world.store.pendingOutbox(at: world.clock.now, limit: 100).filter { $0.ticket != nil }
        #expect(queued.count > 1)
        #expect(Set(queued.map(\.sender)).count == queued.count)
        let signer = try #require(try world.configuration.replyAddressSigner())
        for message in queued {
            #expect(signer.readBounce(message.sender, failedRecipient: message.recipients[0])?.ticket == message.ticket)
        }
    }

    @Test("control: a genuine report to a copy's bounce address marks that recipient failed and tells the managers the status only")
    func genuine() async throws {
        let world = try await Self.world()
        defer { world.cleanUp() }
        let copy = try await Self.copy(in: world, to: "paolo.veronesi@cnaf.example.org")
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).count
        let outcome = try await world.ingest.ingest(deliveryReport(to: copy.sender.value, failed: "paolo.veronesi@cnaf.example.org"))
        #expect(outcome.disposition == .bounce)
        let failures = try await Self.deliveryFailures(world)
        #expect(failures.map(\.detail) == ["mail to paolo.veronesi@cnaf.example.org failed: 5.1.1"])
        let told = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).dropFirst(before)
        #expect(!told.isEmpty && told.allSatisfy { $0.kind == .notification(.deliveryFailed) })
        #expect(Set(told.flatMap(\.recipients)) == [EmailAddress("mario.david@lip.example.org"), EmailAddress("joao.pina@lip.example.org")])
        for message in told {
            let text = String(decoding: message.data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
            #expect(text.contains("paolo.veronesi@cnaf.example.org failed: 5.1.1"))
            #expect(!text.contains("DIAGNOSTIC-MARKER") && !text.contains("NOTICE-MARKER") && !text.contains("555"))
        }
        // The report itself, with its text, is kept for the operator.
        let kept = try await world.store.setAsideMessages()
        #expect(kept.contains { $0.reason.hasPrefix("delivery report recorded on ticket #12") })

        // Replayed, it is not recorded nor told a second time, and stays kept under its number.
        let entry = try #require(kept.first { $0.reason.hasPrefix("delivery report recorded on ticket #12") })
        let queued = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).count
        await #expect(throws: GatewayError.self) { _ = try await world.ingest.replaySetAside(try #require(entry.id)) }
        #expect(try await Self.deliveryFailures(world).count == 1)
        #expect(try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).count == queued)
        #expect(try await world.store.setAsideMessages().map(\.id) == kept.map(\.id))
    }

    @Test("a report to the bounce address as the MTA recorded it in Delivered-To counts too")
    func deliveredTo() async throws {
        let world = try await Self.world()
        defer { world.cleanUp() }
        let copy = try await Self.copy(in: world, to: "paolo.veronesi@cnaf.example.org")
        let outcome = try await world.ingest.ingest(
            deliveryReport(to: "staged-rollout@rollout.example.org", failed: "paolo.veronesi@cnaf.example.org", deliveredTo: copy.sender.value))
        #expect(outcome.disposition == .bounce)
        #expect(try await Self.deliveryFailures(world).count == 1)
    }

    @Test(
        "a stranger's report naming our Message-ID is set aside and changes nothing",
        arguments: ["plain address", "another copy's bounce address", "forged MAC", "the old return path"])
    func forged(variant: String) async throws {
        let world = try await Self.world()
        defer { world.cleanUp() }
        let paolo = try await Self.copy(in: world, to: "paolo.veronesi@cnaf.example.org")
        let to: String
        switch variant {
        case "plain address": to = "staged-rollout@rollout.example.org"
        case "another copy's bounce address": to = try await Self.copy(in: world, to: "andrea.chierici@cnaf.example.org").sender.value
        case "forged MAC":
            let local = paolo.sender.value.dropLast("@rollout.example.org".count)
            to = local.dropLast() + (local.last == "a" ? "b" : "a") + "@rollout.example.org"
        default: to = "staged-rollout+bounces-t12@rollout.example.org"
        }
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).count
        let outcome = try await world.ingest.ingest(deliveryReport(to: to, failed: "paolo.veronesi@cnaf.example.org"))
        #expect(outcome.disposition == .setAside, "\(variant)")
        #expect(!outcome.answered)
        #expect(try await Self.deliveryFailures(world).isEmpty)
        #expect(try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).count == before)
    }

    @Test("without a reply secret (the demo) the ticket's return path stays, and still no free text is relayed")
    func demo() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).count
        let outcome = try await world.ingest.ingest(
            deliveryReport(to: "staged-rollout+bounces-t12@rollout.example.org", failed: "paolo.veronesi@cnaf.example.org"))
        #expect(outcome.disposition == .bounce)
        #expect(try await Self.deliveryFailures(world).map(\.detail) == ["mail to paolo.veronesi@cnaf.example.org failed: 5.1.1"])
        let told = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).dropFirst(before)
        #expect(!told.isEmpty)
        #expect(told.allSatisfy { !String(decoding: $0.data, as: UTF8.self).contains("DIAGNOSTIC-MARKER") })
    }
}
