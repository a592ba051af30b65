import RolloutCore
import Testing

@Suite("Message classification: sender, kind, authentication, whether to reply")
struct MessageClassifierTests {
    private let gateway = EmailAddress("staged-rollout@rollout.example.org")
    private let mario = Mailbox(name: "Mario Rossi", address: EmailAddress("mario.rossi@cnaf.infn.it"))
    private let list = EmailAddress("early-adopters-emi@lists.egi.eu")

    private var classifier: MessageClassifier {
        MessageClassifier(
            identity: GatewayIdentity(
                addresses: [gateway], messageIDDomain: "rollout.example.org", loopValues: ["staged-rollout@rollout.example.org"],
                trustedAuthservIDs: ["mx.rollout.example.org"], listAddresses: [list]))
    }

    /// A person's reply as Thunderbird sends it, received by the gateway's MTA.
    private func personalReply() -> InboundHeaders {
        var headers = InboundHeaders()
        headers.from = [mario]
        headers.to = [Mailbox(name: "Staged Rollout", address: gateway)]
        headers.subject = "Re: [staged-rollout #42] Staged Rollout CA 1.38"
        headers.messageID = "5f1c2a3b-1d2e-4f00-9a8b-0c1d2e3f4a5b@cnaf.infn.it"
        headers.inReplyTo = ["rg.42.ea-notified.k3x9@rollout.example.org"]
        headers.returnPath = "mario.rossi@cnaf.infn.it"
        return headers
    }

    /// The same reply after Mailman 3 munged From for DMARC.
    private func mailmanCopy() -> InboundHeaders {
        var headers = personalReply()
        headers.from = [Mailbox(name: "Mario Rossi via Early-adopters-emi", address: list)]
        headers.replyTo = [mario]
        headers.listID = "Early adopters of EMI <early-adopters-emi.lists.egi.eu>"
        headers.precedence = "list"
        headers.subject = "[Early-adopters-emi] Re: [staged-rollout #42] Staged Rollout CA 1.38"
        headers.returnPath = "early-adopters-emi-bounces@lists.egi.eu"
        headers.traceFields = [
            TraceField(.authenticationResults, "mx.rollout.example.org; dkim=pass header.d=lists.egi.eu; spf=pass smtp.mailfrom=early-adopters-emi-bounces@lists.egi.eu"),
            TraceField(.received, "from mail.lists.egi.eu (mail.lists.egi.eu [192.0.2.9]) by mx.rollout.example.org (Postfix) id 1; Mon, 1 Dec 2025 15:00:01 +0100"),
        ]
        return headers
    }

    // MARK: Sender

    @Test("A plain reply: the sender is From, and it is a reply")
    func plainReply() {
        let result = classifier.classify(InboundMessage(headers: personalReply()))
        #expect(result.kind == .reply)
        #expect(result.reasons.isEmpty)
        #expect(result.sender == mario)
        #expect(result.senderSource == .from)
        #expect(!result.viaList)
    }

    @Test("Mailman 'X via list': the person is the one Reply-To mailbox that is not the list, and it is a reply")
    func mailmanMunged() {
        let result = classifier.classify(InboundMessage(headers: mailmanCopy()))
        #expect(result.kind == .reply, "a person's reply through an EA list (Precedence: list) is processed")
        #expect(result.sender == mario)
        #expect(result.senderSource == .replyTo)
        #expect(result.viaList && result.listRewroteFrom)
    }

    @Test("X-Original-From names the person only when nothing else does; a copy naming two different people names nobody")
    func originalFrom() {
        var agreeing = mailmanCopy()
        agreeing.originalFrom = [mario]
        #expect(classifier.classify(InboundMessage(headers: agreeing)).sender == mario)

        // A post carrying its own X-Original-From of someone else (Mailman passes it through).
        var spoofed = mailmanCopy()
        spoofed.originalFrom = [Mailbox(name: "Mario David", address: EmailAddress("mario.david@lip.example.org"))]
        let result = classifier.classify(InboundMessage(headers: spoofed))
        #expect(result.sender == nil)
        #expect(result.listRewroteFrom)

        // X-Original-From alone names nobody: only the Reply-To the list wrote does (SPEC §5).
        var alone = mailmanCopy()
        alone.replyTo = []
        alone.originalFrom = [Mailbox(name: "Mario", address: EmailAddress("m.rossi@infn.it"))]
        #expect(classifier.classify(InboundMessage(headers: alone)).sender == nil)
    }

