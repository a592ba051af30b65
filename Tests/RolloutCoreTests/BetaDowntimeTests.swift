import Foundation
import RolloutCore
import Testing

/// Step 5 with GOCDB: the registry's answer is recorded on the ticket, authoritative when it answers, ignored when it
/// cannot; after Production the teams still in their beta downtime are reminded each working day, the managers told
/// after the most reminders.
@Suite("Beta downtimes from the registry")
struct BetaDowntimeTests {
    static var policy: WorkflowPolicy {
        var policy = WorkflowPolicy(calendar: BusinessCalendar(timeZone: World.amsterdam))
        policy.betaDowntimeCheckMinutes = 60
        policy.downtimeReminderLimit = 2
        return policy
    }

    static func accepted() -> Scenario {
        var scenario = Scenario.assigned(workflow: World.workflow(policy: policy))
        scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 10:00")
        return scenario
    }

    static let checkKey = TimerKey(ticket: TicketID(12), kind: .betaDowntimeCheck)

    static func check(_ observed: [TeamName: BetaDowntimeObservation]?, reminders: [TeamName: Int] = [:], fired: Bool = true) -> WorkflowEvent {
        .betaDowntimes(BetaDowntimeCheck(fired: fired ? checkKey : nil, observed: observed, remindersSent: reminders))
    }

    static let on = BetaDowntimeObservation(inDowntime: true, downtimes: ["se-test01.cr.cnaf.infn.it (SRM, WARNING) until Tue 1 Dec, GOCDB downtime 30001"])
    static let off = BetaDowntimeObservation(inDowntime: false)

    @Test("a team's accept asks the registry at once; without a registry no check is ever armed")
    func armedOnAccept() {
        var scenario = Scenario.assigned(workflow: World.workflow(policy: Self.policy))
        let decision = scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 10:00")
        #expect(decision.scheduled(.betaDowntimeCheck) == World.at("2026-11-30 10:00"))

        var plain = Scenario.assigned()
        let without = plain.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 10:00")
        #expect(without.scheduled(.betaDowntimeCheck) == nil)
        #expect(!without.timers.contains { if case .cancel(let key) = $0 { key.kind == .betaDowntimeCheck } else { false } })
    }

    @Test("what GOCDB says is recorded with its downtime, by the registry; unchanged says nothing; the check comes again")
    func recorded() {
        var scenario = Self.accepted()
        let first = scenario.run(Self.check([World.italy: Self.on]), at: "2026-11-30 10:05")
        #expect(scenario.assignment(World.italy)?.downtime == true)
        let entry = first.history.first { $0.action == .teamDowntime }
        #expect(entry?.cause == .registry("GOCDB"))
        #expect(entry?.detail.contains("GOCDB downtime 30001") == true)
        #expect(first.scheduled(.betaDowntimeCheck) == World.at("2026-11-30 11:05"))
        #expect(first.notifications.isEmpty)

        let again = scenario.run(Self.check([World.italy: Self.on]), at: "2026-11-30 11:05")
        #expect(again.history.isEmpty)
        let ended = scenario.run(Self.check([World.italy: Self.off]), at: "2026-11-30 12:05")
        #expect(scenario.assignment(World.italy)?.downtime == false)
        #expect(ended.history.map(\.action) == [.teamDowntime])
    }

    @Test("GOCDB is authoritative over `downtime` mail when it answers; when it cannot be asked nothing changes")
    func authoritativeOrNothing() {
        var scenario = Self.accepted()
        scenario.mail("downtime NGI_IT-INFN-T1 on", from: World.italyMember, at: "2026-11-30 10:30")
        #expect(scenario.assignment(World.italy)?.downtime == true)
        let unreachable = scenario.run(Self.check(nil), at: "2026-11-30 11:00")
        #expect(scenario.assignment(World.italy)?.downtime == true)
        #expect(unreachable.history.isEmpty && unreachable.notifications.isEmpty)
        #expect(unreachable.scheduled(.betaDowntimeCheck) == World.at("2026-11-30 12:00"))

        // A team absent from the answer has no beta downtime going on.
        scenario.run(Self.check([:]), at: "2026-11-30 12:00")
        #expect(scenario.assignment(World.italy)?.downtime == false)
    }

