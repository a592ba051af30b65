import ArchiveZIP
import Foundation
import RolloutCore
import RolloutGateway
import Testing
import Synchronization
import WebView

/// `serve` runs for weeks: the people it decides with are read for each request (the directory's latest snapshot), so
/// that someone removed loses the web's rights with the next sync; and the report bundle is the managers', as by mail.
@Suite("The web view: people as they are now, the bundle for managers")
struct WebRegistryNowTests {
    @Test("a team member removed between two requests is refused at the second; a registry that cannot be read refuses (503), never the old one")
    func registryReadPerRequest() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let member = EmailAddress(WebPagesTests.member)
        let full = world.configuration.workflow.registry
        let withoutMember = Registry(
            teams: full.teams.values.map { EATeam(name: $0.name, members: $0.members.filter { $0 != member }, stacks: $0.stacks) },
            stacks: full.stacks, releaseManagers: full.releaseManagers)
        struct Unreadable: Error {}
        let now = Mutex<Registry?>(full)
        let app = WebApp(
            gateway: world.gateway, templates: try WebTemplates(overridesIn: world.configuration.templatesDirectory), archive: ZIPArchiveWriter(),
            registryNow: {
                guard let registry = now.withLock({ $0 }) else { throw Unreadable() }
                return registry
            })
        let browser = WebClient(app, person: member.value)
        #expect(await browser.get("/tickets/12").status == 200)
        now.withLock { $0 = withoutMember }
        #expect(await browser.get("/tickets/12").status == 403, "removed from the team and known no more")
        now.withLock { $0 = nil }
        #expect(await browser.get("/tickets/12").status == 503)
        now.withLock { $0 = full }
        #expect(await browser.get("/tickets/12").status == 200, "the control: back in the team")
    }

    @Test("a request not from a listed proxy is refused before the people are read; refusals carry the security headers and no store error")
    func refusedBeforeThePeople() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        struct Unreadable: Error, CustomStringConvertible { var description: String { "SECRET-STORE-DETAIL" } }
        let reads = Mutex(0)
        let failing = Mutex(false)
        let registry = world.configuration.workflow.registry
        let app = WebApp(
            gateway: world.gateway, templates: try WebTemplates(overridesIn: world.configuration.templatesDirectory), archive: ZIPArchiveWriter(),
            registryNow: {
                reads.withLock { $0 += 1 }
                if failing.withLock({ $0 }) { throw Unreadable() }
                return registry
            })
        let outsider = await WebClient(app, person: WebPagesTests.manager, peer: "10.9.9.9").get("/tickets/12")
        #expect(outsider.status == 401)
        #expect(reads.withLock { $0 } == 0, "the people were read for a client nobody vouched for")
        #expect(outsider.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
        #expect(outsider.header("Cache-Control") == "no-store")
        failing.withLock { $0 = true }
        let unavailable = await WebClient(app, person: WebPagesTests.manager).get("/tickets/12")
        #expect(unavailable.status == 503)
        #expect(!unavailable.text.contains("SECRET-STORE-DETAIL"))
        #expect(unavailable.header("Cache-Control") == "no-store")
        #expect(reads.withLock { $0 } == 1)
    }

    @Test("the bundle is offered to and served for the stack's managers only; a team member gets 403 and no link")
    func bundleForManagers() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let member = try world.browser(WebPagesTests.member)
        #expect(!(await member.get("/tickets/12").text.contains("bundle.zip")))
        let refused = await member.get("/tickets/12/bundle.zip")
        #expect(refused.status == 403)
        let manager = try world.browser(WebPagesTests.manager)
        #expect(await manager.get("/tickets/12").text.contains("bundle.zip"))
        #expect(await manager.get("/tickets/12/bundle.zip").status == 409, "the manager reaches the bundle (none yet: no reports)")
    }
}
