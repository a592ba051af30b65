import CGMime
import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// The writer gives an ASCII mailbox its IDNA form itself (`CGMime_mailbox_preset_ascii_idn_addr`) instead of letting
/// GMime ask libidn2 on every encoding of the list: equivalent only while libidn2 gives ASCII back as it is.
@Suite("Addresses in written mail: an ASCII address is its own IDNA form")
struct IDNAddressTests {
    /// The address GMime writes for `address`, with its IDNA form derived by GMime (libidn2) or preset.
    private static func written(_ address: String, preset: Bool) -> String {
        g_mime_init()  // counted: the writer's own initialisation stays in force
        let mailbox = internet_address_mailbox_new(nil, address)!
        defer { g_object_unref(mailbox) }
        if preset { CGMime_mailbox_preset_ascii_idn_addr(CGMime_internet_address_mailbox(mailbox)) }
        return String(cString: internet_address_mailbox_get_idn_addr(CGMime_internet_address_mailbox(mailbox)))
    }

    @Test("for ASCII addresses of every shape libidn2 is asked about, the preset form is libidn2's")
    func asciiUnchanged() {
        // Capitals, A-labels valid and not, hyphens where IDNA forbids them, underscores, digits, empty labels,
        // trailing dots, literals, quoted local parts, no domain, and generated labels of an edge-case alphabet.
        var addresses = [
            "a@EXAMPLE.org", "Ab.C@Example.ORG.", "a@xn--bcher-kva.example", "a@XN--BCHER-KVA.example", "a@xn--zz.org",
            "a@-x.org", "a@x-.org", "a@ab--cd.org", "a@exa_mple.org", "a@1.2.3.4", "a@[1.2.3.4]", "a@x..org", "a@.x.org",
            "a@", "@x.org", "plain", "\"q r\"@x.org", "a@x.org@y.org", "a@" + String(repeating: "x", count: 70) + ".org",
            "staged-rollout+bounces-t7@rollout.example.org",
        ]
        let alphabet = ["a", "Z", "-", "_", "0", ".", "xn--"]
        for first in alphabet { for second in alphabet { for third in alphabet { addresses.append("u@\(first)\(second)\(third).org") } } }
        for address in addresses {
            #expect(Self.written(address, preset: true) == Self.written(address, preset: false), "\(address)")
        }
    }

    @Test("an address beyond ASCII is still converted by libidn2, in the writer's output too")
    func nonASCIIConverted() {
        #expect(Self.written("a@bücher.example", preset: true) == "a@xn--bcher-kva.example")
        let mail = GMimeMessageWriter().write(
            MailMessage(
                from: Mailbox(address: EmailAddress("gw@example.org")), to: [EmailAddress("a@bücher.example")], subject: "s",
                date: Date(timeIntervalSince1970: 0), messageID: "m@example.org", references: [],
                replyTo: Mailbox(address: EmailAddress("gw@example.org")), extraHeaders: [], body: "b"))
        let text = String(decoding: mail, as: UTF8.self)
        #expect(text.contains("To: a@xn--bcher-kva.example\r\n"))
    }
}