    @Test("only accepted teams (or teams recorded in a downtime) are asked; a team that did not accept is never changed")
    func onlyAcceptedTeams() {
        var scenario = Self.accepted()
        scenario.run(Self.check([World.germany: Self.on, World.italy: Self.off]), at: "2026-11-30 10:05")
        #expect(scenario.assignment(World.germany)?.downtime == false)
        #expect(BetaDowntimeCheck.teamsToAsk(in: scenario.rollout) == [World.italy])
    }

    @Test("after Production: reminded each working day while the downtime goes on, then the managers are told once, then silence")
    func remindersAfterProduction() {
        var scenario = Self.accepted()
        scenario.run(Self.check([World.italy: Self.on]), at: "2026-11-30 10:05")
        let report = AttachmentFacts(fileName: "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt", head: openDocumentHead)
        scenario.mail("Our report.", from: World.italyMember, at: "2026-12-06 10:00", attachments: [report])
        let resolved = scenario.mail("outcome accept\ndocid 1234\nresolve", from: World.manager, at: "2026-12-08 10:00")
        #expect(resolved.notifications.filter { $0.kind == .downtimeReminder }.map(\.team) == [World.italy])
        #expect(resolved.scheduled(.betaDowntimeCheck) == World.at("2026-12-09 10:00"))

        // The reminder at resolve was the first of two.
        let second = scenario.run(Self.check([World.italy: Self.on], reminders: [World.italy: 1]), at: "2026-12-09 10:00")
        #expect(second.notifications.map(\.kind) == [.downtimeReminder])
        #expect(second.history.map(\.action) == [.teamDowntimeReminder])
        #expect(second.scheduled(.betaDowntimeCheck) == World.at("2026-12-10 10:00"))

        let overdue = scenario.run(Self.check([World.italy: Self.on], reminders: [World.italy: 2]), at: "2026-12-10 10:00")
        #expect(overdue.notifications.map(\.kind) == [.downtimeOverdue])
        #expect(overdue.recipients(of: .downtimeOverdue).isSuperset(of: [World.manager, World.otherManager]))
        #expect(overdue.history.map(\.action) == [.teamDowntimeOverdue])
        #expect(overdue.timers.contains { if case .cancel(let key) = $0 { key.kind == .betaDowntimeCheck } else { false } })

        // A check by hand after that reminds nobody.
        let byHand = scenario.run(Self.check([World.italy: Self.on], reminders: [World.italy: 3], fired: false), at: "2026-12-11 10:00")
        #expect(byHand.notifications.isEmpty)
    }

    @Test("after Production the downtime ending stops the reminders; GOCDB unreachable reminds nobody")
    func endingStops() {
        var scenario = Self.accepted()
        scenario.run(Self.check([World.italy: Self.on]), at: "2026-11-30 10:05")
        let report = AttachmentFacts(fileName: "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt", head: openDocumentHead)
        scenario.mail("Our report.", from: World.italyMember, at: "2026-12-06 10:00", attachments: [report])
        scenario.mail("outcome accept\ndocid 1234\nresolve", from: World.manager, at: "2026-12-08 10:00")
        let unreachable = scenario.run(Self.check(nil, reminders: [World.italy: 1]), at: "2026-12-09 10:00")
        #expect(unreachable.notifications.isEmpty)
        #expect(unreachable.scheduled(.betaDowntimeCheck) == World.at("2026-12-10 10:00"))
        let ended = scenario.run(Self.check([World.italy: Self.off], reminders: [World.italy: 1]), at: "2026-12-10 10:00")
        #expect(ended.notifications.isEmpty)
        #expect(ended.history.map(\.action) == [.teamDowntime])
        #expect(ended.timers.contains { if case .cancel(let key) = $0 { key.kind == .betaDowntimeCheck } else { false } })
    }

    @Test("a rollout resolved with REJECT is not checked any more")
    func rejectedStops() {
        var scenario = Self.accepted()
        scenario.run(Self.check([World.italy: Self.on]), at: "2026-11-30 10:05")
        let decision = scenario.mail("outcome reject\ndocid 99\nresolve", from: World.manager, at: "2026-12-08 10:00")
        #expect(decision.timers.contains { if case .cancel(let key) = $0 { key.kind == .betaDowntimeCheck } else { false } })
        #expect(decision.scheduled(.betaDowntimeCheck) == nil)
    }
}
