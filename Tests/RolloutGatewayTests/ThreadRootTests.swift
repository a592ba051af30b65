import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// Threading on roots people received (issue 20 #8): a person's first message of a ticket is their root; every later
/// one refers to it, and copies of one notification still share one MIME write.
@Suite("Each person's mail of a ticket refers to their own first message of it")
struct ThreadRootTests {
    let composer = MailComposer(
        from: EmailAddress("staged-rollout@rollout.example.org"), displayName: "EGI Staged Rollout", writer: GMimeMessageWriter())

    func draft(_ recipient: String, id: String, answered: String? = nil, root: Bool = true) -> MailComposer.Draft {
        var draft = MailComposer.Draft(
            to: [EmailAddress(recipient)], subject: "[staged-rollout #12] Conversation on Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1",
            body: "Paolo Veronesi wrote:\n\nStill testing.", messageID: id, ticket: TicketID(12), date: Date(timeIntervalSince1970: 1_764_600_000))
        if root { draft.threadRoot = composer.threadRoot(of: TicketID(12), for: EmailAddress(recipient)) }
        draft.inReplyTo = answered
        return draft
    }

    @Test(
        "a copy whose thread root differs is byte for byte what the MIME writer would write",
        arguments: ["joao.pina@lip.example.org", "a@b.eu", "goncalo.borges@lip.example.org"], [nil, "CAF3x9@mail.example.com"])
    func copiesSwapTheRoot(recipient: String, answered: String?) throws {
        let first = draft("mario.david@lip.example.org", id: "rg.12.conversation.1764600000.k3x9.0000000000abc@rollout.example.org", answered: answered)
        let other = draft(recipient, id: "rg.12.conversation.1764600000.k3x9.00000000zz123@rollout.example.org", answered: answered)
        let made = try #require(MailComposer.copy(of: composer.compose(first), composedFrom: first, as: other))
        #expect(made == composer.compose(other))
        let text = String(decoding: made, as: UTF8.self)
        #expect(text.contains("<\(other.threadRoot!)>") && !text.contains(first.threadRoot!))
    }

    @Test("a copy that is a root and one that refers to a root are not made from each other")
    func shapesApart() {
        let referring = draft("mario.david@lip.example.org", id: "a.0000000000abc@rollout.example.org")
        var root = draft("joao.pina@lip.example.org", id: "b.0000000000abc@rollout.example.org", root: false)
        root.messageID = composer.threadRoot(of: TicketID(12), for: EmailAddress("joao.pina@lip.example.org"))
        #expect(MailComposer.copy(of: composer.compose(referring), composedFrom: referring, as: root) == nil)
        #expect(MailComposer.copy(of: composer.compose(root), composedFrom: root, as: referring) == nil)
    }

    @Test("through the gateway: the first notification is the root, later ones and the transcript refer to it; replies still find the ticket")
    func gatewayRoots() async throws {
        for inMemory in [false, true] {
            let test = try TestGateway(inMemory: inMemory)
            let ticket = try await test.staged()
            // Two managers get release-staged: each copy is that manager's root.
            let composer = test.gateway.renderer.composer
            let mario = EmailAddress("mario.david@lip.example.org")
            let root = composer.threadRoot(of: ticket, for: mario)
            let queued = try await test.store.pendingOutbox(at: test.clock.now.addingTimeInterval(86_400), limit: 100)
            let staged = try #require(queued.first { $0.recipients == [mario] && $0.ticket == ticket })
            #expect(staged.messageID == root)
            let stagedText = String(decoding: staged.data, as: UTF8.self)
            #expect(stagedText.header("References") == nil && stagedText.header("In-Reply-To") == nil)

            // A later notification to the same manager refers to the root.
            _ = try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "joao.pina@lip.example.org", at: "2026-11-27 15:00")
            test.clock.now = amsterdam("2026-11-30 15:00")
            _ = try await test.gateway.tick()
            let later = try await test.store.pendingOutbox(at: test.clock.now.addingTimeInterval(86_400), limit: 100)
                .filter { $0.recipients == [mario] && $0.messageID != root }
            #expect(later.count >= 2)
            for message in later {
                let text = String(decoding: message.data, as: UTF8.self)
                #expect(text.header("References") == "<\(root)>", "\(message.kind)")
                #expect(text.header("In-Reply-To") == "<\(root)>", "\(message.kind)")
            }
            #expect(Set(later.map(\.messageID)).count == later.count, "each message its own Message-ID")
            // The root names its ticket to the reference finder as every notification does.
            let finder = TicketReferenceFinder(messageIDDomain: composer.domain)
            #expect(finder.ticket(inMessageID: "<\(root)>") == ticket)
            #expect(finder.ticket(inMessageID: "ticket-\(ticket.rawValue)@rollout.example.org") == ticket)
        }
    }

    @Test("with reply-address secrets a root cannot be named without the key: not the address's plain hash, another per key, one length")
    func rootsAreKeyed() throws {
        let person = EmailAddress("paolo.veronesi@cnaf.example.org")
        let signer = try ReplyAddressSigner(secret: Array("0123456789abcdef0123456789abcdef".utf8), base: composer.from)
        let other = try ReplyAddressSigner(secret: Array("fedcba9876543210fedcba9876543210".utf8), base: composer.from)
        var keyed = composer
        keyed.threadRootSigner = signer
        var otherKey = composer
        otherKey.threadRootSigner = other
        let plain = composer.threadRoot(of: TicketID(12), for: person)
        let root = keyed.threadRoot(of: TicketID(12), for: person)
        #expect(root != plain)
        #expect(root != otherKey.threadRoot(of: TicketID(12), for: person))
        #expect(root == keyed.threadRoot(of: TicketID(12), for: EmailAddress("Paolo.Veronesi@CNAF.example.org")))
        #expect(root != keyed.threadRoot(of: TicketID(14), for: person))
        #expect(root.count == plain.count)
        #expect(root.hasPrefix("rg.12.thread.") && root.hasSuffix("@rollout.example.org"))
        #expect(TicketReferenceFinder(messageIDDomain: "rollout.example.org").ticket(inMessageID: root) == TicketID(12))
    }
}
