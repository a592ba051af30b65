import Foundation
import RolloutCore
import Testing

/// Relays people can follow (issue 20 #7): the author named with what they are on the ticket, each command line
/// replaced by what it did, where it stood.
@Suite("A relay names its author and says what their commands did")
struct RelayContentTests {
    /// A mail from `sender` with a display name, as the ingest hands it over.
    func mail(
        _ text: String, from sender: EmailAddress, name: String?, in scenario: inout Scenario, at time: String
    ) -> Decision {
        let event = MessageEvent(
            queue: .stagedRollout, sender: Sender(address: sender, authentication: .weak, name: name),
            cause: .message(id: "<\(time)-\(sender)@mail>"), text: text)
        return scenario.run(.message(event), at: time)
    }

    @Test("a team member's relay: name, address and assigned team in the attribution; the name and team in the subject label")
    func teamMember() throws {
        var scenario = Scenario.assigned()
        let decision = mail("Installed on se-test01; looks fine so far.", from: World.italyMember, name: "Paolo Veronesi", in: &scenario, at: "2026-11-30 10:00")
        let relay = try #require(decision.notifications.first { $0.kind == .conversation })
        #expect(relay.facts[.attribution] == "Paolo Veronesi <paolo.veronesi@cnaf.example.org> (ea-NGI_IT-INFN-T1) [From address only, not verified]")
        #expect(relay.facts[.authorLabel] == "Paolo Veronesi (ea-NGI_IT-INFN-T1)")
        #expect(relay.facts[.author] == "paolo.veronesi@cnaf.example.org")
        #expect(relay.facts[.text] == "Installed on se-test01; looks fine so far.")
    }

    @Test("a manager is named as the staged-rollout manager; without a display name the address stands for the name")
    func manager() throws {
        var scenario = Scenario.assigned()
        let decision = mail("Any news from the sites?", from: World.manager, name: nil, in: &scenario, at: "2026-11-30 10:00")
        let relay = try #require(decision.notifications.first { $0.kind == .conversation })
        #expect(relay.facts[.attribution] == "mario.david@lip.example.org (staged-rollout manager) [From address only, not verified]")
        #expect(relay.facts[.authorLabel] == "mario.david@lip.example.org (staged-rollout manager)")
    }

    @Test("command lines are replaced where they stood by one line each: applied, unchanged and refused")
    func commandsInPlace() throws {
        var scenario = Scenario.assigned()
        mail("accept NGI_IT-INFN-T1", from: World.italyMember, name: "Paolo Veronesi", in: &scenario, at: "2026-11-30 09:00")
        let decision = mail(
            """
            accept NGI_IT-INFN-T1
            ggus 123456
            I opened the GGUS ticket above for the SRM crash.
            resolve
            Sorry, that last line was not mine to send.
            """, from: World.italyMember, name: "Paolo Veronesi", in: &scenario, at: "2026-11-30 10:00")
        let relay = try #require(decision.notifications.first { $0.kind == .conversation })
        let lines = try #require(relay.facts[.text]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("→ accept NGI_IT-INFN-T1: nothing to change ("))
        #expect(lines[1] == "→ ggus 123456: GGUS ticket 123456 linked")
        #expect(lines[2] == "I opened the GGUS ticket above for the SRM crash.")
        #expect(lines[3].hasPrefix("→ resolve: refused (only a staged-rollout manager of EMI-1.0 may resolve"))
        #expect(lines[4] == "Sorry, that last line was not mine to send.")
        // The history's comment keeps the conversation alone: the commands have entries of their own.
        #expect(decision.history.last { $0.action == .comment }?.detail == "I opened the GGUS ticket above for the SRM crash.\nSorry, that last line was not mine to send.")
    }

    @Test("a co-manager sees what the closing mail did, not only 'Thanks all, releasing.'")
    func closingMail() throws {
        var scenario = Scenario.assigned()
        let decision = mail("outcome accept\ndocid 3021\n\nThanks all, releasing.", from: World.manager, name: "Mario David", in: &scenario, at: "2026-11-30 10:00")
        let relay = try #require(decision.notifications.first { $0.kind == .conversation })
        #expect(relay.recipients.contains(World.otherManager) && !relay.recipients.contains(World.manager))
        #expect(relay.facts[.text] == "→ outcome accept: outcome set to ACCEPT\n→ docid 3021: document-server ID set to 3021\n\nThanks all, releasing.")
    }

