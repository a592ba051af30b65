import Crypto
import Foundation
import RolloutCore

extension ReplyAddressSigner {
    /// The keyed hash of a person's thread root of a ticket (``MailComposer/threadRoot(of:for:)``), 64 bits of an
    /// HMAC-SHA256 by the signing key: a stranger who knows the ticket number and the address cannot name the root
    /// ahead of the gateway, so cannot send the person a message with that Message-ID first (a mail store that keeps
    /// one message per Message-ID would then drop the gateway's notice). A key rotation starts new roots: mail after
    /// it threads under a new first message, nothing is lost.
    public func threadRootHash(ticket: TicketID, recipient: EmailAddress) -> UInt64 {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("rollout-gateway thread root:\(ticket.rawValue):\(recipient.key)".utf8),
            using: SymmetricKey(data: keys[0].secret))
        return Array(code).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
