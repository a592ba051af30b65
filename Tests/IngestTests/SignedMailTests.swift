import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import SignatureOpenPGP
import SignatureSMIME
import Testing

/// Signed mail (issue 23): a manager's S/MIME signature with a certificate of a listed IGTF profile makes them strong
/// without any reply token or DKIM; only the signed words count; every other signature is refused, with why.
@Suite("Signed mail: S/MIME against a test CA made with openssl")
struct SignedMailTests {
    static let manager = "Mario David <mario.david@lip.example.org>"
    static let managerSubject = "/C=NL/O=Test Grid/OU=People/CN=Mario David"
    static let intermediate = "/C=NL/O=Test Grid/CN=Test Grid Intermediate CA"

    struct SignedWorld {
        let world: IngestWorld
        let ingest: Ingest
        let ca: TestCA

        /// `escalate` needs a strong sender; Mario David manages ticket #12's stack.
        /// - Parameters:
        ///   - tokens: whether the gateway signs reply addresses (a secret file in the gateway section).
        ///   - keyring: `inbound.openpgp.keyring`, checked beside S/MIME; nil: OpenPGP signatures are not checked.
        init(people: String = "", tokens: Bool = false, keyring: String? = nil) async throws {
            ca = try TestCA.make()
            var gatewaySettings = ""
            if tokens {
                let secret = NSTemporaryDirectory() + "rollout-secret-" + UUID().uuidString
                try Data("a-test-secret-of-more-than-16-bytes".utf8).write(to: URL(fileURLWithPath: secret))
                gatewaySettings = "  secret_file: \(secret)\n"
            }
            world = try await IngestWorld(
                extra: "  smime:\n    ca_dir: \(ca.certificates)\n" + people + (keyring.map { "  openpgp:\n    keyring: \($0)\n" } ?? ""),
                extraGateway: gatewaySettings,
                edit: { $0.replacingOccurrences(of: "strong_authentication: []", with: "strong_authentication: [escalate, resolve]") })
            let openpgp = world.configuration.openpgp.map { [OpenPGPSignatureVerifier(settings: $0)] } ?? []
            ingest = Ingest(
                gateway: world.gateway, parser: GMimeMailParser(),
                verifier: SignatureVerifiers([SMIMESignatureVerifier(settings: world.configuration.smime)] + openpgp))
        }

        func history(_ action: HistoryAction) async throws -> [HistoryEntry] {
            try await world.store.history(of: TicketID(12)).filter { $0.action == action }
        }
    }

    // MARK: Building signed mail

    /// The quoted notification a reply carries below its words: inside the signature, it names the ticket.
    static func quoting(_ ticket: Int = 12) -> [String] {
        ["", "On 1 Dec 2026 10:00, staged-rollout@rollout.example.org wrote:", "> [staged-rollout #\(ticket)] Please test Staged Rollout EMI-1.0"]
    }

    /// A reply's header block to the gateway's plain address (no reply token), without any Authentication-Results.
    static func headers(
        from: String = manager, id: String = UUID().uuidString, date: String = MessageDates.next(), ticket: Int = 12, to: String = "staged-rollout@rollout.example.org"
    ) -> String {
        "From: \(from)\r\nTo: \(to)\r\n"
            + "Subject: Re: [staged-rollout #\(ticket)] Please test Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64\r\n"
            + "Message-ID: <\(id)@lip.example.org>\r\nDate: \(date)\r\nMIME-Version: 1.0\r\n"
    }

