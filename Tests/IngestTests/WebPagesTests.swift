import Foundation
import RolloutCore
import RolloutGateway
import Testing
import WebView

@Suite("The web view's pages: who sees what, bad input answered clearly, every text escaped (issue 21 part 4)")
struct WebPagesTests {
    static let manager = IngestWorld.managers
    static let member = "paolo.veronesi@cnaf.example.org"

    @Test("a manager sees the rollout with a chip per team and the manager's forms; a team member only their team's")
    func roles() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let manager = try world.browser(Self.manager)
        let index = await manager.get("/")
        #expect(index.status == 200)
        #expect(index.text.contains("href=\"/tickets/12\""))
        #expect(index.text.contains("NGI_IT-INFN-T1: assigned"))
        #expect(index.text.contains("0/0"), "no team accepted yet: no report expected")
        let page = await manager.get("/tickets/12")
        #expect(page.status == 200)
        for form in ["id=\"assign\"", "id=\"outcome\"", "id=\"docid\"", "id=\"resolve\""] { #expect(page.text.contains(form)) }
        #expect(!page.text.contains("id=\"answer-"), "the manager is on no team of the ticket")
        #expect(page.text.contains("value=\"NGI_NL-NIKHEF-ELPROD\""), "every EA team of the stack can be picked")
        #expect(!page.text.contains("value=\"NGI_NDGF-NDGF-T1\""), "an ARC-only team is not offered for EMI")

        let member = try world.browser(Self.member)
        let memberPage = await member.get("/tickets/12")
        #expect(memberPage.status == 200)
        #expect(memberPage.text.contains("id=\"answer-NGI_IT-INFN-T1\""))
        #expect(!memberPage.text.contains("id=\"answer-NGI_DE-FZK-LCG2\""))
        #expect(!memberPage.text.contains("id=\"outcome\""))

        // Someone known, but on no team of the ticket and no manager of its stack: not shown, not listed.
        let stranger = try world.browser("mattias.wadenstein@ndgf.example.org")
        #expect(await stranger.get("/tickets/12").status == 403)
        #expect(!(await stranger.get("/").text.contains("/tickets/12")))
    }

    @Test("a member of a team taken off the ticket reads it no more, as mail's `show` refuses them")
    func unassignedTeam() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let member = try world.browser(Self.member)
        // Control: while NGI_IT-INFN-T1 is assigned, its member reads the ticket and finds it listed.
        #expect(await member.get("/tickets/12").status == 200)
        #expect(await member.get("/tickets/12.json").status == 200)
        #expect((await member.get("/").text).contains("href=\"/tickets/12\""))

        let manager = Sender(address: EmailAddress(Self.manager), authentication: .strong, basis: .web)
        let unassigned = try await world.gateway.apply(
            to: TicketID(12), sender: manager, text: "unassign NGI_IT-INFN-T1", cause: .operatorAction("test"))
        #expect(unassigned.results.map(\.status) == [.applied], "\(unassigned.results.map(\.message))")