    @Test("A poster's Reply-To of two people, a Cc in the 'via' form or an X-MailFrom of someone else: nobody")
    func listHintsMustAgree() {
        // Mailman keeps a Reply-To that already holds the poster: the poster adds the manager beside himself.
        var two = mailmanCopy()
        two.replyTo = [mario, Mailbox(name: "Mario David", address: EmailAddress("mario.david@lip.example.org"))]
        #expect(classifier.classify(InboundMessage(headers: two)).sender == nil)

        var viaCc = mailmanCopy()
        viaCc.cc = [Mailbox(name: "Mario Rossi", address: EmailAddress("mario.david@lip.example.org"))]
        #expect(classifier.classify(InboundMessage(headers: viaCc)).sender == nil)

        var envelope = mailmanCopy()
        envelope.listEnvelopeSenders = [EmailAddress("attacker@example.net")]
        #expect(classifier.classify(InboundMessage(headers: envelope)).sender == nil)
        envelope.listEnvelopeSenders = [EmailAddress("Mario.Rossi@cnaf.infn.it")]
        #expect(classifier.classify(InboundMessage(headers: envelope)).sender == mario)
    }

    @Test("several From mailboxes or repeated author fields: nobody, or never strong")
    func severalAuthors() {
        var two = personalReply()
        two.from = [mario, Mailbox(name: "Other", address: EmailAddress("other@cnaf.infn.it"))]
        #expect(classifier.classify(InboundMessage(headers: two)).sender == nil)

        var repeated = personalReply()
        repeated.repeatedFields = ["message-id"]
        repeated.traceFields = [
            TraceField(.authenticationResults, "mx.rollout.example.org; dkim=pass header.d=cnaf.infn.it"),
            TraceField(.received, "from mail.cnaf.infn.it (mail.cnaf.infn.it [192.0.2.7]) by mx.rollout.example.org id 1; date"),
        ]
        #expect(classifier.classify(InboundMessage(headers: repeated)).authenticationLevel == .weak)
        repeated.repeatedFields = []
        #expect(classifier.classify(InboundMessage(headers: repeated)).authenticationLevel == .strong)
    }

    @Test("A copy whose From is the list came through it only with a pass for the list's domain or from a list host")
    func listCopyOnlyFromTheList() {
        #expect(classifier.classify(InboundMessage(headers: mailmanCopy())).throughList)

        // Sent straight to the gateway: no field of our MTA vouches for the list's domain.
        var forged = mailmanCopy()
        forged.traceFields = [
            TraceField(.authenticationResults, "mx.rollout.example.org; spf=pass smtp.mailfrom=attacker@example.net; dmarc=fail header.from=lists.egi.eu"),
            TraceField(.received, "from smtp.example.net (smtp.example.net [203.0.113.5]) by mx.rollout.example.org (Postfix) id 1; Mon, 1 Dec 2025 15:00:01 +0100"),
        ]
        let result = classifier.classify(InboundMessage(headers: forged))
        #expect(!result.throughList && result.listFromForged)

        // The same from a configured list host, without any result for the list's domain.
        var identity = classifier.identity
        identity.listHosts = ["203.0.113.5"]
        forged.traceFields.removeFirst()
        #expect(MessageClassifier(identity: identity).classify(InboundMessage(headers: forged)).throughList)
        // An SPF pass for the list's domain, or a DKIM pass of its parent, may come from any host those domains let
        // send: not enough.
        for field in [
            "mx.rollout.example.org; spf=pass smtp.mailfrom=early-adopters-emi-bounces@lists.egi.eu",
            "mx.rollout.example.org; dkim=pass header.d=egi.eu",
        ] {
            var weak = mailmanCopy()
            weak.traceFields[0] = TraceField(.authenticationResults, field)
            #expect(!classifier.classify(InboundMessage(headers: weak)).throughList, "\(field)")
        }
        // A List-Id alone proves nothing.
        var listID = personalReply()
        listID.listID = "<early-adopters-emi.lists.egi.eu>"
        #expect(!classifier.classify(InboundMessage(headers: listID)).throughList)
    }

