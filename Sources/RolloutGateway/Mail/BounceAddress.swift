import Crypto
import Foundation
import RolloutCore

/// The envelope sender of one outgoing copy (VERP), `<local>+b-<message key>-<MAC>@<domain>` (SPEC §5 "Delivery
/// reports are believed only for our own copies").
///
/// The message key is `<ticket>.<copy>`: the ticket in decimal and six base32 letters of the copy's Message-ID, so that
/// every copy has its own address and the local part stays within 64 octets. The MAC, HMAC-SHA256 under the
/// reply-address keys (``ReplyAddressSigner``), binds the message key to the copy's recipient: a delivery report
/// counts only for the recipient of the copy whose address it came to, and nobody without the key can make one.
/// Letters are lower-case base32, so an MTA that changes the case of the local part changes nothing.
public struct BounceAddress: Sendable, Equatable {
    /// The ticket the copy was about.
    public var ticket: TicketID
    /// `<ticket>.<copy>`, as written in the address.
    public var messageKey: String
    /// The copy's recipient, the only one a report to this address may name.
    public var recipient: EmailAddress

    public init(ticket: TicketID, messageKey: String, recipient: EmailAddress) {
        self.ticket = ticket
        self.messageKey = messageKey
        self.recipient = recipient
    }

    /// The token's marker after the `+`.
    static let prefix = "b-"

    /// The message key of a copy: its ticket and a short digest of its Message-ID.
    static func messageKey(ticket: TicketID, messageID: String) -> String {
        "\(ticket.rawValue).\(base32(Array(SHA256.hash(data: Data(messageID.utf8)))).prefix(6))"
    }

    /// What the MAC covers: the message key and the recipient, lower-cased.
    static func signedText(messageKey: String, recipient: EmailAddress) -> String {
        "bounce:\(messageKey)|to:\(recipient.key)"
    }

    /// The ticket of a message key, when it is well formed (`12.abcdef`).
    static func ticket(ofMessageKey key: Substring) -> TicketID? {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 6, parts[1].allSatisfy(alphabet.contains),
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(parts[0]), number > 0
        else { return nil }
        return TicketID(number)
    }

    /// RFC 4648 base32, lower-case, without padding.
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    /// `bytes` in ``alphabet``: five bits a letter, the last letter padded with zero bits.
    static func base32(_ bytes: [UInt8]) -> String {
        var out = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[(buffer >> bits) & 31])
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return out
    }
}
