import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// A manager's mail to the reply address issued to him, through our MX (strong by token), written at `date`.
private func managerMail(
    _ world: IngestWorld, id: String, date: String, body: String, received: String = "Tue, 01 Dec 2026 10:00:01 +0100",
    extraHeaders: String = ""
) throws -> [UInt8] {
    let signer = try #require(world.gateway.renderer.signer)
    let token = signer.address(for: TicketID(12), recipient: EmailAddress(IngestWorld.managers))
    return Array("""
        Received: from smtp.lip.example.org (smtp.lip.example.org [192.0.2.63])\r
        \tby mx.rollout.example.org (Postfix) with ESMTPS id 4Qd; \(received)\r
        \(extraHeaders)From: Mario David <\(IngestWorld.managers)>\r
        To: Staged Rollout <\(token.value)>\r
        Subject: Re: [staged-rollout #12] Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64\r
        Date: \(date)\r
        Message-ID: <\(id)@lip.example.org>\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        \(body.replacingOccurrences(of: "\n", with: "\r\n"))\r

        """.utf8)
}

private func outcome(_ world: IngestWorld) async throws -> Outcome? {
    try await world.store.load(TicketID(12))?.rolloutCase.rollout?.outcome
}

@Suite("Replay: the same mail sent again does not act again (SPEC §5 \"Each message once\")")
struct ReplayTests {
    @Test("a manager's mail sent again under a new Message-ID is a duplicate, after he changed his mind")
    func newMessageID() async throws {
        let world = try await attackWorld(strongBy: "")
        defer { world.cleanUp() }
        let accept = try managerMail(world, id: "first", date: "Tue, 01 Dec 2026 09:58:00 +0100", body: "outcome accept")
        #expect(try await world.ingest.ingest(accept).disposition == .applied)
        #expect(try await outcome(world) == .accept)
        let reject = try managerMail(world, id: "second", date: "Tue, 01 Dec 2026 09:59:00 +0100", body: "outcome reject")
        #expect(try await world.ingest.ingest(reject).disposition == .applied)
        #expect(try await outcome(world) == .reject)

        // The first mail's bytes again, under a Message-ID of the replayer's choosing.
        let replay = try managerMail(world, id: "replayed", date: "Tue, 01 Dec 2026 09:58:00 +0100", body: "outcome accept")
        #expect(try await world.ingest.ingest(replay).disposition == .duplicate)
        #expect(try await outcome(world) == .reject)
    }

    @Test("a forger's copy under the genuine mail's Message-ID, sent first, does not make the genuine mail a duplicate")
    func messageIDSquatted() async throws {
        let world = try await attackWorld(strongBy: "")
        defer { world.cleanUp() }
        let date = "Tue, 01 Dec 2026 09:58:00 +0100"
        // The forger saw the mail (on Cc, on a list) and sends his own first: an "auto-reply" from elsewhere, and a
        // copy with the manager's From (weak: no token of his) saying the opposite.
        var squat = String(decoding: try managerMail(world, id: "genuine", date: date, body: "hi"), as: UTF8.self)
        squat = "Auto-Submitted: auto-replied\r\n" + squat.replacingOccurrences(of: "From: Mario David <\(IngestWorld.managers)>", with: "From: x@evil.example")
        #expect(try await world.ingest.ingest(Array(squat.utf8)).disposition != .applied)
        let forged = String(decoding: try managerMail(world, id: "genuine", date: date, body: "outcome reject"), as: UTF8.self)
            .replacingOccurrences(of: "To: Staged Rollout <", with: "To: Staged Rollout <staged-rollout@rollout.example.org>\r\nX-Was: <")
        _ = try await world.ingest.ingest(Array(forged.utf8))
        #expect(try await outcome(world) == nil, "the forged copy is weak: outcome needs a strong sender")

        let genuine = try await world.ingest.ingest(try managerMail(world, id: "genuine", date: date, body: "outcome accept"))
        #expect(genuine.disposition == .applied)
        #expect(try await outcome(world) == .accept)
        // The control: the genuine mail again (a list's copy, a fetch after a crash) is its duplicate.
        let again = try await world.ingest.ingest(try managerMail(world, id: "genuine", date: date, body: "outcome accept"))
        #expect(again.disposition == .duplicate)
    }

    @Test("a DKIM-signed mail sent again with its signature is a duplicate, whatever unsigned field changed")
    func sameSignature() async throws {
        let world = try await attackWorld()
        defer { world.cleanUp() }
        let results = "Authentication-Results: mx.rollout.example.org; dkim=pass header.d=lip.example.org header.b=AbCdEf01\r\n"
        let signature = "DKIM-Signature: v=1; a=rsa-sha256; d=lip.example.org; s=sel1; h=from:subject:to;\r\n\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n\tb=AbCdEf0123456789abcdefghij\r\n\t klmnop==\r\n"
        let first = try managerMail(
            world, id: "signed", date: "Tue, 01 Dec 2026 09:58:00 +0100", body: "outcome accept", extraHeaders: results + signature)
        #expect(try await world.ingest.ingest(first).disposition == .applied)
        // Date was not signed (h=from:subject:to): the replayer changes it, and the Message-ID.
        let replay = try managerMail(
            world, id: "signed-again", date: "Tue, 01 Dec 2026 11:30:00 +0100", body: "outcome accept",
            extraHeaders: results + signature.replacingOccurrences(of: "\r\n\t klmnop", with: " klmnop"))
        #expect(try await world.ingest.ingest(replay).disposition == .duplicate)
    }