    @Test("Nothing makes strong — not a token either — a message that repeats an author field, hides a result of our MTA or carries a heap of signatures")
    func neverStrong() {
        var repeated = personalReply()
        repeated.repeatedFields = ["date"]
        #expect(classifier.classify(InboundMessage(headers: repeated)).authentication.neverStrong != nil)

        var hidden = personalReply()
        hidden.traceFields = [
            TraceField(.authenticationResults, #"mx.rollout.example.org; dkim=pass header.d=cnaf.infn.it header.d=cnaf.infn.it; spf=pass smtp.mailfrom=cnaf.infn.it"#),
            TraceField(.received, "from mail.cnaf.infn.it (mail.cnaf.infn.it [192.0.2.7]) by mx.rollout.example.org id 1; Mon, 1 Dec 2025 15:00:01 +0100"),
        ]
        let verdict = classifier.classify(InboundMessage(headers: hidden)).authentication
        #expect(verdict.neverStrong != nil)
        let token = InboundPolicy.strength(headers: verdict, tokenIssuedToSender: true, senderConcerned: true, accepted: [.token, .dkim])
        #expect(token.level == .weak)

        var signatures = personalReply()
        signatures.dkimSignatures = Array(repeating: "v=1; d=attacker.example; b=AAAA", count: ReplayIdentity.signaturesRead + 1)
        #expect(classifier.classify(InboundMessage(headers: signatures)).authentication.neverStrong != nil)

        // Control: the plain reply may be made strong by its token.
        let plain = classifier.classify(InboundMessage(headers: personalReply())).authentication
        #expect(plain.neverStrong == nil)
        #expect(InboundPolicy.strength(headers: plain, tokenIssuedToSender: true, senderConcerned: true, accepted: [.token]).level == .strong)
    }

    @Test("A DKIM signature of the body's first bytes only (l=) never makes the sender strong: words added below it pass with it")
    func dkimBodyLengthLimit() {
        var signed = personalReply()
        signed.traceFields = [
            TraceField(.authenticationResults, "mx.rollout.example.org; dkim=pass header.d=cnaf.infn.it; dmarc=pass header.from=cnaf.infn.it"),
            TraceField(.received, "from mail.cnaf.infn.it (mail.cnaf.infn.it [192.0.2.7]) by mx.rollout.example.org id 1; Mon, 1 Dec 2025 15:00:01 +0100"),
        ]
        signed.dkimSignatures = ["v=1; a=rsa-sha256; c=relaxed/relaxed; d=cnaf.infn.it; s=s1; h=from:to:subject:date; bh=Zm9v; b=QUFB"]
        // Control: the whole body signed, the pass aligned with From.
        #expect(classifier.classify(InboundMessage(headers: signed)).authentication.strongBasis == .dkim)

        for limit in ["l=120", "l = 0", "l=", " l=4096 "] {
            var limited = signed
            limited.dkimSignatures = ["v=1; a=rsa-sha256; c=relaxed/relaxed; d=cnaf.infn.it; s=s1; \(limit); h=from:to:subject:date; bh=Zm9v; b=QUFB"]
            let verdict = classifier.classify(InboundMessage(headers: limited)).authentication
            #expect(verdict.strongBasis == nil, "\(limit)")
            #expect(verdict.ignored.contains { $0.contains("(l=)") }, "\(limit)")
            // Only DKIM and DMARC lose their weight: a reply token issued to the sender still counts.
            #expect(verdict.neverStrong == nil)
            #expect(InboundPolicy.strength(headers: verdict, tokenIssuedToSender: true, senderConcerned: true, accepted: [.token, .dkim, .dmarc]).basis == .token)
            #expect(InboundPolicy.strength(headers: verdict, tokenIssuedToSender: false, senderConcerned: true, accepted: [.dkim, .dmarc]).level == .weak)
        }
        // A tag whose name merely contains an l is not the length.
        var other = signed
        other.dkimSignatures = ["v=1; a=rsa-sha256; d=cnaf.infn.it; s=s1; bl=1; h=from; bh=Zm9v; b=QUFB"]
        #expect(classifier.classify(InboundMessage(headers: other)).authentication.strongBasis == .dkim)
    }

    @Test("Reply-To pointing to the list names nobody, whatever the Cc says")
    func pointToList() {
        var headers = mailmanCopy()
        headers.replyTo = [Mailbox(name: "Early-adopters-emi", address: list)]
        headers.cc = [Mailbox(name: "Someone Else", address: EmailAddress("else@kit.edu")), mario]
        let result = classifier.classify(InboundMessage(headers: headers))
        #expect(result.sender == nil)
        #expect(result.listRewroteFrom)
    }

    @Test("From equal to a configured list without 'via' is a rewrite; 'X via Group' on any other address is not")
    func otherRewrites() {
        var plainList = mailmanCopy()
        plainList.from = [Mailbox(name: "Early-adopters-emi", address: list)]
        #expect(classifier.classify(InboundMessage(headers: plainList)).senderSource == .replyTo)

        // The fake list copy of the attack suite: any List-Id, a manager in Reply-To, a "via" display name.
        var google = mailmanCopy()
        google.from = [Mailbox(name: "'Mario Rossi' via EA IT", address: EmailAddress("ea-it@googlegroups.com"))]
        google.listID = "<ea-it.googlegroups.com>"
        let result = classifier.classify(InboundMessage(headers: google))
        #expect(result.sender?.address == EmailAddress("ea-it@googlegroups.com"))
        #expect(result.senderSource == .from)
        #expect(!result.listRewroteFrom)
    }

    @Test("A list copy is never strong by DKIM: the person came from a header no aligned signature covers")
    func listCopyNotStrong() {
        var headers = mailmanCopy()
        headers.traceFields = [
            TraceField(.authenticationResults, "mx.rollout.example.org; dkim=pass header.d=cnaf.infn.it; dkim=pass header.d=lists.egi.eu"),
            TraceField(.received, "from mail.lists.egi.eu (mail.lists.egi.eu [192.0.2.9]) by mx.rollout.example.org (Postfix) id 1; Mon, 1 Dec 2025 15:00:01 +0100"),
        ]
        let result = classifier.classify(InboundMessage(headers: headers))
        #expect(result.sender == mario)
        #expect(result.authenticationLevel == .weak)
    }

    @Test("A list that hid the person yields no sender, and no reply")
    func hiddenPerson() {
        var headers = mailmanCopy()
        headers.replyTo = [Mailbox(name: "Early-adopters-emi", address: list)]
        let result = classifier.classify(InboundMessage(headers: headers))
        #expect(result.sender == nil)
        #expect(result.replyPolicy == .never(reason: "no sender address"))
    }

    @Test("'via' in a display name without List-Id is not a rewrite")
    func viaWithoutListID() {
        var headers = personalReply()
        headers.from = [Mailbox(name: "Anna via Phone", address: EmailAddress("anna@kit.edu"))]
        headers.replyTo = [mario]
        #expect(classifier.classify(InboundMessage(headers: headers)).sender?.address == EmailAddress("anna@kit.edu"))
    }

    // MARK: Kind

    @Test(
        "The gateway's own messages coming back are loops",
        arguments: ["x-loop", "message-id", "from", "own post through the list"])
    func loops(form: String) {
        var headers = personalReply()
        switch form {
        case "x-loop": headers.loops = ["<Staged-Rollout@rollout.example.org>"]
        case "message-id": headers.messageID = "rg.42.escalation.z9@rollout.example.org"
        case "from": headers.from = [Mailbox(name: "Staged Rollout", address: gateway)]
        default:
            headers = mailmanCopy()
            headers.from = [Mailbox(name: "Staged Rollout via Early-adopters-emi", address: list)]
            headers.replyTo = [Mailbox(name: "Staged Rollout", address: gateway)]
        }
        let result = classifier.classify(InboundMessage(headers: headers))
        #expect(result.kind == .loop)
        #expect(!result.replyPolicy.allowsReply(senderIsKnown: true))
    }

    @Test("Another system's X-Loop and a foreign Message-ID are no loop")
    func foreignLoop() {
        var headers = personalReply()
        headers.loops = ["rt@rt.example.org"]
        headers.messageID = "ticket-42@rt.example.org"
        #expect(classifier.classify(InboundMessage(headers: headers)).kind == .reply)
    }

    @Test("Delivery-status reports and non-delivery notices are bounces", arguments: 0..<5)
    func bounces(row: Int) {
        var headers = InboundHeaders()
        headers.subject = "Undelivered Mail Returned to Sender"
        headers.from = [Mailbox(name: "Mail Delivery System", address: EmailAddress("MAILER-DAEMON@mx.cnaf.infn.it"))]
        headers.returnPath = ""
        var message = InboundMessage(headers: headers)
        switch row {
        case 0:  // Postfix with its report parsed
            message.headers.contentType = "multipart/report"
            message.failedRecipients = [FailedRecipient(address: EmailAddress("gone@cnaf.infn.it"), action: "failed")]
        case 1:  // a report from a relay that signs as a person-like address
            message.headers.from = [Mailbox(address: EmailAddress("relay@mx.example.net"))]
            message.headers.subject = "Report"
            message.headers.contentType = "multipart/report; report-type=delivery-status"
        case 2:  // Exim, plain text, from MAILER-DAEMON
            message.headers.subject = "Mail delivery failed: returning message to sender"
            message.headers.returnPath = nil
        case 3:  // Exchange NDR in German, From postmaster
            message.headers.from = [Mailbox(name: "Microsoft Outlook", address: EmailAddress("postmaster@kit.edu"))]
            message.headers.subject = "Unzustellbar: [staged-rollout #42] Staged Rollout CA 1.38"
        default:  // qmail-style: empty Return-Path, the returned message embedded
            message.headers.from = [Mailbox(address: EmailAddress("qmail@mx.example.net"))]
            message.headers.subject = "failure notice"
            message.embeddedMessages = [InboundMessage(headers: personalReply())]
        }
        let result = classifier.classify(message)
        #expect(result.kind == .bounce)
        #expect(!result.reasons.isEmpty)
    }

    @Test(
        "Automatic answers are auto-replies",
        arguments: [
            "auto-submitted", "x-autoreply", "x-autorespond", "precedence-bulk", "precedence-junk", "empty-return-path",
            "read-receipt", "mailer-daemon-notice", "moderation-notice",
        ])
    func autoReplies(form: String) {
        var headers = personalReply()
        switch form {
        case "auto-submitted": headers.autoSubmitted = "auto-replied; owner-email=\"mario.rossi@cnaf.infn.it\""
        case "x-autoreply": headers.autoReplyMarkers = ["X-Autoreply": "yes"]
        case "x-autorespond": headers.autoReplyMarkers = ["X-Autorespond": "Out of office"]
        case "precedence-bulk": headers.precedence = "bulk"
        case "precedence-junk": headers.precedence = "Junk"
        case "empty-return-path": headers.returnPath = ""
        case "read-receipt": headers.contentType = "multipart/report; report-type=disposition-notification"
        case "mailer-daemon-notice":
            headers.from = [Mailbox(address: EmailAddress("MAILER-DAEMON@mx.cnaf.infn.it"))]
            headers.subject = "Warning: mailbox almost full"
        default:
            headers.from = [Mailbox(address: EmailAddress("early-adopters-emi-owner@lists.egi.eu"))]
            headers.subject = "Your message to Early-adopters-emi awaits moderator approval"
        }
        let result = classifier.classify(InboundMessage(headers: headers))
        #expect(result.kind == .autoReply)
        if case .never = result.replyPolicy {} else { Issue.record("an auto-reply must never be answered") }
    }

    @Test("X-Auto-Response-Suppress alone, Auto-Submitted: no and Precedence: list are a person's reply")
    func notAutoReplies() {
        var headers = mailmanCopy()
        headers.autoReplyMarkers = ["X-Auto-Response-Suppress": "All"]
        headers.autoSubmitted = "no"
        let result = classifier.classify(InboundMessage(headers: headers))
        #expect(result.kind == .reply)
        #expect(result.reasons.isEmpty)
    }

    // MARK: Authentication and reply policy

    @Test(
        "Trusted Authentication-Results decide strong and vouched",
        arguments: [
            // (field, strong, vouched, anyPass)
            ("mx.rollout.example.org; dkim=pass header.d=cnaf.infn.it header.s=s1; spf=pass smtp.mailfrom=cnaf.infn.it",
             true, true, true),
            // Alignment is judged on d=; an i= alone aligns nothing.
            ("mx.rollout.example.org 1; dkim=pass (2048-bit key; unprotected) header.i=@cnaf.infn.it", false, false, true),
            // DKIM alignment is strict by default: a pass for the parent domain vouches, but is not strong.
            ("MX.Rollout.Example.Org; dkim=pass header.d=infn.it", false, true, true),
            ("mx.rollout.example.org; spf=pass smtp.mailfrom=mario.rossi@cnaf.infn.it; dkim=none", false, true, true),
            ("mx.rollout.example.org; dkim=pass header.d=spammer.example", false, false, true),
            ("mx.rollout.example.org; dkim=fail header.d=cnaf.infn.it; spf=softfail smtp.mailfrom=cnaf.infn.it",
             false, false, false),
            ("mx.attacker.example; dkim=pass header.d=cnaf.infn.it", false, false, false),
            ("spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=cnaf.infn.it; dkim=pass header.d=cnaf.infn.it", false, false,
             false),
            ("mx.rollout.example.org; dmarc=pass (p=reject) header.from=cnaf.infn.it", true, true, false),
            ("mx.rollout.example.org; dmarc=pass header.from=infn.it", false, false, false),
            ("mx.rollout.example.org; dkim=pass header.d=it", false, false, true),
            ("mx.rollout.example.org; dkim=pass header.d=ainfn.it", false, false, true),
        ])
    func authentication(field: String, strong: Bool, vouched: Bool, anyPass: Bool) {
        var headers = personalReply()
        headers.traceFields = [
            TraceField(.authenticationResults, field),
            TraceField(.received, "from mail.cnaf.infn.it (mail.cnaf.infn.it [192.0.2.7]) by mx.rollout.example.org (Postfix) with ESMTPS id 4Q; Mon, 1 Dec 2025 15:00:01 +0100"),
        ]
        let result = classifier.classify(InboundMessage(headers: headers))
        #expect(result.authenticationLevel == (strong ? .strong : .weak))
        #expect(result.authentication.vouched == vouched)
        #expect(result.authentication.anyPass == anyPass)
        #expect(result.replyPolicy == (vouched ? .allowed : .ifSenderKnown))
    }

    @Test("An unknown, unvouched sender gets a reply only if known; a vouched one always")
    func replyPolicy() {
        let policy = classifier.classify(InboundMessage(headers: personalReply())).replyPolicy
        #expect(policy == .ifSenderKnown)
        #expect(!policy.allowsReply(senderIsKnown: false))
        #expect(policy.allowsReply(senderIsKnown: true))
        #expect(MessageClassifier.ReplyPolicy.allowed.allowsReply(senderIsKnown: false))
    }

    @Test("Authentication-Results parsing: version, comments, quoted values, spaces around '='")
    func parsing() {
        let parsed = AuthenticationResults(
            parsing: #"mx.rollout.example.org 1; dkim = pass (good (nested) signature) header.d=cnaf.infn.it; "#
                + #"spf=pass smtp.mailfrom="mario.rossi@cnaf.infn.it"; dmarc=pass header.from=cnaf.infn.it; arc=none"#)
        #expect(parsed.authservID == "mx.rollout.example.org")
        #expect(parsed.results.map(\.method) == ["dkim", "spf", "dmarc", "arc"])
        #expect(parsed.results.map(\.result) == ["pass", "pass", "pass", "none"])
        #expect(parsed.results[0].domain == "cnaf.infn.it")
        #expect(parsed.results[1].properties["smtp.mailfrom"] == "mario.rossi@cnaf.infn.it")
        #expect(parsed.results[1].domain == "cnaf.infn.it")
        #expect(AuthenticationResults(parsing: "mx.example.org; none").results.isEmpty)
        // Spaces around every "=", not only the first one.
        let spaced = AuthenticationResults(parsing: "mx.rollout.example.org; dkim=pass header.d = example.org")
        #expect(spaced.results.first?.domain == "example.org")
    }

    // MARK: Delivery reports

    @Test("A delivery report gives the returned message's ticket and only the recipients that failed")
    func deliveryReport() {
        var returned = InboundHeaders()
        returned.messageID = "rg.42.ea-notified.k3x9@rollout.example.org"
        let report = InboundMessage(
            embeddedMessages: [InboundMessage(headers: returned)],
            failedRecipients: [
                FailedRecipient(address: EmailAddress("gone@cnaf.infn.it"), action: "failed", status: "5.1.1"),
                FailedRecipient(address: EmailAddress("slow@kit.edu"), action: "delayed", status: "4.4.1"),
                FailedRecipient(address: EmailAddress("ok@kit.edu"), action: "delivered", status: "2.0.0"),
            ])
        let read = DeliveryReport(reading: report, finder: TicketReferenceFinder(messageIDDomain: "rollout.example.org"))
        #expect(read.ticket?.ticket == TicketID(42))
        #expect(read.failedRecipients.map(\.address) == [EmailAddress("gone@cnaf.infn.it")])
        #expect(read.delayedRecipients.map(\.address) == [EmailAddress("slow@kit.edu")])
    }

    @Test("Without a returned message, the report's own subject names the ticket (Exchange)")
    func deliveryReportSubject() {
        var headers = InboundHeaders()
        headers.subject = "Undeliverable: [staged-rollout #42] Staged Rollout CA 1.38"
        let read = DeliveryReport(
            reading: InboundMessage(headers: headers), finder: TicketReferenceFinder(messageIDDomain: "rollout.example.org"))
        #expect(read.ticket == TicketReference(ticket: TicketID(42), queue: .stagedRollout, source: .subjectTag))
    }
}