    @Test("a mail of commands alone is not relayed: its effects have notifications of their own")
    func commandsAlone() {
        var scenario = Scenario.assigned()
        let decision = mail("accept NGI_IT-INFN-T1\n\n", from: World.italyMember, name: "Paolo Veronesi", in: &scenario, at: "2026-11-30 10:00")
        #expect(!decision.kinds.contains(.conversation))
    }

    @Test("a held mail keeps the text to relay, command results included")
    func heldKeepsResults() {
        var scenario = Scenario.assigned()
        var event = MessageEvent(
            queue: .stagedRollout, sender: Sender(address: World.italyMember, authentication: .weak, name: "Paolo"),
            cause: .message(id: "<held@mail>"), text: "ggus 654321\nSee the GGUS ticket.")
        event.relayWindow = RelayWindow(relayedLastHour: 99, heldWaiting: true)
        let decision = scenario.run(.message(event), at: "2026-11-30 10:00")
        #expect(decision.history.last?.action == .commentHeld)
        #expect(decision.history.last?.detail == "→ ggus 654321: GGUS ticket 654321 linked\nSee the GGUS ticket.")
    }

    @Test(
        "a display name cannot fake the attribution: brackets, parentheses, line breaks and addresses are dropped",
        arguments: [
            ("Mario Rossi", "Mario Rossi"),
            ("  Mario\t Rossi ", "Mario Rossi"),
            ("David Groep (staged-rollout manager)", "David Groep staged-rollout manager"),
            ("Evil <david.groep@nikhef.example.org>", nil),
            ("david.groep@nikhef.example.org", nil),
            ("Mario\r\nX-Header: injected", "Mario X-Header injected"),
            ("Mario\u{2028}Rossi\u{202E}", "Mario Rossi"),
            ("\"Rossi, Mario\"", "Rossi Mario"),
            ("()<>", nil),
            // Full-width lookalikes read as what they look like.
            ("Boss ＜boss＠egi.example＞ （staged-rollout manager）", nil),
            ("David Groep （staged-rollout manager）", "David Groep staged-rollout manager"),
        ] as [(String, String?)])
    func cleanName(raw: String, shown: String?) {
        #expect(RelayAuthor(name: raw, address: World.italyMember, roles: []).name == shown)
    }

    @Test("a display name is bounded")
    func longName() throws {
        let name = try #require(RelayAuthor(name: String(repeating: "Mario ", count: 40), address: World.italyMember, roles: []).name)
        #expect(name.count <= RelayAuthor.nameLimit + 1)
    }

    @Test("a person in two teams is named for the team assigned to the ticket; a volunteer not yet assigned for their teams")
    func teams() {
        let registry = Registry(
            teams: [
                EATeam(name: World.italy, members: [World.italyMember], stacks: ["EMI"]),
                EATeam(name: World.france, members: [World.italyMember], stacks: ["EMI"]),
            ],
            stacks: ["EMI": StackPeople(managers: [World.manager], lists: [])], releaseManagers: [World.releaseManager])
        let rollout = Scenario.assigned().rollout
        let assigned = RelayAuthor(name: nil, address: World.italyMember, registry: registry, stack: "EMI-1.0", rollout: rollout)
        #expect(assigned.roles == ["ea-NGI_IT-INFN-T1"])
        let unassigned = RelayAuthor(name: nil, address: World.italyMember, registry: registry, stack: "EMI-1.0", rollout: nil)
        #expect(Set(unassigned.roles) == ["ea-NGI_IT-INFN-T1", "ea-NGI_FRANCE-IN2P3-CC"])
        let releaseManager = RelayAuthor(name: "Rel", address: World.releaseManager, registry: registry, stack: "EMI-1.0", rollout: rollout)
        #expect(releaseManager.label == "Rel (release manager)")
    }

    @Test("held relays name their author with their role too")
    func heldAuthor() throws {
        var scenario = Scenario.assigned()
        let held = [
            HistoryEntry(
                ticket: TicketID(12), at: World.at("2026-11-30 10:01"), cause: .message(id: "1"), actor: World.italyMember,
                action: .commentHeld, detail: "one")
        ]
        let decision = scenario.run(.heldRelaysDue(TimerKey(ticket: TicketID(12), kind: .heldRelays), held: held), at: "2026-11-30 11:02")
        let relay = try #require(decision.notifications.first)
        #expect(relay.facts[.attribution] == "paolo.veronesi@cnaf.example.org (ea-NGI_IT-INFN-T1)")
    }
}
