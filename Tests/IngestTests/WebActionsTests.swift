import Foundation
import RolloutCore
import RolloutGateway
import Testing
import TestSupport
import WebView

@Suite("The procedure's actions in the browser: the mail's workflow, a token per session (issue 21 part 5)")
struct WebActionsTests {
    static let manager = IngestWorld.managers
    static let member = "paolo.veronesi@cnaf.example.org"

    /// One step of a rollout: who, the form they post, the line they would mail.
    struct Step {
        var person: String
        var form: [(String, String)]
        var line: String
    }

    static let rollout: [Step] = [
        Step(person: member, form: [("action", "accept"), ("team", "NGI_IT-INFN-T1")], line: "accept NGI_IT-INFN-T1"),
        Step(person: member, form: [("action", "ggus"), ("value", "123456")], line: "ggus 123456"),
        Step(person: member, form: [("action", "downtime-on"), ("team", "NGI_IT-INFN-T1")], line: "downtime NGI_IT-INFN-T1 on"),
        Step(person: manager, form: [("action", "assign"), ("teams", "NGI_NL-NIKHEF-ELPROD")], line: "assign NGI_NL-NIKHEF-ELPROD"),
        Step(person: manager, form: [("action", "outcome-accept")], line: "outcome accept"),
        Step(person: manager, form: [("action", "docid"), ("value", "EGI-doc-1234")], line: "docid EGI-doc-1234"),
    ]

