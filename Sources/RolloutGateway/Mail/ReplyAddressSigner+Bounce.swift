import Crypto
import Foundation
import RolloutCore

extension ReplyAddressSigner {
    /// The bounce address of one copy: `staged-rollout+b-12.k4m2pq-<16 letters>@rollout.example.org`, signed with the
    /// newest key for the copy's recipient.
    public func bounceAddress(ticket: TicketID, messageID: String, recipient: EmailAddress) -> EmailAddress {
        let key = BounceAddress.messageKey(ticket: ticket, messageID: messageID)
        return EmailAddress("\(localPart)+\(BounceAddress.prefix)\(key)-\(bounceMAC(keys[0], key, recipient))@\(base.domain)")
    }

    /// The copy a delivery report came back for, when `address` is one of our bounce addresses and was issued for
    /// `failedRecipient`, under any configured key; nil otherwise (another address, another copy's, a forged MAC).
    public func readBounce(_ address: EmailAddress, failedRecipient: EmailAddress) -> BounceAddress? {
        let parts = address.key.split(separator: "@")
        guard parts.count == 2, String(parts[1]) == base.domain.lowercased(),
            let plus = parts[0].firstIndex(of: "+"), String(parts[0][..<plus]) == localPart.lowercased()
        else { return nil }
        let token = parts[0][parts[0].index(after: plus)...]
        guard token.hasPrefix(BounceAddress.prefix) else { return nil }
        let fields = token.dropFirst(BounceAddress.prefix.count).split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 2, let ticket = BounceAddress.ticket(ofMessageKey: fields[0]) else { return nil }
        let messageKey = String(fields[0])
        // Every key is tried, so that the time taken does not tell which one nearly matched.
        var verified = false
        for key in keys where Self.equal(String(fields[1]), bounceMAC(key, messageKey, failedRecipient)) { verified = true }
        return verified ? BounceAddress(ticket: ticket, messageKey: messageKey, recipient: failedRecipient) : nil
    }

    /// Ten bytes of HMAC-SHA256 in base32: 16 letters.
    private func bounceMAC(_ key: Key, _ messageKey: String, _ recipient: EmailAddress) -> String {
        let text = BounceAddress.signedText(messageKey: messageKey, recipient: recipient)
        let code = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: key.secret))
        return BounceAddress.base32(Array(code.prefix(10)))
    }
}
