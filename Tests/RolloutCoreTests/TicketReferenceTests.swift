import RolloutCore
import Testing

@Suite("Threading: the ticket a message names")
struct TicketReferenceTests {
    private let finder = TicketReferenceFinder(messageIDDomain: "rollout.example.org")

    private func headers(subject: String = "", inReplyTo: [String] = [], references: [String] = []) -> InboundHeaders {
        var headers = InboundHeaders()
        headers.subject = subject
        headers.inReplyTo = inReplyTo
        headers.references = references
        return headers
    }

    @Test(
        "Our subject tag is found after any chain of reply and forward prefixes and list tags",
        arguments: [
            ("[staged-rollout #42] Staged Rollout CA 1.38", 42, Queue.stagedRollout),
            ("Re: [staged-rollout #42] Staged Rollout CA 1.38", 42, .stagedRollout),
            ("RE: AW: SV: [staged-rollout #42] Staged Rollout CA 1.38", 42, .stagedRollout),
            ("R: RIF: [Staged-Rollout #42] Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64", 42, .stagedRollout),
            ("Fwd: WG: TR: Odp: [STAGED-ROLLOUT #7] x", 7, .stagedRollout),
            ("[Early-adopters-emi] Re: [staged-rollout #42] Staged Rollout CA 1.38", 42, .stagedRollout),
            ("Re: [sw-rel #1001] EMI-1.0 SE-DPM_mysql 1.8.0-1", 1001, .release),
            ("Re: accepted, see [staged-rollout #42]", 42, .stagedRollout),
            ("Re: [GGUS #123] problem with [staged-rollout  #  42 ]", 42, .stagedRollout),
            ("Re: [rt.example.org #55] [sw-rel #9]", 9, .release),
        ])
    func subjectTags(subject: String, number: Int, queue: Queue) {
        // When
        let found = finder.reference(in: headers(subject: subject))
        // Then
        #expect(found == TicketReference(ticket: TicketID(number), queue: queue, source: .subjectTag))
    }

    @Test(
        "Other systems' tags and malformed tags name no ticket",
        arguments: [
            "Re: [GGUS #123] DPM fails", "[rt.example.org #55] Staged Rollout CA 1.38", "[staged-rollout 42] x",
            "[staged-rollout #] x", "[staged-rollout #42x] x", "staged-rollout #42", "[staged-rollout #0] x",
            "[staged-rollout #42 x", "[staged-rollouts #42] x",
        ])
    func foreignTags(subject: String) {
        #expect(finder.reference(in: headers(subject: subject)) == nil)
    }

    @Test("Tag texts are configurable")
    func configurableTags() {
        let custom = TicketReferenceFinder(
            tags: [.stagedRollout: "EGI SR", .release: "EGI Release"], messageIDDomain: "rollout.example.org")
        #expect(custom.subjectTag(in: "Re: [egi sr #5] x")?.1 == .stagedRollout)
        #expect(custom.subjectTag(in: "Re: [EGI Release #6] x")?.0 == TicketID(6))
        #expect(custom.subjectTag(in: "Re: [staged-rollout #5] x") == nil)
    }

    @Test("In-Reply-To naming a notification's Message-ID finds its ticket")
    func inReplyTo() {
        let id = "rg.42.ea-notified.20261130T150200.k3x9@rollout.example.org"
        let found = finder.reference(in: headers(subject: "Re: your notification", inReplyTo: [id]))
        #expect(found == TicketReference(ticket: TicketID(42), queue: nil, source: .inReplyTo(id)))
    }

    @Test("References: the newest Message-ID of ours wins; foreign IDs are skipped")
    func references() {
        let found = finder.reference(
            in: headers(references: [
                "ticket-41@rollout.example.org", "ticket-42@rollout.example.org",
                "CAF=abc123@mail.gmail.com",
            ]))
        #expect(found?.ticket == TicketID(42))
        #expect(found?.source == .references("ticket-42@rollout.example.org"))
    }

    @Test("The subject tag comes before threading headers")
    func tagFirst() {
        let found = finder.reference(
            in: headers(subject: "Re: [staged-rollout #42] x", inReplyTo: ["ticket-43@rollout.example.org"]))
        #expect(found?.ticket == TicketID(42))
    }

    @Test(
        "Message-IDs: only the gateway's forms in its domain",
        arguments: [
            ("ticket-42@rollout.example.org", 42), ("<ticket-42@ROLLOUT.example.org>", 42),
            ("rg.42.reminder.1a2b@rollout.example.org", 42), ("rg.42.@rollout.example.org", 42),
            ("ticket-42@other.example.org", nil), ("rg.42@rollout.example.org", nil), ("ticket-x@rollout.example.org", nil),
            ("xticket-42@rollout.example.org", nil), ("rg.abc.42@rollout.example.org", nil),
            ("ticket-42@rollout.example.org.evil.example", nil),
        ] as [(String, Int?)])
    func messageIDs(id: String, number: Int?) {
        #expect(finder.ticket(inMessageID: id) == number.map(TicketID.init))
    }

    @Test("A bounce finds the ticket of the returned notification inside it")
    func returnedMessage() {
        // Given: Postfix's report, the returned message carrying our Message-ID
        var returned = InboundHeaders()
        returned.messageID = "rg.42.ea-notified.k3x9@rollout.example.org"
        returned.subject = "[staged-rollout #42] Staged Rollout CA 1.38"
        var report = InboundHeaders()
        report.subject = "Undelivered Mail Returned to Sender"
        let message = InboundMessage(
            headers: report, embeddedMessages: [InboundMessage(headers: returned)],
            failedRecipients: [FailedRecipient(address: EmailAddress("gone@cnaf.infn.it"), action: "failed", status: "5.1.1")])
        // When
        let found = finder.returnedReference(in: message)
        // Then
        #expect(found == TicketReference(
            ticket: TicketID(42), queue: nil, source: .ownMessageID("rg.42.ea-notified.k3x9@rollout.example.org"),
            inReturnedMessage: true))
    }

    @Test("A returned message with only headers (text/rfc822-headers) is found by its subject tag")
    func returnedHeadersOnly() {
        var returned = InboundHeaders()
        returned.messageID = "other@mail.example.org"
        returned.subject = "Re: [sw-rel #1001] x"
        let message = InboundMessage(embeddedMessages: [InboundMessage(headers: returned)])
        #expect(finder.returnedReference(in: message)?.queue == .release)
        #expect(finder.returnedReference(in: message)?.inReturnedMessage == true)
    }

    @Test(
        "The base subject drops reply prefixes and list tags but keeps our tag",
        arguments: [
            ("Re: AW: [Early-adopters-emi] RE[2]: [staged-rollout #42] CA 1.38", "[staged-rollout #42] CA 1.38"),
            ("Odp: RIF: R: Fwd: SV: WG: TR: hello", "hello"),
            ("Re: Re: Response time: slow", "Response time: slow"),
        ])
    func baseSubject(subject: String, base: String) {
        #expect(SubjectLine.baseSubject(subject) == base)
    }
}

@Suite("Ticket references on hostile input")
struct HostileSubjectTests {
    @Test("a subject of a hundred thousand brackets is read in linear time and names no ticket")
    func brackets() {
        let finder = TicketReferenceFinder(messageIDDomain: "rollout.example.org")
        let subject = String(repeating: "[", count: 100_000) + "]"
        #expect(finder.subjectTag(in: subject) == nil)
        #expect(finder.subjectTag(in: "[x] [[staged-rollout #12]")?.0 == TicketID(12))
    }
}
