import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("A hook that ran, then the ticket changed")
struct HookChangedTicketTests {
    static let manager = Sender(address: EmailAddress("mario.david@lip.example.org"), authentication: .strong, basis: .token)
    static let otherManager = Sender(address: EmailAddress("joao.pina@lip.example.org"), authentication: .strong, basis: .token)
    static let member = Sender(address: EmailAddress("paolo.veronesi@cnaf.example.org"), authentication: .weak)
    static let report = IncomingAttachment(
        fileName: "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt", contentType: "application/vnd.oasis.opendocument.text",
        bytes: [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + Array("mimetypeapplication/vnd.oasis.opendocument.text".utf8))

    /// A rollout that `resolve` closes with ACCEPT: assigned, accepted, reported, outcome accept, a document ID.
    static func resolvable(_ test: TestGateway) async throws -> TicketID {
        let ticket = try await test.staged()
        func apply(_ text: String, _ sender: Sender, attachments: [IncomingAttachment] = []) async throws {
            let report = try await test.gateway.apply(
                to: ticket, sender: sender, text: text, attachments: attachments, cause: .message(id: "<\(UUID().uuidString)@test>"))
            #expect(!report.results.contains { $0.status == .refused }, "\(text): \(report.results.map(\.message))")
        }
        test.clock.now = amsterdam("2026-11-27 15:00")
        try await apply("assign NGI_IT-INFN-T1", manager)
        try await apply("accept NGI_IT-INFN-T1", member)
        test.clock.now = amsterdam("2026-12-04 10:00")
        try await apply("Our report.", member, attachments: [report])
        try await apply("outcome accept\ndocid 1234", manager)
        return ticket
    }

    @Test("the production hook ran, then another manager rejected: the event records nothing and is not tried again")
    func rejectedWhileTheHookRan() async throws {
        let hooks = RecordingHooks()
        let test = try TestGateway(hooks: hooks)
        let ticket = try await Self.resolvable(test)
        let gateway = test.gateway
        hooks.meanwhile {
            let reject = try await gateway.apply(
                to: ticket, sender: Self.otherManager, text: "outcome reject", cause: .message(id: "<reject@test>"))
            #expect(reject.results.map(\.status) == [CommandResult.Status.applied])
        }
        await #expect(throws: GatewayError.self) {
            _ = try await gateway.apply(to: ticket, sender: Self.manager, text: "resolve", cause: .message(id: "<resolve@test>"))
        }
        #expect(hooks.ran.filter { $0 == .production }.count == 1)
        let stored = try #require(try await test.store.load(ticket))
        // Not resolved as REJECT with the packages already in production: not resolved at all.
        #expect(stored.rolloutCase.rollout?.status != .resolved)
        #expect(![ReleaseStatus.rejected, .production].contains(stored.rolloutCase.release.status))
        #expect(stored.rolloutCase.rollout?.outcome == .reject)
        #expect(test.logs.entries.contains { entry in entry.level == .critical && entry.message.description.contains("a hook ran") })
    }

    @Test("the control: the production hook ran and nothing changed meanwhile: resolved with ACCEPT, the hook once")
    func nothingChangedMeanwhile() async throws {
        let hooks = RecordingHooks()
        let test = try TestGateway(hooks: hooks)
        let ticket = try await Self.resolvable(test)
        let report = try await test.gateway.apply(to: ticket, sender: Self.manager, text: "resolve", cause: .message(id: "<resolve@test>"))
        #expect(report.results.map(\.status) == [.applied])
        #expect(hooks.ran.filter { $0 == .production }.count == 1)
        let stored = try #require(try await test.store.load(ticket))
        #expect(stored.rolloutCase.rollout?.status == .resolved && stored.rolloutCase.release.status == .production)
    }

    @Test("the production hook ran, then the ticket changed in a way the event still decides alike: recorded, the hook once")
    func changedAlike() async throws {
        let hooks = RecordingHooks()
        let test = try TestGateway(hooks: hooks)
        let ticket = try await Self.resolvable(test)
        let gateway = test.gateway
        hooks.meanwhile {
            // The other manager corrects the document ID: the ticket changes, the outcome stays ACCEPT.
            let docid = try await gateway.apply(to: ticket, sender: Self.otherManager, text: "docid 5678", cause: .message(id: "<docid@test>"))
            #expect(docid.results.map(\.status) == [CommandResult.Status.applied])
        }
        let report = try await gateway.apply(to: ticket, sender: Self.manager, text: "resolve", cause: .message(id: "<resolve@test>"))
        #expect(report.results.map(\.status) == [.applied])
        #expect(test.logs.entries.contains { $0.message.description.contains("deciding again") }, "the commit met the change and decided again")
        #expect(hooks.ran.filter { $0 == .production }.count == 1)
        let stored = try #require(try await test.store.load(ticket))
        #expect(stored.rolloutCase.release.status == .production && stored.rolloutCase.rollout?.documentID == "5678")
    }
}
