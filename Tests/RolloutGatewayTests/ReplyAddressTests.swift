import Crypto
import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("Signed reply addresses: one per person, one per list, keys that rotate")
struct ReplyAddressTests {
    static let base = EmailAddress("staged-rollout@rollout.example.org")
    let signer = try! ReplyAddressSigner(secret: Array("0123456789abcdef-test-secret".utf8), base: Self.base)
    let mario = EmailAddress("mario.david@lip.example.org")
    let paolo = EmailAddress("paolo.veronesi@cnaf.example.org")

    @Test("a person's address names its ticket and makes strong only the person it was issued to")
    func person() {
        let address = signer.address(for: TicketID(12), recipient: mario)
        #expect(address.value.hasPrefix("staged-rollout+t12-p"))
        #expect(address.value.split(separator: "@")[0].count <= 64)
        #expect(signer.read(address, sender: mario) == .person(TicketID(12), issuedToSender: true))
        #expect(signer.read(EmailAddress(address.value.uppercased()), sender: EmailAddress("Mario.David@LIP.example.org")) == .person(TicketID(12), issuedToSender: true))
        #expect(signer.read(address, sender: paolo) == .person(TicketID(12), issuedToSender: false))
        #expect(signer.read(address, sender: nil) == .person(TicketID(12), issuedToSender: false))
    }

    @Test("a list's address names the ticket and nobody's identity")
    func list() {
        let address = signer.listAddress(for: TicketID(12))
        #expect(signer.read(address, sender: mario) == .list(TicketID(12)))
        // Turning a list token into a person's token needs the person's MAC, which no list member has.
        let token = address.value.split(separator: "+")[1].split(separator: "@")[0]
        let forged = "staged-rollout+\(token.replacingOccurrences(of: "-l", with: "-p"))000000000000@rollout.example.org"
        #expect(signer.read(EmailAddress(forged), sender: mario) == .person(TicketID(12), issuedToSender: false))
    }

    @Test("an altered ticket number, a made-up MAC or another gateway's key does not verify")
    func invalid() {
        let address = signer.address(for: TicketID(12), recipient: mario).value
        let otherTicket = address.replacingOccurrences(of: "+t12-", with: "+t13-")
        guard case .invalid = signer.read(EmailAddress(otherTicket), sender: mario) else {
            Issue.record("a token moved to another ticket must not verify")
            return
        }
        let other = try! ReplyAddressSigner(secret: Array("another-secret-of-16+".utf8), base: Self.base)
        #expect(other.read(signer.address(for: TicketID(12), recipient: mario), sender: mario) == .invalid(String(address.split(separator: "+")[1].split(separator: "@")[0])))
        #expect(signer.read(EmailAddress("staged-rollout+t12-0000000000000000@rollout.example.org"), sender: mario) == .invalid("t12-0000000000000000"))
        #expect(signer.read(EmailAddress("staged-rollout+hello@rollout.example.org"), sender: mario) == .invalid("hello"))
        #expect(signer.read(EmailAddress("staged-rollout@rollout.example.org"), sender: mario) == .notSigned)
        #expect(signer.read(EmailAddress("someone+t12-abc@rollout.example.org"), sender: mario) == .notSigned)
        #expect(signer.read(EmailAddress("staged-rollout+bounces-t12@rollout.example.org"), sender: mario) == .notSigned)
    }

    @Test("rotation: the newest key signs, the older ones still verify until removed")
    func rotation() throws {
        let old = Array("the-old-secret-of-the-gateway".utf8)
        let new = Array("the-new-secret-of-the-gateway".utf8)
        let before = try ReplyAddressSigner(secrets: [old], base: Self.base)
        let during = try ReplyAddressSigner(secrets: [new, old], base: Self.base)
        let after = try ReplyAddressSigner(secrets: [new], base: Self.base)
        let issuedBefore = before.address(for: TicketID(12), recipient: mario)
        #expect(during.read(issuedBefore, sender: mario) == .person(TicketID(12), issuedToSender: true))
        #expect(during.address(for: TicketID(12), recipient: mario) == after.address(for: TicketID(12), recipient: mario))
        guard case .invalid = after.read(issuedBefore, sender: mario) else {
            Issue.record("a removed key must not verify")
            return
        }
    }

    @Test("a token signed before tokens were per person still names its ticket, as a list's does")
    func legacy() {
        let secret = Array("0123456789abcdef-test-secret".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: Data("ticket:12".utf8), using: SymmetricKey(data: secret))
        let hex = mac.prefix(8).map { String(format: "%02x", $0) }.joined()
        #expect(signer.read(EmailAddress("staged-rollout+t12-\(hex)@rollout.example.org"), sender: mario) == .list(TicketID(12)))
    }

    @Test("short, blank, one-byte and missing secret files are refused", arguments: ["short", "                                  \n", String(repeating: "a", count: 40)])
    func badSecrets(content: String) throws {
        let path = NSTemporaryDirectory() + "rg-secret-" + UUID().uuidString
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: GatewayError.self) { _ = try ReplyAddressSigner.secret(fromFile: path) }
        #expect(throws: GatewayError.self) { _ = try ReplyAddressSigner.secret(fromFile: path + ".missing") }
        #expect(throws: GatewayError.self) { _ = try ReplyAddressSigner.secret(fromFile: NSTemporaryDirectory()) }
    }
}