    /// The part Thunderbird signs: quoted-printable text/plain with CRLF line ends.
    static func thunderbirdPart(_ lines: [String]) -> [UInt8] {
        Array(
            ("Content-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: quoted-printable\r\n"
                + "Content-Language: en-US\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// A `multipart/signed` entity (header fields and body) as Thunderbird writes it around `content`.
    static func multipartSigned(_ content: [UInt8], signature: [UInt8], boundary: String = "------------ms0A1B2C3D4E5F6") -> [UInt8] {
        let base64 = Data(signature).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return Array(
            ("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n boundary=\"\(boundary)\"\r\n\r\n"
                + "This is a cryptographically signed message in MIME format.\r\n\r\n--\(boundary)\r\n").utf8)
            + content
            + Array(
                ("\r\n--\(boundary)\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
                    + "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7s\"\r\n"
                    + "Content-Description: S/MIME Cryptographic Signature\r\n\r\n\(base64)\r\n\r\n--\(boundary)--\r\n").utf8)
    }

    /// A whole message as Thunderbird sends it: `lines` signed by `person`'s certificate.
    static func thunderbirdMail(_ ca: TestCA, _ lines: [String], by person: String = "manager", from: String = manager) throws -> [UInt8] {
        Array(headers(from: from).utf8) + (try thunderbirdBody(ca, lines, by: person))
    }

    /// The body of such a message: the signed `multipart/signed` entity alone, to put under other header blocks.
    static func thunderbirdBody(_ ca: TestCA, _ lines: [String], by person: String = "manager") throws -> [UInt8] {
        let part = thunderbirdPart(lines)
        return multipartSigned(part, signature: try ca.detachedSignature(of: part, by: person))
    }

    /// A message whose body is what `openssl cms -sign` wrote (its MIME-Version dropped: the header block has one).
    static func opensslMail(_ ca: TestCA, _ text: String, opaque: Bool) throws -> [UInt8] {
        let entity = try ca.smimeEntity(of: Array("Content-Type: text/plain; charset=UTF-8\n\n\(text)\n\n> [staged-rollout #12] Please test\n".utf8), by: "manager", opaque: opaque)
        var body = String(decoding: entity, as: UTF8.self)
        body = body.replacingOccurrences(of: "MIME-Version: 1.0\n", with: "").replacingOccurrences(of: "MIME-Version: 1.0\r\n", with: "")
        return Array(headers().utf8) + Array(body.utf8)
    }

    // MARK: The genuine case

    @Test("a signed `escalate` in Thunderbird's shape is strong by signature, with no reply token and no DKIM")
    func genuineThunderbird() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let raw = try Self.thunderbirdMail(signed.ca, ["escalate", "", "Mario"] + Self.quoting())

        let analysis = try await signed.ingest.analyze(raw)
        #expect(analysis.token == nil && analysis.classification.authentication.strongBasis == nil)
        #expect(analysis.authentication == .strong && analysis.basis == .signature)
        let explanation = analysis.explanation(registry: signed.world.configuration.workflow.registry)
        #expect(explanation.authenticationBasis == "signature")
        #expect(explanation.signer == Self.managerSubject && explanation.signerIssuer == Self.intermediate)
        #expect(explanation.signatureProblem == nil)
        #expect(!analysis.message.attachments.contains { $0.fileName == "smime.p7s" })

        let outcome = try await signed.ingest.ingest(raw)
        #expect(outcome.disposition == .applied)
        #expect(outcome.results.map(\.status) == [.applied], "\(outcome.results.map(\.message))")
        let escalated = try #require(try await signed.history(.escalation).first)
        #expect(escalated.authentication == .strong && escalated.basis == .signature)
        #expect(escalated.detail.hasSuffix("(signed by \(Self.managerSubject), issued by \(Self.intermediate))"))
    }

    @Test("what `openssl cms -sign` writes verifies in both forms: multipart/signed and opaque signed-data", arguments: [false, true])
    func genuineOpenSSLForms(opaque: Bool) async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let outcome = try await signed.ingest.ingest(try Self.opensslMail(signed.ca, "escalate", opaque: opaque))
        #expect(outcome.results.map(\.status) == [.applied])
        let escalated = try #require(try await signed.history(.escalation).first)
        #expect(escalated.basis == .signature)
    }

    @Test("a certificate without the address counts when inbound.smime.people maps its subject DN to the sender")
    func subjectMapping() async throws {
        let mapped = try await SignedWorld(people: "    people:\n      \"/C=NL/O=Test Grid/OU=People/CN=Mario David robot\": mario.david@lip.example.org\n")
        defer { mapped.world.cleanUp() }
        let raw = try Self.thunderbirdMail(mapped.ca, ["escalate"] + Self.quoting(), by: "dn-only")
        #expect(try await mapped.ingest.ingest(raw).results.map(\.status) == [.applied])

        let unmapped = try await SignedWorld()
        defer { unmapped.world.cleanUp() }
        let refusal = try #require(try await unmapped.ingest.analyze(raw).signature?.refusal)
        #expect(refusal.contains("signed by /C=NL/O=Test Grid/OU=People/CN=Mario David robot (no e-mail address), not by mario.david@lip.example.org"))
    }

    // MARK: Attacks and bad certificates

    /// Ingests `raw` and checks that the signature was refused for `reason` and the strong command refused with it.
    func expectRefused(_ raw: [UInt8], _ reason: String, in signed: SignedWorld, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let analysis = try await signed.ingest.analyze(raw)
        #expect(analysis.authentication == .weak && analysis.basis == .fromOnly, sourceLocation: sourceLocation)
        let refusal = try #require(analysis.signature?.refusal, sourceLocation: sourceLocation)
        #expect(refusal.contains(reason), "\(refusal)", sourceLocation: sourceLocation)
        #expect(analysis.explanation(registry: signed.world.configuration.workflow.registry).signatureProblem == refusal, sourceLocation: sourceLocation)
        let outcome = try await signed.ingest.ingest(raw)
        let result = try #require(outcome.results.first, sourceLocation: sourceLocation)
        #expect(result.status == .refused && result.refusal == .needsStrongAuthentication, sourceLocation: sourceLocation)
        #expect(result.message.contains("the signature of your message was not accepted: \(refusal)"), sourceLocation: sourceLocation)
        #expect(try await signed.history(.escalation).isEmpty, sourceLocation: sourceLocation)
        let recorded = try await signed.history(.signatureRefused).map(\.detail)
        #expect(recorded == ["the signature of mario.david@lip.example.org's message was not accepted: \(refusal)"], sourceLocation: sourceLocation)
    }

    @Test("one byte of the signed text changed: refused, weak")
    func tamperedByte() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        var raw = try Self.thunderbirdMail(signed.ca, ["escalate", "", "thanks, Mario"])
        let at = try #require(raw.firstRange(of: Array("thanks, Mario".utf8)))
        raw[at.lowerBound + 8] = UInt8(ascii: "m")
        try await expectRefused(raw, "the signature does not match the signed text", in: signed)
    }