        #expect(await member.get("/tickets/12").status == 403)
        #expect(await member.get("/tickets/12.json").status == 403)
        #expect(!(await member.get("/").text).contains("/tickets/12"))
        // Mail says the same: the member's `show` on the ticket is refused.
        let show = try await world.gateway.apply(
            to: TicketID(12), sender: Sender(address: EmailAddress(Self.member), authentication: .strong, basis: .web),
            text: "show", cause: .operatorAction("test"))
        #expect(show.results.map(\.status) == [.refused], "\(show.results.map(\.message))")
    }

    @Test("an answer past its deadline is a red chip on an open rollout, and none once it is resolved")
    func overdue() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let manager = try world.browser(Self.manager)
        #expect(!(await manager.get("/").text.contains("overdue\"")))
        world.clock.now = world.clock.now.addingTimeInterval(3 * 86_400)
        let late = await manager.get("/")
        #expect(late.text.contains("chip no-answer overdue"), "the deadline passed without an answer")
        for line in ["outcome reject", "docid EGI-doc-1", "resolve"] {
            let report = try await world.gateway.apply(
                to: TicketID(12), sender: Sender(address: EmailAddress(Self.manager), authentication: .strong, basis: .operator), text: line,
                cause: .operatorAction("test"))
            #expect(report.results.allSatisfy { $0.status == .applied }, "\(report.results.map(\.message))")
        }
        let resolved = await manager.get("/", query: ["state": "all"])
        #expect(resolved.text.contains("status-resolved"))
        #expect(!resolved.text.contains(" overdue"), "nothing is overdue on a resolved rollout")
    }

    @Test("401 for a forged header not through the proxy, 403 for an unknown person, 404 for an unknown ticket")
    func refusals() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let app = try world.webApp()
        let forged = await WebClient(app, person: Self.manager, peer: "127.0.0.2").get("/tickets/12")
        #expect(forged.status == 401)
        #expect(forged.text.contains("web.trusted_proxies"))
        #expect(!forged.text.contains("NGI_IT-INFN-T1"))
        #expect(await WebClient(app, person: "eve@example.org").get("/").status == 403)
        let missing = await WebClient(app, person: Self.manager).get("/tickets/999")
        #expect(missing.status == 404)
        #expect(missing.text.contains("There is no ticket #999."))
    }

    @Test("the bundle of a ticket with no reports is refused with why; /tickets/N.json is `tickets show --json`")
    func bundleAndJSON() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let manager = try world.browser(Self.manager)
        let bundle = await manager.get("/tickets/12/bundle.zip")
        #expect(bundle.status == 409)
        #expect(bundle.text.contains("nothing to bundle"))
        let json = await manager.get("/tickets/12.json")
        #expect(json.header("Content-Type") == "application/json")
        let expected = try TicketViewJSON.encode(try await world.gateway.view(of: TicketID(12)))
        #expect(json.body == Array(expected) + Array("\n".utf8))
    }

    @Test("a comment and an attachment name with <script> and quotes show as text")
    func escaping() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let attack = "<script>alert(\"x\")</script>"
        _ = try await world.gateway.apply(
            to: TicketID(12), sender: Sender(address: EmailAddress(Self.member), authentication: .weak), text: "accept NGI_IT-INFN-T1",
            attachments: [IncomingAttachment(fileName: "\(attack)\" onmouseover=\"x.txt", bytes: Array("log".utf8))],
            cause: .operatorAction("test"))
        let member = try world.browser(Self.member)
        let posted = try await member.post(12, [("action", "comment"), ("text", "see \(attack) and \"quotes\"")])
        #expect(posted.status == 200)
        let page = await member.get("/tickets/12")
        #expect(!page.text.contains("<script>"), "no markup from a sender reaches the page")
        #expect(!page.text.contains("\" onmouseover"), "no attribute is closed by a sender's quote")
        #expect(page.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), "the text is shown, escaped")
        #expect(page.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
    }

    @Test("a file another team sent under a team's report name is served as its own, never in place of the report")
    func fileByPosition() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let name = "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt"
        let head: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + Array("mimetypeapplication/vnd.oasis.opendocument.text".utf8)
        func send(_ sender: String, _ text: String, _ marker: String) async throws {
            _ = try await world.gateway.apply(
                to: TicketID(12), sender: Sender(address: EmailAddress(sender), authentication: .weak), text: text,
                attachments: [IncomingAttachment(fileName: name, bytes: head + Array(marker.utf8))], cause: .operatorAction("test"))
        }
        _ = try await world.gateway.apply(
            to: TicketID(12), sender: Sender(address: EmailAddress(Self.member), authentication: .weak), text: "accept NGI_IT-INFN-T1",
            cause: .operatorAction("test"))
        try await send(Self.member, "Our report.", "GENUINE-REPORT")
        // Another team's member, under Italy's report name: refused, and kept.
        try await send("pavel.weber@kit.example.org", "Theirs, really.", "FORGED-REPORT")
        let kept = try await world.store.attachments(of: TicketID(12))
        #expect(kept.count == 2 && kept[1].verdict.problem != nil)

        let manager = try world.browser(Self.manager)
        let page = await manager.get("/tickets/12")
        #expect(page.text.contains("/tickets/12/files/0/\(name)") && page.text.contains("/tickets/12/files/1/\(name)"))
        let report = await manager.get("/tickets/12/files/0/\(name)")
        #expect(report.status == 200)
        #expect(report.text.contains("GENUINE-REPORT") && !report.text.contains("FORGED-REPORT"))
        let refused = await manager.get("/tickets/12/files/1/\(name)")
        #expect(refused.text.contains("FORGED-REPORT"))
        // A position with another name, or none, is no file.
        #expect(await manager.get("/tickets/12/files/0/other.odt").status == 404)
        #expect(await manager.get("/tickets/12/files/\(name)").status == 404)
        #expect(await manager.get("/tickets/12/files/7/\(name)").status == 404)
    }
}
