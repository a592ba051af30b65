import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("Staging by mail with the default strong_by [token]: each release manager gets a copy of `release new` to reply to")
struct ReleaseByMailTests {
    @Test("a release manager's reply to their own copy stages the release; the same words to the plain address do not")
    func stageByReply() async throws {
        let hooks = CountingHooks()
        let world = try await attackWorld(hooks: hooks, strongBy: "")
        defer { world.cleanUp() }
        let release = try await world.gateway.createRelease(
            ComponentRelease(stack: "EMI-1.0", component: "WMS", version: "3.3.1", os: "SL5", architecture: "x86_64"),
            links: ReleaseLinks(releaseNotes: "https://notes", fixedBugs: "https://bugs", documentation: "https://docs"))
        let manager = EmailAddress("release-manager@egi.example.org")
        let copies = try await world.store.pendingOutbox(at: world.clock.now, limit: 1_000).filter { $0.ticket == release.id }
        // One copy per release manager, each to one person.
        #expect(Set(copies.flatMap(\.recipients)) == Set(world.configuration.workflow.registry.releaseManagers))
        let copy = try #require(copies.first { $0.recipients == [manager] })
        let text = String(decoding: copy.data, as: UTF8.self).replacingOccurrences(of: "\r\n\t", with: " ")
        let replyTo = try #require(text.split(separator: "\r\n").first { $0.hasPrefix("Reply-To:") })
        let token = try #require(replyTo.split(separator: "<").last?.split(separator: ">").first).description
        #expect(try #require(world.gateway.renderer.signer).read(EmailAddress(token), sender: manager) == .person(release.id, issuedToSender: true))

        let subject = "Re: [sw-rel #\(release.id.rawValue)] New release"
        // The attack world staged release #11 when it was made: only the stagings from here on count.
        let staged = { hooks.ran.filter { $0 == .stageRollOut }.count }
        let before = staged()
        let plain = try await world.ingest.ingest(
            message(from: "Release Manager <\(manager.value)>", subject: subject, body: "status StageRollOut"))
        #expect(plain.results.map(\.refusal) == [.needsStrongAuthentication])
        #expect(staged() == before)

        let reply = try await world.ingest.ingest(
            message(from: "Release Manager <\(manager.value)>", to: token, subject: subject, body: "status StageRollOut"))
        #expect(reply.results.map(\.status) == [.applied])
        #expect(staged() == before + 1)
        #expect(try await world.store.load(release.id)?.rolloutCase.rollout != nil)
    }
}