    @Test("the signed part re-wrapped on the way (its transfer encoding changed to base64): refused, weak")
    func rewrapped() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let part = Self.thunderbirdPart(["escalate"])
        let signature = try signed.ca.detachedSignature(of: part, by: "manager")
        let rewrapped = Array(
            "Content-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: base64\r\nContent-Language: en-US\r\n\r\n\(Data("escalate\r\n".utf8).base64EncodedString())\r\n".utf8)
        try await expectRefused(Array(Self.headers().utf8) + Self.multipartSigned(rewrapped, signature: signature), "does not match the signed text", in: signed)
    }

    @Test("a signature moved onto another message: refused, weak")
    func movedSignature() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let signature = try signed.ca.detachedSignature(of: Self.thunderbirdPart(["thanks, all good"]), by: "manager")
        let raw = Array(Self.headers().utf8) + Self.multipartSigned(Self.thunderbirdPart(["escalate"]), signature: signature)
        try await expectRefused(raw, "does not match the signed text", in: signed)
    }

    @Test("signed by a colleague's certificate, sent from the manager's address: refused, weak")
    func signerIsNotSender() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        try await expectRefused(
            try Self.thunderbirdMail(signed.ca, ["escalate"], by: "colleague"),
            "signed by /C=NL/O=Test Grid/OU=People/CN=Luigi Verdi (luigi.verdi@lip.example.org), not by mario.david@lip.example.org",
            in: signed)
    }

    @Test(
        "certificates the gateway does not trust are refused, each with why",
        arguments: [
            ("expired", "the signer's certificate had expired when the message arrived"),
            ("revoked", "the signer's certificate is revoked"),
            ("other-profile", "is not in the IGTF profiles this gateway accepts (classic, mics, slcs)"),
            ("outside-namespace", "the certificate /C=NL/O=Not Test Grid/CN=Mario David lies outside the namespace of its authority \(intermediate)"),
        ])
    func untrustedCertificates(person: String, reason: String) async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        try await expectRefused(try Self.thunderbirdMail(signed.ca, ["escalate"], by: person), reason, in: signed)
    }

    @Test(
        "two genuine signed parts, side by side or one signing the other: refused, weak (the second is counted, its bytes not kept)",
        arguments: [false, true])
    func twoSignedParts(nested: Bool) async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let first = try Self.thunderbirdBody(signed.ca, ["escalate"] + Self.quoting())
        let raw: [UInt8]
        if nested {
            raw = Array(Self.headers().utf8)
                + Self.multipartSigned(first, signature: try signed.ca.detachedSignature(of: first, by: "manager"), boundary: "outer")
        } else {
            let second = try Self.thunderbirdBody(signed.ca, ["escalate"])
            raw = Array((Self.headers() + "Content-Type: multipart/mixed; boundary=\"two\"\r\n\r\n--two\r\n").utf8) + first
                + Array("\r\n--two\r\n".utf8) + second + Array("\r\n--two--\r\n".utf8)
        }
        #expect(try await signed.ingest.analyze(raw).message.signedParts.last?.form == .notKept)
        try await expectRefused(raw, "the message holds 2 signed parts; one signed reply is expected", in: signed)
    }

    @Test("a signed part inside an unsigned wrapper: the commands outside it are never read, the signed words are")
    func unsignedWrapper() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let inner = try Self.thunderbirdBody(signed.ca, ["thanks, all fine here", "", "Mario"] + Self.quoting())
        try await expectOnlySignedWords(Self.insideUnsignedWrapper(inner), in: signed)
    }

    @Test("a command outside the signed part, above a pasted copy of our own text, is never read: the cut is of the signed text")
    func unsignedCommandAboveOwnText() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        // A notification the gateway sent on ticket #12, with the fingerprint of its text (a relay or an answer has none).
        let sent = try #require(
            try await signed.world.store.pendingOutbox(at: signed.world.clock.now, limit: 1_000).first {
                $0.ticket == TicketID(12) && ![.notification(.transcript), .errorReply, .notification(.conversation)].contains($0.kind)
            })
        let ownLines = SentMessageText.text(of: sent.data).split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(ownLines.joined(separator: " ").split(separator: " ").count >= 20, "enough of our words to be recognised")
        // The manager's genuine signed mail (no command in it), wrapped by someone holding a copy: above it, unsigned,
        // `escalate` and a pasted copy of that notification, named by In-Reply-To so that its fingerprint is read.
        let inner = try Self.thunderbirdBody(signed.ca, ["thanks, all fine here", "", "Mario"] + Self.quoting())
        let raw = Array(
            (Self.headers() + "In-Reply-To: <\(sent.messageID)>\r\nContent-Type: multipart/mixed; boundary=\"wrapper\"\r\n\r\n"
                + "--wrapper\r\nContent-Type: text/plain\r\n\r\nescalate\r\n\r\n" + ownLines.joined(separator: "\r\n")
                + "\r\n--wrapper\r\n").utf8) + inner + Array("\r\n--wrapper--\r\n".utf8)

        let whole = try await signed.ingest.analyze(raw)
        #expect(whole.message.text.contains("escalate"), "the unsigned part is in the message's text")
        // The control: the same text read whole would be cut at our own words, leaving the command above them.
        let sentFingerprints = try await signed.world.store.sentTextFingerprints(
            messageIDs: [sent.messageID], ticket: TicketID(12), recipient: nil, limit: 20)
        #expect(ReplyText.endingAtOwnText(whole.message.text, sent: sentFingerprints)?.newLines.contains("escalate") == true)
        try await expectOnlySignedWords(raw, in: signed)
    }

    /// A reply whose signed entity `inner` sits between two unsigned parts that say `escalate` (a forwarder's note, a
    /// list footer).
    static func insideUnsignedWrapper(_ inner: [UInt8]) -> [UInt8] {
        Array(
            (headers() + "Content-Type: multipart/mixed; boundary=\"wrapper\"\r\n\r\n--wrapper\r\n"
                + "Content-Type: text/plain\r\n\r\nescalate\r\n\r\n--wrapper\r\n").utf8) + inner
            + Array("\r\n--wrapper\r\nContent-Type: text/plain\r\n\r\nescalate\r\n-- \r\nEA list footer\r\n--wrapper--\r\n".utf8)
    }

    /// The signed words (`thanks, all fine here`) are read, strong by signature; the `escalate` outside is not.
    func expectOnlySignedWords(_ raw: [UInt8], in signed: SignedWorld, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let analysis = try await signed.ingest.analyze(raw)
        #expect(analysis.basis == .signature, sourceLocation: sourceLocation)
        #expect(analysis.reply.newLines.joined(separator: "\n").contains("thanks, all fine here"), sourceLocation: sourceLocation)
        #expect(!analysis.reply.newLines.contains("escalate"), sourceLocation: sourceLocation)
        let outcome = try await signed.ingest.ingest(raw)
        #expect(outcome.results.isEmpty, sourceLocation: sourceLocation)
        #expect(try await signed.history(.escalation).isEmpty, sourceLocation: sourceLocation)
    }

    @Test("a genuine signed mail sent again under a new Message-ID and Date is the same mail: recorded as a duplicate")
    func replayed() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let body = try Self.thunderbirdBody(signed.ca, ["escalate"] + Self.quoting())
        #expect(try await signed.ingest.ingest(Array(Self.headers().utf8) + body).results.map(\.status) == [.applied])
        let replay = try await signed.ingest.ingest(Array(Self.headers().utf8) + body)
        #expect(replay.disposition == .duplicate)
        #expect(try await signed.history(.escalation).count == 1)
    }

    @Test("a genuine signed mail older than inbound.max_age is strong but stale: its escalate is refused as replayed")
    func staleSigned() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let body = try Self.thunderbirdBody(signed.ca, ["escalate"] + Self.quoting())
        let raw = Array(Self.headers(date: "Mon, 24 Nov 2025 10:00:00 +0100").utf8) + body
        let outcome = try await signed.ingest.ingest(raw)
        let result = try #require(outcome.results.first)
        #expect(result.refusal == .staleOrReplayed)
        #expect(try await signed.history(.escalation).isEmpty)
    }

    @Test("an unsigned privileged command from a manager is answered with how to sign")
    func unsignedSaysHowToSign() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let raw = Array((Self.headers() + "Content-Type: text/plain\r\n\r\nescalate\r\n").utf8)
        let result = try #require(try await signed.ingest.ingest(raw).results.first)
        #expect(result.refusal == .needsStrongAuthentication)
        #expect(result.message.contains("Sign your reply with your personal certificate (S/MIME, e.g. your IGTF grid certificate"))
    }

    // MARK: The signed words bind the ticket (review of issue 23)

    @Test("the signed words name the ticket: `#12` or `ticket 12` as a word, not `#123` nor `a#12`")
    func ticketMention() {
        let twelve = TicketID(12)
        #expect(SignedTicketBinding.tickets(in: "> [staged-rollout #12] Please test") == [twelve])
        #expect(SignedTicketBinding.tickets(in: "about Ticket 12, resolve") == [twelve])
        #expect(SignedTicketBinding.tickets(in: "ticket #12.") == [twelve])
        #expect(SignedTicketBinding.tickets(in: "ticket #123 and #120") == [TicketID(123), TicketID(120)])
        #expect(SignedTicketBinding.tickets(in: "see a#12 and tickets 12 and 12").isEmpty)
        #expect(SignedTicketBinding.tickets(in: "#99999999999999999999 overflows, #1234567890 is too long").isEmpty)
    }

    @Test("binding: the signer's own words decide when they name a ticket; else the whole signed text must name only that one")
    func bindingNeedsOneTicket() {
        let quoted = "outcome accept\nresolve\n\n> see also #14\n> [staged-rollout #13] comment relayed"
        // The attack of the review: a quoted "see also #14" must not let the signed reply act on #14 (nor on #13).
        #expect(!SignedTicketBinding.binds(TicketID(14), ownWords: "outcome accept\nresolve", wholeText: quoted))
        #expect(!SignedTicketBinding.binds(TicketID(13), ownWords: "outcome accept\nresolve", wholeText: quoted))
        // The signer named the ticket in their own words: that ticket only, whatever the quote names.
        #expect(SignedTicketBinding.binds(TicketID(13), ownWords: "#13: outcome accept", wholeText: "#13: outcome accept\n" + quoted))
        #expect(!SignedTicketBinding.binds(TicketID(14), ownWords: "#13: outcome accept", wholeText: "#13: outcome accept\n" + quoted))
        // Control: a reply quoting one notification binds its ticket.
        #expect(SignedTicketBinding.binds(TicketID(13), ownWords: "resolve", wholeText: "resolve\n> [staged-rollout #13] Please test"))
    }

    @Test("a manager's signed mail for ticket #13 re-sent tagged for #12: weak, why recorded, nothing changes")
    func resentToAnotherTicket() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let raw = Array(Self.headers().utf8) + (try Self.thunderbirdBody(signed.ca, ["escalate"] + Self.quoting(13)))
        try await expectRefused(raw, "the signed words do not name ticket #12 alone", in: signed)
    }

    @Test("a signed reply quoting a relayed \"see also #12\" re-sent tagged for #12 (review of issue 23): weak; the genuine one, for #13, strong")
    func quotedMentionOfAnotherTicket() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let body = try Self.thunderbirdBody(signed.ca, ["escalate"] + Self.quoting(13) + ["> see also #12, it has the same problem"])
        try await expectRefused(Array(Self.headers(ticket: 12).utf8) + body, "the signed words do not name ticket #12 alone", in: signed)
        // Control: the signer's own words naming the ticket bind it, whatever the quote names.
        let own = try Self.thunderbirdBody(signed.ca, ["#12: escalate"] + Self.quoting(13) + ["> see also #12"])
        let analysis = try await signed.ingest.analyze(Array(Self.headers(ticket: 12).utf8) + own)
        #expect(analysis.authentication == .strong && analysis.basis == .signature, "\(String(describing: analysis.signature))")
    }

    @Test("a copy of the genuine mail sent first to another ticket does not make the genuine mail a duplicate")
    func copyFirstThenGenuine() async throws {
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let body = try Self.thunderbirdBody(signed.ca, ["escalate"] + Self.quoting())
        let copy = Array(Self.headers(ticket: 13).utf8) + body
        let copied = try await signed.ingest.analyze(copy)
        #expect(copied.authentication == .weak && copied.signature?.refusal == "the signed words do not name ticket #13 alone")
        _ = try await signed.ingest.ingest(copy)
        #expect(try await signed.history(.escalation).isEmpty)

        let genuine = try await signed.ingest.ingest(Array(Self.headers().utf8) + body)
        #expect(genuine.disposition == .applied)
        #expect(genuine.results.map(\.status) == [.applied])
        let escalated = try #require(try await signed.history(.escalation).first)
        #expect(escalated.authentication == .strong && escalated.basis == .signature)
    }

    @Test("a signed reply naming no ticket counts when its reply token is valid for the ticket and the sender")
    func tokenBound() async throws {
        let signed = try await SignedWorld(tokens: true)
        defer { signed.world.cleanUp() }
        let signer = try #require(signed.world.gateway.renderer.signer)
        let address = signer.address(for: TicketID(12), recipient: EmailAddress("mario.david@lip.example.org"))
        let raw = Array(Self.headers(to: address.value).utf8) + (try Self.thunderbirdBody(signed.ca, ["escalate"]))
        let analysis = try await signed.ingest.analyze(raw)
        #expect(analysis.authentication == .strong && analysis.basis == .signature)
        #expect(try await signed.ingest.ingest(raw).results.map(\.status) == [.applied])
    }
}