    @Test("a genuine mail with a fresh Date and Message-ID put on top of its own is never strong, token or not")
    func freshFieldsOnTop() async throws {
        let world = try await attackWorld(strongBy: "")
        defer { world.cleanUp() }
        let date = "Tue, 01 Dec 2026 09:58:00 +0100"
        #expect(try await world.ingest.ingest(try managerMail(world, id: "first", date: date, body: "outcome accept")).results.map(\.status) == [.applied])
        #expect(try await world.ingest.ingest(try managerMail(world, id: "second", date: "Tue, 01 Dec 2026 09:59:00 +0100", body: "outcome reject")).results.map(\.status) == [.applied])
        // The replayer's Date and Message-ID above the mail's own (a DKIM verifier checks the bottom copies).
        let replay = try managerMail(
            world, id: "first", date: date, body: "outcome accept",
            extraHeaders: "Date: Tue, 01 Dec 2026 10:30:00 +0100\r\nMessage-ID: <fresh@attacker.example.net>\r\n")
        let replayed = try await world.ingest.ingest(replay)
        #expect(replayed.results.map(\.refusal) == [.needsStrongAuthentication])
        #expect(try await outcome(world) == .reject)
    }

    @Test("a forged weak copy sent first does not make the genuine mail a duplicate")
    func weakCopyFirst() async throws {
        let world = try await attackWorld(strongBy: "")
        defer { world.cleanUp() }
        let date = "Tue, 01 Dec 2026 09:58:00 +0100"
        // The attacker guessed the manager's Date and words, but wrote to the plain address: weak, refused.
        var forged = try managerMail(world, id: "forged", date: date, body: "outcome accept")
        let token = try #require(world.gateway.renderer.signer).address(for: TicketID(12), recipient: EmailAddress(IngestWorld.managers))
        forged = Array(String(decoding: forged, as: UTF8.self).replacingOccurrences(of: token.value, with: "staged-rollout@rollout.example.org").utf8)
        let refused = try await world.ingest.ingest(forged)
        #expect(refused.disposition == .applied && refused.results.map(\.status) == [.refused])
        let genuine = try managerMail(world, id: "genuine", date: date, body: "outcome accept")
        #expect(try await world.ingest.ingest(genuine).results.map(\.status) == [.applied])
    }

    @Test("a mail older than the sender's later strong command does not apply strong verbs: stale")
    func olderThanLaterCommand() async throws {
        let world = try await attackWorld(strongBy: "")
        defer { world.cleanUp() }
        _ = try await world.ingest.ingest(try managerMail(world, id: "a", date: "Tue, 01 Dec 2026 09:50:00 +0100", body: "outcome reject"))
        #expect(try await outcome(world) == .reject)
        // Written before the reject was (09:40), other words, a new Message-ID: not the same mail, but stale.
        let old = try await world.ingest.ingest(
            try managerMail(world, id: "b", date: "Tue, 01 Dec 2026 09:40:00 +0100", body: "outcome accept\n\nas agreed"))
        #expect(old.results.map(\.status) == [.refused])
        #expect(old.results.first?.message.contains("stale") == true)
        #expect(try await outcome(world) == .reject)
        // Control: a later mail applies.
        let later = try await world.ingest.ingest(try managerMail(world, id: "c", date: "Tue, 01 Dec 2026 09:55:00 +0100", body: "outcome accept"))
        #expect(later.results.map(\.status) == [.applied])
    }

    @Test("inbound.max_age: a mail written more than 3 days before it reached our MX is stale; a future Date counts as the arrival")
    func maxAge() async throws {
        let world = try await attackWorld(strongBy: "")
        defer { world.cleanUp() }
        let old = try await world.ingest.ingest(try managerMail(world, id: "old", date: "Fri, 27 Nov 2026 09:59:00 +0100", body: "docid 1"))
        #expect(old.results.map(\.status) == [.refused])
        let young = try await world.ingest.ingest(try managerMail(world, id: "young", date: "Sat, 28 Nov 2026 10:01:00 +0100", body: "docid 2"))
        #expect(young.results.map(\.status) == [.applied])
        // A Date a week ahead counts as written at its arrival; it does not make the next genuine mail stale.
        let future = try await world.ingest.ingest(try managerMail(world, id: "future", date: "Tue, 08 Dec 2026 10:00:00 +0100", body: "docid 3"))
        #expect(future.results.map(\.status) == [.applied])
        let next = try await world.ingest.ingest(
            try managerMail(world, id: "next", date: "Tue, 01 Dec 2026 10:05:00 +0100", body: "docid 4", received: "Tue, 01 Dec 2026 10:05:02 +0100"))
        #expect(next.results.map(\.status) == [.applied])
    }
}
