import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// Builds a small message by hand, for cases the corpus does not cover.
func message(
    from: String = "Paolo Veronesi <paolo.veronesi@cnaf.example.org>", to: String = "staged-rollout@rollout.example.org",
    subject: String = "Re: [staged-rollout #12] Please test Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64",
    id: String = UUID().uuidString + "@cnaf.example.org", extraHeaders: String = "", body: String
) -> [UInt8] {
    Array("""
        From: \(from)\r
        To: \(to)\r
        Subject: \(subject)\r
        Message-ID: <\(id)>\r
        Date: \(MessageDates.next())\r
        \(extraHeaders)MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        \(body.replacingOccurrences(of: "\n", with: "\r\n"))\r

        """.utf8)
}

@Suite("Ingest: each message once, answered as it deserves")
struct IngestTests {
    @Test("a reply with a command is applied once, with a transcript to its sender")
    func appliesWithTranscript() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let outcome = try await world.ingest.ingest(try world.raw("replies/gmail-on-wrote-accept.eml"))
        #expect(outcome.disposition == .applied)
        #expect(outcome.results.map(\.status) == [.applied])
        #expect(outcome.answered)
        let stored = try #require(try await world.store.load(TicketID(12)))
        #expect(stored.rolloutCase.rollout?.assignment(of: TeamName("NGI_IT-INFN-T1")!)?.answer == .accepted)
        let history = try await world.store.history(of: TicketID(12))
        let accepted = try #require(history.first { $0.action == .teamAccepted })
        #expect(accepted.cause == .message(id: "<CAF3x9Yq2vZk7m0Jp1mR+Q8uEw@mail.gmail.example.com>"))
        // A DKIM pass for cnaf.example.org from the trusted MX proves the domain, not the person: by default
        // (inbound.strong_by [token]) the sender is weak.
        #expect(accepted.authentication == .weak && accepted.basis == .fromOnly)
        let transcript = try #require(try await world.store.pendingOutbox(at: world.clock.now, limit: 100).first { $0.kind.rawValue == "transcript" })
        #expect(transcript.recipients == [EmailAddress("paolo.veronesi@cnaf.example.org")])
        let text = String(decoding: transcript.data, as: UTF8.self)
        #expect(text.contains("Auto-Submitted: auto-replied"))
        #expect(text.contains("In-Reply-To: <CAF3x9Yq2vZk7m0Jp1mR+Q8uEw@mail.gmail.example.com>"))
    }

    @Test("the same message fetched twice, or redelivered, changes nothing the second time")
    func duplicates() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        #expect(try await world.ingest.ingest(try world.raw("duplicates/accept-first-fetch.eml")).disposition == .applied)
        let history = try await world.store.history(of: TicketID(12)).count
        let outbox = try await world.store.outboxCounts().queued
        for copy in ["duplicates/accept-second-fetch.eml", "duplicates/accept-redelivered-other-received.eml", "duplicates/accept-second-fetch.eml"] {
            let outcome = try await world.ingest.ingest(try world.raw(copy))
            #expect(outcome.disposition == .duplicate, "\(copy)")
            #expect(!outcome.answered)
        }
        #expect(try await world.store.history(of: TicketID(12)).count == history)
        #expect(try await world.store.outboxCounts().queued == outbox)
    }

    @Test("a message without Message-ID is recognised by its digest")
    func duplicateByDigest() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        #expect(try await world.ingest.ingest(try world.raw("duplicates/no-message-id-copy-1.eml")).disposition == .applied)
        #expect(try await world.ingest.ingest(try world.raw("duplicates/no-message-id-copy-2.eml")).disposition == .duplicate)
    }

    @Test("a copy without Message-ID that gained trace fields on the way (Received, ARC-Seal, …) is the same message")
    func duplicateByDigestWithoutTraceFields() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        #expect(try await world.ingest.ingest(try world.raw("duplicates/no-message-id-copy-1.eml")).disposition == .applied)
        let again = try await world.ingest.ingest(try world.raw("duplicates/no-message-id-copy-1-relayed-again.eml"))
        #expect(again.disposition == .duplicate)
    }

    @Test("a Message-ID whose domain differs only in case is the same message")
    func duplicateByMessageIDDomainCase() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        #expect(try await world.ingest.ingest(try world.raw("duplicates/accept-first-fetch.eml")).disposition == .applied)
        let again = try await world.ingest.ingest(try world.raw("duplicates/accept-message-id-domain-upper-case.eml"))
        #expect(again.disposition == .duplicate)
    }

    @Test("a reply that came both directly and through the EA list is applied once")
    func directAndListCopy() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let direct = try await world.ingest.ingest(try world.raw("replies/direct-copy-of-list-post.eml"))
        #expect(direct.disposition == .applied)
        let viaList = try await world.ingest.ingest(try world.raw("lists/mailman-dmarc-munged-from.eml"))
        #expect(viaList.disposition == .duplicate)
    }

    @Test("a person's reply through the EA list is processed like any reply; a copy whose Reply-To names nobody is set aside")
    func listReplyProcessed() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        // Reply-To points to the list: only X-Original-From names the person, and a poster can write that.
        let outcome = try await world.ingest.ingest(try world.raw("lists/mailman-x-original-from.eml"))
        #expect(outcome.disposition == .setAside)
        #expect(!outcome.answered)
        let milano = try await world.ingest.ingest(try world.raw("lists/mailman-dmarc-munged-from.eml"))
        #expect(milano.results.first?.refusal == .notAuthorized)
        #expect(milano.answered)
    }

    @Test(
        "auto-replies, loops and bounces are recorded and never answered",
        arguments: [
            ("auto-replies/vacation-auto-submitted-x-autoreply.eml", Ingest.Disposition.autoReply),
            ("auto-replies/exchange-out-of-office.eml", .autoReply),
            ("auto-replies/mailman-awaiting-moderator-approval.eml", .autoReply),
            ("lists/mailman-own-escalation-back.eml", .loop),
            ("bounces/qmail-plain-text-bounce.eml", .bounce),
        ])
    func neverAnswered(file: String, disposition: Ingest.Disposition) async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await world.store.outboxCounts().queued
        let outcome = try await world.ingest.ingest(try world.raw(file))
        #expect(outcome.disposition == disposition)
        #expect(!outcome.answered)
        let queued = try await world.store.pendingOutbox(at: world.clock.now, limit: 100).dropFirst(before)
        #expect(!queued.contains { $0.kind.rawValue == "transcript" || $0.kind.rawValue == "error-reply" })
        #expect(try await world.store.hasSeen(world.ingest.analyze(try world.raw(file)).message.seenKey))
    }

    @Test("a bounce marks the failed recipient on its ticket and tells the managers")
    func bounceRecorded() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let outcome = try await world.ingest.ingest(try world.raw("bounces/postfix-dsn-user-unknown.eml"))
        #expect(outcome.disposition == .bounce)
        let failure = try #require(try await world.store.history(of: TicketID(12)).first { $0.action == .deliveryFailed })
        #expect(failure.detail.contains("nobody@cnaf.example.org"))
        let notice = try await world.store.pendingOutbox(at: world.clock.now, limit: 100).first { $0.kind.rawValue == "delivery-failed" }
        #expect(notice?.recipients.contains(EmailAddress("mario.david@lip.example.org")) == true)
    }

    @Test("an unknown sender without a DKIM or SPF pass is set aside silently (no backscatter)")
    func unknownSender() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let outcome = try await world.ingest.ingest(message(from: "spammer@bulk.example.net", body: "accept NGI_IT-INFN-T1"))
        #expect(outcome.disposition == .setAside)
        #expect(!outcome.answered)
        #expect(try await world.store.history(of: TicketID(12)).allSatisfy { $0.action != .teamAccepted })
    }

    @Test("a stranger vouched for by our MX is set aside, never relayed, and answered once an hour at most")
    func vouchedStranger() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).count
        func raw() -> [UInt8] {
            message(
                from: "Ada <ada@physics.example.edu>",
                extraHeaders: "Authentication-Results: mx.rollout.example.org; dkim=pass header.d=physics.example.edu\r\n"
                    + "Received: from mail.physics.example.edu (mail.physics.example.edu [192.0.2.44]) by mx.rollout.example.org (Postfix) id 9; Mon, 01 Dec 2025 15:00:01 +0100\r\n",
                body: "accept NGI_IT-INFN-T1\n\nBuy cheap watches at https://spam.example/")
        }
        let first = try await world.ingest.ingest(raw())
        #expect(first.disposition == .setAside)
        #expect(first.reason?.contains("not a member of an EA team") == true)
        #expect(first.answered)
        let second = try await world.ingest.ingest(raw())
        #expect(second.disposition == .setAside)
        #expect(!second.answered, "a stranger is answered once an hour at most")
        let queued = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000)
        #expect(queued.count == before + 1)
        #expect(queued.allSatisfy { !String(decoding: $0.data, as: UTF8.self).contains("cheap watches") })
        let history = try await world.store.history(of: TicketID(12))
        #expect(!history.contains { $0.actor == EmailAddress("ada@physics.example.edu") })
    }

    @Test("a message naming no ticket gets a clear answer; one naming an unknown ticket too")
    func noTicket() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let none = try await world.ingest.ingest(message(subject: "DPM upgrade", body: "accept NGI_IT-INFN-T1"))
        #expect(none.disposition == .setAside)
        #expect(none.reason?.contains("names no ticket") == true)
        #expect(none.answered)
        let unknown = try await world.ingest.ingest(message(subject: "Re: [staged-rollout #999] x", body: "accept NGI_IT-INFN-T1"))
        #expect(unknown.reason?.contains("no ticket #999") == true)
        let answers = try await world.store.pendingOutbox(at: world.clock.now, limit: 100).filter { $0.kind.rawValue == "error-reply" }
        #expect(answers.count == 2)
        #expect(String(decoding: answers[0].data, as: UTF8.self).contains("Auto-Submitted: auto-replied"))
    }

    @Test("answers to one address are rate-limited")
    func rateLimit() async throws {
        let world = try await IngestWorld(extra: "  replies_per_hour: 2\n")
        defer { world.cleanUp() }
        var answered: [Bool] = []
        for line in ["accept NGI_IT-INFN-T2", "accept NGI_IT-INFN-T3", "accept NGI_IT-INFN-T4"] {
            answered.append(try await world.ingest.ingest(message(body: line)).answered)
        }
        #expect(answered == [true, true, false])
        world.clock.now = world.clock.now.addingTimeInterval(3601)
        #expect(try await world.ingest.ingest(message(body: "accept NGI_IT-INFN-T5")).answered)
    }

    @Test("broken messages never stop a batch; what can be read is applied, the rest set aside")
    func malformedBatch() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        for file in corpusFiles().filter({ $0.hasPrefix("malformed/") }) {
            _ = try await world.ingest.ingest(try world.raw(file))
        }
        var junk = [UInt8](repeating: 0, count: 3 << 20)
        for index in junk.indices { junk[index] = UInt8(truncatingIfNeeded: index &* 2654435761 >> 7) }
        let outcome = try await world.ingest.ingest(junk)
        #expect(outcome.disposition == .setAside)
        let accepted = try await world.store.load(TicketID(12))?.rolloutCase.rollout?.assignment(of: TeamName("NGI_IT-INFN-T1")!)
        #expect(accepted?.answer == .accepted)
    }

    @Test("a message over the size limit is answered and set aside, never applied")
    func tooLarge() async throws {
        let world = try await IngestWorld(extra: "  max_message_bytes: 4096\n")
        defer { world.cleanUp() }
        let big = message(body: "accept NGI_IT-INFN-T1\n" + String(repeating: "x", count: 8000))
        let outcome = try await world.ingest.ingest(big)
        #expect(outcome.disposition == .setAside)
        #expect(outcome.reason?.contains("KiB") == true)
        #expect(outcome.answered)
        #expect(try await world.store.load(TicketID(12))?.rolloutCase.rollout?.assignment(of: TeamName("NGI_IT-INFN-T1")!)?.answer == nil)
    }

    @Test("a well-named report is stored and registered; a badly named one is kept and its sender told the name")
    func reports() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        _ = try await world.ingest.ingest(message(body: "accept NGI_IT-INFN-T1"))
        _ = try await world.ingest.ingest(try world.raw("attachments/odt-report-well-named.eml"))
        _ = try await world.ingest.ingest(try world.raw("attachments/docx-report-badly-named.eml"))
        let attachments = try await world.store.attachments(of: TicketID(12))
        #expect(attachments.map(\.verdict.kind) == [.report, .report])
        #expect(attachments.map(\.verdict.wellNamed) == [true, false])
        #expect(attachments[0].bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        // Told in the one answer to the message, its transcript (issue 10 #3).
        let told = try await world.store.pendingOutbox(at: world.clock.now, limit: 100).last { $0.kind.rawValue == "transcript" }
        let text = String(decoding: told?.data ?? [], as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
        #expect(told?.recipients == [EmailAddress("pavel.weber@kit.example.org")])
        #expect(text.contains("report.docx: kept, not taken as a report"))
        #expect(text.contains("ea-NGI_DE-FZK-LCG2-EMI-1.0-SE-DPM_mysql-1.8.0-1.doc|docx|odt"))
    }

    @Test("the transcript echoes every command line with its result and the ticket's state after it")
    func transcriptText() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        _ = try await world.ingest.ingest(message(body: "Accept NGI_IT-INFN-T1.\ndowntime NGI_IT-INFN-T1 maybe\nreject NGI_DE-FZK-LCG2\n\nThanks,\nPaolo"))
        let transcript = try #require(try await world.store.pendingOutbox(at: world.clock.now, limit: 100).first { $0.kind.rawValue == "transcript" })
        let text = String(decoding: transcript.data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
        #expect(text.contains("> Accept NGI_IT-INFN-T1."))
        #expect(text.contains("Applied: ea-NGI_IT-INFN-T1 accepted"))
        #expect(text.contains("> downtime NGI_IT-INFN-T1 maybe"))
        #expect(text.contains("Expected: downtime <NGI>-<Site-name> on|off"))
        #expect(text.contains("Refused: paolo.veronesi@cnaf.example.org is neither a member of ea-NGI_DE-FZK-LCG2"))
        #expect(text.contains("Ticket #12 is now open"))
        #expect(text.contains("ea-NGI_IT-INFN-T1: accepted"))
    }
}

