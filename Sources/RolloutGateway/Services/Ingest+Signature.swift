import Foundation
import RolloutCore

extension Ingest {
    /// Checks the signature of a reply (issue 23, SPEC §5): a valid signature of the sender makes them strong by
    /// `signature`; a valid signature also makes its part the only words that count (text outside it — a list
    /// footer, a forwarder's note — is never commands); a signature not accepted, or by someone else than the
    /// sender, makes the message weak, and says why. Signatures are looked at only when a verifier is at hand and
    /// `inbound.strong_by` lists `signature`; parts of a scheme the verifier does not check (OpenPGP without
    /// `inbound.openpgp`) leave the mail unsigned, and say so.
    ///
    /// The check runs on the global executor whatever executor the caller prefers: verifying an OpenPGP signature waits
    /// on a `gpg` process (GPGME), and re-reading the signed content is the MIME parser's work. Inside a PostgreSQL
    /// transaction the caller's task runs on its connection's event loop, which must never wait (RELIABILITY.md).
    func checkSignature(_ analysis: inout Analysis) async {
        await withTaskExecutorPreference(globalConcurrentExecutor) { checkSignatureHere(&analysis) }
    }

    /// ``checkSignature(_:)`` on the calling thread.
    private func checkSignatureHere(_ analysis: inout Analysis) {
        guard let verifier, configuration.strongBases.contains(.signature), analysis.classification.kind == .reply else { return }
        let parts = analysis.message.signedParts.filter { verifier.schemes.contains($0.scheme) }
        if parts.isEmpty, let unchecked = analysis.message.signedParts.first(where: { !verifier.schemes.contains($0.scheme) }) {
            analysis.uncheckedSignature = Self.uncheckedReason(unchecked.scheme)
        }
        guard let part = parts.first else { return }
        guard parts.count == 1 else {
            analysis.signature = .refused("the message holds \(parts.count) signed parts; one signed reply is expected")
            return
        }
        switch verifier.verify(part, at: arrival(of: analysis)) {
        case .refused(let why):
            analysis.signature = .refused(why)
        case .verified(let signature):
            let signed = parser.parse(signature.content)
            analysis.signedText = signed.text
            analysis.reply = ReplyText(signed.text)
            analysis.lines = analysis.reply.readLines
            // The DN map is for certificates, whose subject a CA vouched for within its namespace; an OpenPGP user ID is
            // whatever the key's owner wrote, a manager's DN included.
            let people = part.scheme == .smime ? configuration.smime.people : [:]
            analysis.signature = Self.signerMatch(signature, sender: analysis.sender, people: people)
            if analysis.signature?.signer != nil, let ticket = analysis.ticket,
                !bindsTicket(
                    ticket, signedSubject: signed.headers.subject, ownWords: analysis.reply.newText, signedText: signed.text, token: analysis.token)
            {
                // Someone holding a copy (a Cc, the list) re-sends it tagged for another ticket: the signature is the
                // manager's, the ticket is not what they signed for. Not strong, and not recorded as the mail's own.
                analysis.signature = .refused("the signed words do not name ticket #\(ticket.rawValue) alone")
            }
            // Only a signature that made the sender strong is recorded as the mail's own (Ingest+Replay.swift):
            // a refused copy must not make the genuine mail a duplicate.
            if analysis.signature?.signer != nil { analysis.signatureBytes = signature.signature }
            if analysis.signature?.signer != nil, let signedAt = signature.signedAt {
                // The signing time is signed, the Date field is not: the mail counts as written no later than it.
                analysis.message.headers.writtenAt = min(analysis.message.headers.writtenAt ?? signedAt, signedAt)
            }
        }
    }

    /// Why a signature of `scheme` was not looked at.
    static func uncheckedReason(_ scheme: SignedPart.Scheme) -> String {
        switch scheme {
        case .openpgp: "an OpenPGP signature, not checked: no inbound.openpgp keyring is configured; the mail counts as unsigned"
        case .smime: "an S/MIME signature, not checked by this gateway; the mail counts as unsigned"
        }
    }

    /// Whether the signed content binds the message to `ticket` (SPEC §5 "Signed mail"): the signed part's subject
    /// carries the ticket's tag, or the signed words name `#T` / `ticket T` and no other ticket — the signer's own
    /// words when they name one, else the whole signed text (``SignedTicketBinding``); or the reply token is valid
    /// for the ticket and was issued to this sender (token-bound: the token names the ticket).
    func bindsTicket(
        _ ticket: TicketID, signedSubject: String, ownWords: String, signedText: String, token: ReplyAddressSigner.Reading?
    ) -> Bool {
        if case .person(let tokenTicket, issuedToSender: true) = token, tokenTicket == ticket { return true }
        if let (tagged, _) = finder.subjectTag(in: signedSubject), tagged == ticket { return true }
        return SignedTicketBinding.binds(ticket, ownWords: ownWords, wholeText: signedText)
    }

    /// Whether a valid signature is the sender's: the certificate names the From address (the domain compared
    /// without case), or the configuration maps the certificate's subject to it.
    static func signerMatch(_ signature: VerifiedSignature, sender: EmailAddress?, people: [String: EmailAddress]) -> SignatureCheck {
        guard let sender else { return .refused("the message names no single sender to compare the signer with") }
        if signature.addresses.contains(sender) || people[signature.signer.subject] == sender {
            return .signedBySender(signature.signer)
        }
        let named = signature.addresses.isEmpty ? "no e-mail address" : signature.addresses.map(\.value).joined(separator: ", ")
        return .refused(
            "the message is signed by \(signature.signer.subject) (\(named)), not by \(sender.value) who sent it")
    }
}