    /// What the workflow decided, without how the command came: the rollout's rows, the history's actions and
    /// details, the notifications queued (kind and recipients) but the transcripts, which answer mail only.
    static func decided(_ world: IngestWorld) async throws -> (tables: [String: [String]], history: [String], notifications: [String]) {
        let dump = try CanonicalDump(try await world.store.exportTables())
        let tables = dump.tables.filter { ["tickets", "ticket_teams", "ggus_links", "timers"].contains($0.key) }
        let history = try await world.store.history(of: TicketID(12)).map { "\($0.action.rawValue) \($0.actor?.value ?? "-"): \($0.detail)" }
        let notifications = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000)
            .filter { $0.kind != .notification(.transcript) }
            .map { "\($0.ticket?.rawValue ?? 0) \($0.kind) → \($0.recipients.map(\.value).sorted().joined(separator: ","))" }.sorted()
        return (tables, history, notifications)
    }

    @Test("a rollout played in the browser leaves the store the same rollout played by mail")
    func sameAsMail() async throws {
        let web = try await IngestWorld.web()
        defer { web.cleanUp() }
        let mail = try await IngestWorld.web()
        defer { mail.cleanUp() }
        for step in Self.rollout {
            let page = try await web.browser(step.person).post(12, step.form)
            #expect(page.status == 200, "\(step.line): \(page.text)")
            #expect(page.text.contains("class=\"result applied\""), "\(step.line) is shown as done")
            _ = try await mail.ingest.ingest(plainReply(from: step.person, lines: [step.line]))
        }
        let byWeb = try await Self.decided(web)
        let byMail = try await Self.decided(mail)
        #expect(byWeb.tables == byMail.tables)
        #expect(byWeb.history == byMail.history)
        // By mail, the acknowledgement of Paolo's own accept is folded into the transcript that answers his mail; the
        // web mails no transcript, so he gets it as the mail it is for the rest of his team.
        let acknowledgement = "12 team-accepted → \(Self.member)"
        #expect(byWeb.notifications.filter { $0 != acknowledgement } == byMail.notifications)
        #expect(byWeb.notifications.contains(acknowledgement))
        #expect(byWeb.notifications.contains { $0.contains("team-assigned") && $0.contains("ronald.starink@nikhef.example.org") }, "saving the pick notifies the team")

        let view = try await web.gateway.view(of: TicketID(12))
        #expect(view.outcome == "ACCEPT")
        #expect(view.documentId == "EGI-doc-1234")
        let applied = view.history.filter { $0.actor == Self.member }
        #expect(!applied.isEmpty)
        #expect(applied.allSatisfy { $0.authenticationBasis == "web" && $0.authentication == "strong" }, "recorded as vouched for by the proxy")
        let transcripts = try await web.store.pendingOutbox(at: web.clock.now, limit: 1000).filter { $0.kind == .notification(.transcript) }
        #expect(transcripts.isEmpty, "no transcript is mailed for a web action: the page shows the result")
    }

    @Test("a form without this session's token, or from another person's page, changes nothing: 403")
    func csrf() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let before = try CanonicalDump(try await world.store.exportTables())
        let member = try world.browser(Self.member)
        _ = await member.get("/tickets/12")
        let accept = [("action", "accept"), ("team", "NGI_IT-INFN-T1")]
        let noToken = await member.request("POST", "/tickets/12", form: accept)
        #expect(noToken.status == 403)
        #expect(noToken.text.contains("token does not belong to your session"))
        // The manager's token, posted in Paolo's session.
        let managerPage = await (try world.browser(Self.manager)).get("/tickets/12")
        let foreign = try #require(WebClient.csrf(in: managerPage.text))
        #expect(await member.request("POST", "/tickets/12", form: [("csrf", foreign)] + accept).status == 403)
        // No session cookie at all (a form posted from another site without the cookie).
        let fresh = try world.browser(Self.member)
        let token = try #require(WebClient.csrf(in: (await member.get("/tickets/12")).text))
        #expect(await fresh.request("POST", "/tickets/12", form: [("csrf", token)] + accept).status == 403)
        #expect(await member.request("GET", "/tickets/12", form: accept).text.contains("id=\"answer-NGI_IT-INFN-T1\""), "GET changes nothing")
        #expect(try CanonicalDump(try await world.store.exportTables()) == before)
    }

    @Test("a form is acted on once: sent again (a reload, a replayed request) it changes nothing, 409; a day-old page's form, 403")
    func formOnce() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let member = try world.browser(Self.member)
        let token = try #require(WebClient.csrf(in: (await member.get("/tickets/12")).text))
        let comment = [("csrf", token), ("action", "comment"), ("text", "the upgrade went fine on our CEs")]
        func comments() async throws -> Int { try await world.store.history(of: TicketID(12)).filter { $0.action == .comment }.count }
        func relays() async throws -> Int {
            try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).filter { $0.kind == .notification(.conversation) }.count
        }

        let first = await member.request("POST", "/tickets/12", form: comment)
        #expect(first.status == 200)
        #expect(try await comments() == 1)
        let relayed = try await relays()
        #expect(relayed > 0, "the comment went to the others on the ticket")
        let before = try CanonicalDump(try await world.store.exportTables())

        let again = await member.request("POST", "/tickets/12", form: comment)
        #expect(again.status == 409)
        #expect(again.text.contains("was sent before"))
        #expect(try await comments() == 1)
        #expect(try await relays() == relayed)
        #expect(try CanonicalDump(try await world.store.exportTables()) == before)

        // Each page carries a new token: the same comment from a fresh page is the person's second comment.
        #expect(try await member.post(12, [("action", "comment"), ("text", "the upgrade went fine on our CEs")]).status == 200)
        #expect(try await comments() == 2)

        // A form refused before anything was done (an empty comment) leaves the page's token usable.
        let page = try #require(WebClient.csrf(in: (await member.get("/tickets/12")).text))
        #expect(await member.request("POST", "/tickets/12", form: [("csrf", page), ("action", "comment"), ("text", " ")]).status == 400)
        #expect(await member.request("POST", "/tickets/12", form: [("csrf", page), ("action", "comment"), ("text", "now with words")]).status == 200)
        #expect(try await comments() == 3)
        #expect(await member.request("POST", "/tickets/12", form: [("csrf", page), ("action", "comment"), ("text", "now with words")]).status == 409)

        // A page left open for more than a day: its form is refused, nothing done.
        let old = try #require(WebClient.csrf(in: (await member.get("/tickets/12")).text))
        world.clock.now = world.clock.now.addingTimeInterval(SessionTokens.lifetime + 60)
        let late = await member.request("POST", "/tickets/12", form: [("csrf", old), ("action", "comment"), ("text", "late")])
        #expect(late.status == 403)
        #expect(late.text.contains("more than a day old"))
        #expect(try await comments() == 3)
        // A token whose time was changed no longer matches its MAC.
        let parts = old.split(separator: ".").map(String.init)
        let moved = "\(Int(world.clock.now.timeIntervalSince1970)).\(parts[1]).\(parts[2])"
        #expect(await member.request("POST", "/tickets/12", form: [("csrf", moved), ("action", "comment"), ("text", "late")]).status == 403)
        #expect(try await comments() == 3)
    }

    @Test("a command the person may not give is refused on the page with why, and the rollout stays as it was")
    func refused() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let member = try world.browser(Self.member)
        let outcome = try await member.post(12, [("action", "outcome-accept")])
        #expect(outcome.status == 422)
        #expect(outcome.text.contains("class=\"result refused\""))
        let other = try await member.post(12, [("action", "accept"), ("team", "NGI_DE-FZK-LCG2")])
        #expect(other.status == 422)
        let view = try await world.gateway.view(of: TicketID(12))
        #expect(view.outcome == nil)
        #expect(view.teams.allSatisfy { $0.answer == nil })
        // A comment that says `resolve` is conversation, never the command.
        let manager = try world.browser(Self.manager)
        _ = try await manager.post(12, [("action", "comment"), ("text", "resolve")])
        #expect(try await world.gateway.view(of: TicketID(12)).status != RolloutStatus.resolved.rawValue)
        let unreadable = try await manager.post(12, [("action", "docid"), ("value", "a\nresolve")])
        #expect(unreadable.status == 400)
    }
}
