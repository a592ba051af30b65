import Foundation
import RolloutCore
import Testing

@Suite("Relays of one sender's mail stay few: the rest is held and sent together")
struct RelayFloodTests {
    func mail(_ text: String, window: RelayWindow?, in scenario: inout Scenario, at time: String) -> Decision {
        var event = MessageEvent(
            queue: .stagedRollout, sender: Sender(address: World.italyMember, authentication: .weak),
            cause: .message(id: "<\(time)@mail>"), text: text)
        event.relayWindow = window
        return scenario.run(.message(event), at: time)
    }

    @Test("under the limit the text is relayed; at the limit it is held, and the first held one sets the timer an hour on")
    func holds() {
        var scenario = Scenario.assigned()
        let under = mail("still testing", window: RelayWindow(relayedLastHour: 4, heldWaiting: false), in: &scenario, at: "2026-11-30 10:00")
        #expect(under.kinds == [.conversation])
        #expect(under.history.map(\.action) == [.comment])
        let over = mail("still testing 2", window: RelayWindow(relayedLastHour: 5, heldWaiting: false), in: &scenario, at: "2026-11-30 10:01")
        #expect(over.notifications.isEmpty)
        #expect(over.history.map(\.action) == [.commentHeld])
        #expect(over.scheduled(.heldRelays) == World.at("2026-11-30 11:01"))
        let more = mail("still testing 3", window: RelayWindow(relayedLastHour: 5, heldWaiting: true), in: &scenario, at: "2026-11-30 10:02")
        #expect(more.notifications.isEmpty && more.timers.isEmpty)
    }

    @Test("the limit is the policy's")
    func configurable() {
        var policy = WorkflowPolicy(calendar: BusinessCalendar(timeZone: World.amsterdam))
        policy.relaysPerSenderPerHour = 10
        var scenario = Scenario.assigned(workflow: World.workflow(policy: policy))
        let decision = mail("text", window: RelayWindow(relayedLastHour: 5, heldWaiting: false), in: &scenario, at: "2026-11-30 10:00")
        #expect(decision.kinds == [.conversation])
    }

    @Test("the window counts this sender's relays of the last hour, and sees held mail not yet sent")
    func window() {
        func entry(_ action: HistoryAction, _ actor: EmailAddress, _ time: String) -> HistoryEntry {
            HistoryEntry(ticket: TicketID(12), at: World.at(time), cause: .message(id: "x"), actor: actor, action: action, detail: "t")
        }
        let history = [
            entry(.comment, World.italyMember, "2026-11-30 08:59"),
            entry(.comment, World.italyMember, "2026-11-30 09:30"),
            entry(.comment, World.manager, "2026-11-30 09:31"),
            entry(.commentHeld, World.italyMember, "2026-11-30 09:40"),
            entry(.commentHeldSent, World.italyMember, "2026-11-30 09:45"),
            entry(.comment, World.italyMember, "2026-11-30 09:50"),
        ]
        let window = RelayWindow(lastHour: history, heldRelaysPending: false, sender: World.italyMember, now: World.at("2026-11-30 10:00"))
        #expect(window == RelayWindow(relayedLastHour: 2, heldWaiting: false))
        let waiting = RelayWindow(lastHour: history, heldRelaysPending: true, sender: World.italyMember, now: World.at("2026-11-30 10:00"))
        #expect(waiting.heldWaiting)
        // The held mail waiting is what the timer holds: the held entries after the last ones sent.
        #expect(RelayWindow.heldSinceSent(in: history).isEmpty)
        #expect(RelayWindow.heldSinceSent(in: history + [entry(.commentHeld, World.manager, "2026-11-30 09:55")]).count == 1)
    }

    @Test("when the timer fires, each sender's held mail goes out as one relay, not to its author, bounded")
    func sendsHeld() {
        var scenario = Scenario.assigned()
        let long = String(repeating: "x", count: 5_000)
        var held: [HistoryEntry] = []
        for index in 1...8 {
            held.append(
                HistoryEntry(
                    ticket: TicketID(12), at: World.at("2026-11-30 10:0\(index)"), cause: .message(id: "\(index)"),
                    actor: World.italyMember, action: .commentHeld, detail: "HELD-\(index) \(long)"))
        }
        held.append(
            HistoryEntry(
                ticket: TicketID(12), at: World.at("2026-11-30 10:09"), cause: .message(id: "m"), actor: World.germanyMember,
                action: .commentHeld, detail: "from Germany"))
        let decision = scenario.run(.heldRelaysDue(TimerKey(ticket: TicketID(12), kind: .heldRelays), held: held), at: "2026-11-30 11:02")
        #expect(decision.kinds == [.conversation, .conversation])
        let italian = decision.notifications[0]
        #expect(italian.facts[.held] == "8" && italian.facts[.author] == World.italyMember.value)
        #expect(!italian.recipients.contains(World.italyMember) && italian.recipients.contains(World.manager))
        let text = italian.facts[.text] ?? ""
        #expect(text.count <= 10_100)
        #expect(text.contains("HELD-1 ") && !text.contains("HELD-8 ") && text.contains("more, kept on the ticket"))
        #expect(decision.notifications[1].facts[.held] == "1")
        #expect(decision.history.map(\.action) == [.commentHeldSent, .commentHeldSent])
    }
}