@Suite("Signed reply addresses on the way in")
struct SignedReplyTests {
    static func world() async throws -> IngestWorld {
        let secret = NSTemporaryDirectory() + "rollout-secret-" + UUID().uuidString
        try Data("a-test-secret-of-more-than-16-bytes".utf8).write(to: URL(fileURLWithPath: secret))
        // The secret file is named in the gateway section, which the demo file opens with.
        return try await IngestWorld(extraGateway: "  secret_file: \(secret)\n")
    }

    @Test("a reply to one's own signed address finds its ticket without a subject tag and counts as strong, by token")
    func signed() async throws {
        let world = try await Self.world()
        defer { world.cleanUp() }
        let paolo = EmailAddress("paolo.veronesi@cnaf.example.org")
        let address = try #require(world.gateway.renderer.signer?.address(for: TicketID(12), recipient: paolo))
        let outcome = try await world.ingest.ingest(message(to: address.value, subject: "Re: Please test", body: "accept NGI_IT-INFN-T1"))
        #expect(outcome.disposition == .applied)
        #expect(outcome.ticket == TicketID(12))
        let entry = try await world.store.history(of: TicketID(12)).last { $0.action == .teamAccepted }
        #expect(entry?.authentication == .strong)
        #expect(entry?.basis == .token)
    }

