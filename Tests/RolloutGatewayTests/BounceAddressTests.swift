import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("Signed bounce addresses: one per copy, bound to its recipient, keys that rotate")
struct BounceAddressTests {
    static let base = EmailAddress("staged-rollout@rollout.example.org")
    let signer = try! ReplyAddressSigner(secret: Array("0123456789abcdef-test-secret".utf8), base: Self.base)
    let mario = EmailAddress("mario.david@lip.example.org")
    let paolo = EmailAddress("paolo.veronesi@cnaf.example.org")
    let messageID = "rg.12.team-assigned.1764600000.3k2j4h.0abcdefghijkl@rollout.example.org"

    @Test("round trip: the address of a copy names its ticket and verifies for its recipient only")
    func roundTrip() {
        let address = signer.bounceAddress(ticket: TicketID(12), messageID: messageID, recipient: mario)
        #expect(address.value.hasPrefix("staged-rollout+b-12."))
        #expect(address.domain == "rollout.example.org")
        let read = signer.readBounce(address, failedRecipient: mario)
        #expect(read?.ticket == TicketID(12))
        #expect(read?.recipient == mario)
        #expect(signer.readBounce(address, failedRecipient: paolo) == nil, "a report naming another recipient")
    }

    @Test("each copy has its own address: another copy's address does not verify for this recipient")
    func perCopy() {
        let marioCopy = signer.bounceAddress(ticket: TicketID(12), messageID: messageID, recipient: mario)
        let paoloCopy = signer.bounceAddress(ticket: TicketID(12), messageID: messageID + ".x", recipient: paolo)
        let otherMessage = signer.bounceAddress(ticket: TicketID(12), messageID: "another@rollout.example.org", recipient: mario)
        #expect(marioCopy != otherMessage)
        #expect(signer.readBounce(paoloCopy, failedRecipient: mario) == nil)
        #expect(signer.readBounce(paoloCopy, failedRecipient: paolo) != nil)
    }

    @Test("a changed ticket, message key or MAC, another local part or domain, or another key does not verify")
    func wrongMAC() throws {
        let address = signer.bounceAddress(ticket: TicketID(12), messageID: messageID, recipient: mario).value
        let token = String(address.split(separator: "+")[1].split(separator: "@")[0])
        let fields = token.split(separator: "-")
        let mac = String(fields[2])
        let flipped = String(mac.dropLast()) + (mac.last == "a" ? "b" : "a")
        for forged in [
            address.replacingOccurrences(of: "+b-12.", with: "+b-13."),
            address.replacingOccurrences(of: mac, with: flipped),
            address.replacingOccurrences(of: mac, with: String(mac.dropLast())),
            address.replacingOccurrences(of: "staged-rollout+", with: "other+"),
            address.replacingOccurrences(of: "@rollout.example.org", with: "@attacker.example.net"),
            "staged-rollout+b-12.aaaaaa-aaaaaaaaaaaaaaaa@rollout.example.org",
            "staged-rollout+bounces-t12@rollout.example.org",
            "staged-rollout@rollout.example.org",
        ] {
            #expect(signer.readBounce(EmailAddress(forged), failedRecipient: mario) == nil, "\(forged)")
        }
        let other = try ReplyAddressSigner(secret: Array("another-secret-of-16+".utf8), base: Self.base)
        #expect(other.readBounce(EmailAddress(address), failedRecipient: mario) == nil)
    }

    @Test("rotation: the newest key signs, older ones verify until removed")
    func rotation() throws {
        let old = Array("the-old-secret-of-the-gateway".utf8)
        let new = Array("the-new-secret-of-the-gateway".utf8)
        let before = try ReplyAddressSigner(secrets: [old], base: Self.base)
        let during = try ReplyAddressSigner(secrets: [new, old], base: Self.base)
        let after = try ReplyAddressSigner(secrets: [new], base: Self.base)
        let issuedBefore = before.bounceAddress(ticket: TicketID(12), messageID: messageID, recipient: mario)
        #expect(during.readBounce(issuedBefore, failedRecipient: mario) != nil)
        #expect(after.readBounce(issuedBefore, failedRecipient: mario) == nil)
        let issuedDuring = during.bounceAddress(ticket: TicketID(12), messageID: messageID, recipient: mario)
        #expect(issuedDuring == after.bounceAddress(ticket: TicketID(12), messageID: messageID, recipient: mario))
        #expect(after.readBounce(issuedDuring, failedRecipient: mario) != nil)
    }

    @Test("the local part stays within 64 octets (RFC 5321 §4.5.3.1.1), up to ticket 9,999,999", arguments: [1, 12, 99_999, 9_999_999])
    func length(ticket: Int) {
        let address = signer.bounceAddress(ticket: TicketID(ticket), messageID: messageID, recipient: mario)
        #expect(address.value.split(separator: "@")[0].utf8.count <= 64)
    }

    @Test("case: an MTA that upper-cases the address or the recipient changes nothing")
    func letterCase() {
        let address = signer.bounceAddress(ticket: TicketID(12), messageID: messageID, recipient: mario)
        #expect(address.value == address.value.lowercased())
        let shouted = EmailAddress(address.value.uppercased())
        #expect(signer.readBounce(shouted, failedRecipient: EmailAddress("Mario.David@LIP.example.org"))?.ticket == TicketID(12))
    }

    @Test("a bounce address is no reply token: never read as an invalid one")
    func notAReplyToken() {
        let address = signer.bounceAddress(ticket: TicketID(12), messageID: messageID, recipient: mario)
        #expect(signer.read(address, sender: mario) == .notSigned)
        #expect(signer.read(EmailAddress("staged-rollout+b-12.aaaaaa-aaaaaaaaaaaaaaaa@rollout.example.org"), sender: mario) == .notSigned)
    }

    @Test("each copy of a notification goes out from its own bounce address; without a secret, the ticket's return path")
    func envelopeSender() {
        let composer = MailComposer(from: Self.base, displayName: "Staged Rollout", writer: NoWriter())
        let signed = composer.returnPath(for: TicketID(12), copy: messageID, to: mario, signer: signer)
        #expect(signer.readBounce(signed, failedRecipient: mario) != nil)
        #expect(composer.returnPath(for: TicketID(12), copy: messageID, to: mario, signer: nil).value == "staged-rollout+bounces-t12@rollout.example.org")
    }
}

/// A writer that is never asked to write.
private struct NoWriter: MessageWriter {
    func write(_ message: MailMessage) -> [UInt8] { [] }
}
