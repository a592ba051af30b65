import Foundation
import Logging
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// A person of the directory with several addresses (issue 22): a reply token issued to any of them is theirs.
@Suite("Signed reply addresses and a person's other addresses")
struct DirectoryTokenTests {
    @Test("a token issued to a person's first address makes their mail from their second address strong; without the directory it stays weak")
    func otherAddress() async throws {
        let secret = NSTemporaryDirectory() + "rollout-secret-" + UUID().uuidString
        try Data("a-test-secret-of-more-than-16-bytes".utf8).write(to: URL(fileURLWithPath: secret))
        let world = try await IngestWorld(extraGateway: "  secret_file: \(secret)\n")
        defer { world.cleanUp() }
        // A person only the directory knows (an address the file names cannot be claimed by the directory).
        let paolo = DirectoryPerson(
            id: "0a1b2c@egi.eu", addresses: [EmailAddress("chiara.rossi@cnaf.example.org"), EmailAddress("c.rossi@infn.example.org")])
        let snapshot = DirectorySnapshot(people: [paolo], teams: ["ea-NGI_IT-INFN-T1": [paolo.id]], groups: [:])
        var configuration = world.configuration
        configuration.workflow.registry = configuration.workflow.registry.merged(
            with: snapshot, DirectorySettings(url: "ldap://127.0.0.1/", baseDN: "dc=x"))
        let handler = world.logs
        let clock = world.clock
        let gateway = Gateway(
            configuration: configuration, store: world.store, hooks: NoHooks(), clock: DateSource { clock.now },
            templates: try TemplateLibrary(), logger: Logger(label: "test") { _ in handler },
            signer: try configuration.replyAddressSigner(), writer: GMimeMessageWriter())
        let address = try #require(gateway.renderer.signer?.address(for: TicketID(12), recipient: EmailAddress("chiara.rossi@cnaf.example.org")))
        let from = "Chiara Rossi <c.rossi@infn.example.org>"

        // The control: without the directory that address is nobody's, and the team's answer is not taken from it.
        _ = try await world.ingest.ingest(message(from: from, to: address.value, subject: "Re: Please test", body: "accept NGI_IT-INFN-T1"))
        #expect(try await world.store.history(of: TicketID(12)).contains { $0.action == .teamAccepted } == false)

        let outcome = try await Ingest(gateway: gateway, parser: GMimeMailParser()).ingest(
            message(from: from, to: address.value, subject: "Re: Please test", body: "accept NGI_IT-INFN-T1"))
        #expect(outcome.disposition == .applied)
        let entry = try #require(try await world.store.history(of: TicketID(12)).last { $0.action == .teamAccepted })
        #expect(entry.authentication == .strong)
        #expect(entry.basis == .token)
    }
}
