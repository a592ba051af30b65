import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

@Suite("One MIME write per notification: the other recipients' copies are made from the first one's bytes")
struct MessageCopyTests {
    let composer = MailComposer(
        from: EmailAddress("staged-rollout@rollout.example.org"), displayName: "EGI Staged Rollout — Früh", writer: GMimeMessageWriter())
    let signer = try! ReplyAddressSigner(secret: Array("0123456789abcdef-test-secret".utf8), base: EmailAddress("staged-rollout@rollout.example.org"))

    func draft(_ recipient: String, id: String, list: Bool = false) -> MailComposer.Draft {
        var draft = MailComposer.Draft(
            to: [EmailAddress(recipient)], subject: "[staged-rollout #12] Please test Staged Rollout EMI-1.0 — ünïcödé",
            body: "Dear team,\n\nplease reply with one line:\n  accept NGI_IT-INFN-T1\n\n-- \nEGI", messageID: id,
            ticket: TicketID(12), date: Date(timeIntervalSince1970: 1_764_600_000))
        draft.inReplyTo = "CAF3x9@mail.example.com"
        draft.bulk = list
        draft.replyTo = list ? signer.listAddress(for: TicketID(12)) : signer.address(for: TicketID(12), recipient: EmailAddress(recipient))
        return draft
    }

    @Test(
        "a copy made from the first is byte for byte the copy the MIME writer would write",
        arguments: [
            "joao.pina@lip.example.org", "a@b.eu",
            "a.very.long.local.part.of.an.early.adopter.with.many.dots@some-grid-site.physics.university.example.org",
        ])
    func sameBytes(recipient: String) throws {
        for (firstID, otherID) in [
            ("rg.12.team-assigned.1764600000.abc.x1@rollout.example.org", "rg.12.team-assigned.1764600000.abc.y22@rollout.example.org"),
            // Long IDs of equal length, as the renderer makes them, fold alike.
            ("rg.12.answer-acknowledged.1764600000.1a2b3c4d5e6f7.0000000000abc@rollout.example.org",
             "rg.12.answer-acknowledged.1764600000.1a2b3c4d5e6f7.00000000zz123@rollout.example.org"),
        ] {
            let first = draft("mario.david@lip.example.org", id: firstID)
            let other = draft(recipient, id: otherID)
            // Either the copy is exactly what the writer would write, or it is refused and written in full.
            if let made = MailComposer.copy(of: composer.compose(first), composedFrom: first, as: other) {
                #expect(made == composer.compose(other), "\(recipient) \(otherID)")
            } else {
                #expect(recipient.count > 60, "a short address must be copied, not written again")
            }
        }
    }

    @Test("copies that differ in more than the three values are written in full")
    func refusesOtherDifferences() {
        let first = draft("mario.david@lip.example.org", id: "one@rollout.example.org")
        let list = draft("early-adopters-emi@lists.egi.example.org", id: "two@rollout.example.org", list: true)
        #expect(MailComposer.copy(of: composer.compose(first), composedFrom: first, as: list) == nil)
        var otherBody = draft("joao.pina@lip.example.org", id: "three@rollout.example.org")
        otherBody.body += "\nmore"
        #expect(MailComposer.copy(of: composer.compose(first), composedFrom: first, as: otherBody) == nil)
    }
}