    @Test("each person gets a copy of their own whose Reply-To token was issued to them; a list's copy gets the list token")
    func copiesPerPerson() async throws {
        let world = try await Self.world()
        defer { world.cleanUp() }
        let signer = try #require(world.gateway.renderer.signer)
        _ = try await world.gateway.apply(
            to: TicketID(12), sender: Sender(address: EmailAddress(IngestWorld.managers), authentication: .weak), text: "escalate",
            cause: .operatorAction("test"))
        // The rollout's mail (the release managers' copies of `release new` belong to release ticket #11).
        let queued = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).filter { $0.ticket == TicketID(12) }
        #expect(queued.count > 5)
        #expect(Set(queued.map(\.messageID)).count == queued.count)
        var sawList = false
        for message in queued {
            #expect(message.recipients.count == 1)
            let recipient = message.recipients[0]
            let text = String(decoding: message.data, as: UTF8.self).replacingOccurrences(of: "\r\n\t", with: " ")
            let replyTo = try #require(text.split(separator: "\r\n").first { $0.hasPrefix("Reply-To:") })
            let address = try #require(replyTo.split(separator: "<").last?.split(separator: ">").first)
            #expect(text.contains("To: \(recipient.value)\r\n"))
            if recipient.value.hasPrefix("early-adopters-") {
                sawList = true
                #expect(signer.read(EmailAddress(String(address)), sender: recipient) == .list(TicketID(12)))
                #expect(text.contains("Precedence: bulk"))
            } else {
                #expect(signer.read(EmailAddress(String(address)), sender: recipient) == .person(TicketID(12), issuedToSender: true))
            }
        }
        #expect(sawList, "the escalation went to the EA list")
    }

    @Test("a colleague's token names the ticket but leaves the sender weak")
    func othersToken() async throws {
        let world = try await Self.world()
        defer { world.cleanUp() }
        let address = try #require(world.gateway.renderer.signer?.address(for: TicketID(12), recipient: EmailAddress("mario.david@lip.example.org")))
        let outcome = try await world.ingest.ingest(message(to: address.value, subject: "Re: Please test", body: "accept NGI_IT-INFN-T1"))
        #expect(outcome.disposition == .applied)
        let entry = try await world.store.history(of: TicketID(12)).last { $0.action == .teamAccepted }
        #expect(entry?.authentication == .weak)
        #expect(entry?.basis == .fromOnly)
    }

    @Test("a token that does not verify, from a known sender: not applied, answered with why")
    func invalidFromKnown() async throws {
        let world = try await Self.world()
        defer { world.cleanUp() }
        let outcome = try await world.ingest.ingest(message(to: "staged-rollout+t12-0123456789abcdef@rollout.example.org", body: "accept NGI_IT-INFN-T1"))
        #expect(outcome.disposition == .setAside)
        #expect(outcome.reason?.contains("not valid any more") == true)
        #expect(outcome.answered)
        #expect(world.logs.entries.contains { $0.metadata["action"]?.description == "set-aside" })
        let team = try await world.store.load(TicketID(12))?.rolloutCase.rollout?.assignment(of: TeamName("ea-NGI_IT-INFN-T1")!)
        #expect(team?.answer == nil)
    }

    @Test("a token that does not verify, from a stranger: set aside without an answer")
    func invalidFromStranger() async throws {
        let world = try await Self.world()
        defer { world.cleanUp() }
        let outcome = try await world.ingest.ingest(
            message(from: "Eve <eve@attacker.example.net>", to: "staged-rollout+t12-0123456789abcdef@rollout.example.org", body: "accept NGI_IT-INFN-T1"))
        #expect(outcome.disposition == .setAside)
        #expect(!outcome.answered)
    }
}

@Suite("Return path")
struct ReturnPathTests {
    @Test("a ticket's mail goes out from its bounce address; a bare bounce to it finds the ticket")
    func bounceAddress() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let queued = try await world.store.pendingOutbox(at: world.clock.now, limit: 10).filter { $0.ticket == TicketID(12) }
        #expect(!queued.isEmpty)
        #expect(queued.allSatisfy { $0.sender == EmailAddress("staged-rollout+bounces-t12@rollout.example.org") })
        let bounce = message(
            from: "Mail Delivery System <MAILER-DAEMON@mx.lip.example.org>", to: "staged-rollout+bounces-t12@rollout.example.org",
            subject: "Undelivered Mail Returned to Sender",
            extraHeaders: "Return-Path: <>\r\nAuto-Submitted: auto-replied\r\n",
            body: "This is the mail system at host mx.lip.example.org.\n\n<nobody@lip.example.org>: host said: 550 5.1.1 user unknown")
        let analysis = try await world.ingest.analyze(bounce)
        #expect(analysis.classification.kind == .bounce)
        #expect(analysis.ticket == TicketID(12))
        #expect(analysis.foundBy == .returnPath)
    }
}
