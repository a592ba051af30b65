import Foundation
import RolloutCore

/// Builds RFC 5322 messages for notifications: threading headers, the subject tag, loop and
/// auto-reply suppression, encoded words for non-ASCII text, quoted-printable bodies.
///
/// Header values are cleaned of CR, LF and other control characters, so that nothing taken from a
/// ticket, a team name or a file name can add a header.
public struct MailComposer: Sendable {
    public let from: EmailAddress
    public var displayName: String
    /// Turns the resolved message into bytes (MIME, encodings).
    public var writer: any MessageWriter
    /// Keys the thread roots (``threadRoot(of:for:)``); nil without reply-address secrets (the demo), where roots are
    /// a plain hash of the address.
    public var threadRootSigner: ReplyAddressSigner?

    public init(from: EmailAddress, displayName: String, writer: any MessageWriter, threadRootSigner: ReplyAddressSigner? = nil) {
        self.from = from
        (domain, fromLocalPart) = Self.parts(of: from)
        self.displayName = displayName
        self.writer = writer
        self.threadRootSigner = threadRootSigner
    }

    /// The domain of the gateway's mail: its address's, `localhost` without one. Kept with `from`, not derived per
    /// use: every copy's Message-ID, thread root and return path names it.
    public let domain: String
    /// The gateway address's local part, as the return paths build on it.
    private let fromLocalPart: String

    private static func parts(of from: EmailAddress) -> (domain: String, localPart: String) {
        let domain = from.domain
        return (domain.isEmpty ? "localhost" : domain, from.value.split(separator: "@").first.map(String.init) ?? from.value)
    }

    /// The envelope sender (return path) of a ticket's mail, `<local>+bounces-t<N>@<domain>`: a bounce comes back
    /// to it, so it names its ticket even when the returned message was cut off.
    public func returnPath(for ticket: TicketID?) -> EmailAddress {
        guard let ticket else { return from }
        return EmailAddress("\(fromLocalPart)+bounces-t\(ticket.rawValue)@\(domain)")
    }

    /// The envelope sender of one copy of a ticket's mail: with a signer, the copy's own signed bounce address
    /// (``BounceAddress``), so that a delivery report counts only for that copy's recipient; without one (the demo),
    /// the ticket's return path.
    public func returnPath(
        for ticket: TicketID?, copy messageID: String, to recipient: EmailAddress, signer: ReplyAddressSigner?
    ) -> EmailAddress {
        guard let ticket, let signer else { return returnPath(for: ticket) }
        return signer.bounceAddress(ticket: ticket, messageID: messageID, recipient: recipient)
    }

    /// The ticket a return path names, when it is one of ours.
    public func ticket(inReturnPath address: EmailAddress) -> TicketID? {
        let local = from.key.split(separator: "@").first.map(String.init) ?? ""
        let prefix = "\(local)+bounces-t"
        guard address.domain == domain.lowercased(), address.key.hasPrefix(prefix) else { return nil }
        let number = address.key.dropFirst(prefix.count).prefix { $0 != "@" }
        return Int(number).flatMap { $0 > 0 ? TicketID($0) : nil }
    }

    /// The Message-ID of one person's first message of a ticket, which every later one to them refers to (issue 20
    /// #8): a root they received, so that a mail client threads the ticket under it with no missing parent.
    /// `rg.<N>.thread.<keyed hash of the ticket and address>@<domain>` (keyed by ``threadRootSigner``, so that no
    /// stranger can name it first): the same for the same person and ticket (no look-up needed to
    /// name it), one length for every person (copies of one notification differ only in it), and found again by
    /// ``TicketReferenceFinder`` like every `rg.<N>.…` ID. Mail sent before it referred to `ticket-<N>@<domain>`, a
    /// message never sent; replies naming that are still found.
    public func threadRoot(of ticket: TicketID, for recipient: EmailAddress) -> String {
        let hash = threadRootSigner.map { MessageIDHash.fixedWidth($0.threadRootHash(ticket: ticket, recipient: recipient)) }
        return "rg.\(ticket.rawValue).thread.\(hash ?? MessageIDHash.fixedWidth(recipient))@\(domain)"
    }

    /// A message to compose.
    public struct Draft: Sendable {
        public var to: [EmailAddress]
        public var subject: String
        public var body: String
        public var messageID: String
        public var ticket: TicketID?
        public var date: Date
        /// `Auto-Submitted` value: `auto-generated` for notifications, `auto-replied` for transcripts.
        public var autoSubmitted: String = "auto-generated"
        /// Set on posts to mailing lists.
        public var bulk: Bool = false
        /// The message answered, when this is a reply.
        public var inReplyTo: String?
        /// The answered message's own chain (its `References`), oldest first: kept, bounded, in ours.
        public var references: [String] = []
        /// The address replies should go to: the ticket's signed reply address when one is issued.
        public var replyTo: EmailAddress?
        /// The recipient's thread root (``MailComposer/threadRoot(of:for:)``), the first ID of `References`; nil
        /// when this message is that root, or belongs to no ticket.
        public var threadRoot: String?
        /// Files sent after the text (``MailAttachment``).
        public var attachments: [MailAttachment] = []
        /// Whether the gateway's signature (`outbox.smime`) may vouch for the text: false for relayed conversation,
        /// whose words are a sender's, perhaps a forger's, and would otherwise carry the gateway's signature.
        public var signable = true

        public init(to: [EmailAddress], subject: String, body: String, messageID: String, ticket: TicketID?, date: Date) {
            self.to = to
            self.subject = subject
            self.body = body
            self.messageID = messageID
            self.ticket = ticket
            self.date = date
        }

        /// `References` (RFC 5322 §3.6.4): the thread root, the answered message's chain, the answered message; the
        /// last is `In-Reply-To` (the root itself for a notification that answers nothing).
        public var referenceList: ReferenceList {
            ReferenceList(root: threadRoot, chain: references, answered: inReplyTo)
        }
    }

    /// The message's bytes, CRLF line ends: the headers this gateway sets, written by the ``MessageWriter``.
    public func compose(_ draft: Draft) -> [UInt8] {
        let references = draft.referenceList.ids
        var extra: [(String, String)] = [
            ("Auto-Submitted", draft.autoSubmitted),
            ("X-Auto-Response-Suppress", "All"),
            ("X-Loop", from.value),
        ]
        if draft.bulk { extra.append(("Precedence", "bulk")) }
        var message = MailMessage(
            from: Mailbox(name: displayName, address: from), to: draft.to, subject: draft.subject, date: draft.date,
            messageID: draft.messageID, references: references,
            replyTo: Mailbox(name: displayName, address: draft.replyTo ?? from), extraHeaders: extra, body: draft.body)
        message.attachments = draft.attachments
        message.signable = draft.signable
        return writer.write(message)
    }
}
