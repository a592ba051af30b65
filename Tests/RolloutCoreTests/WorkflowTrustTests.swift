import Foundation
import RolloutCore
import Testing

/// The rules engine's side of issue 17 ("Trust, round 2"): no single mail to production, one escalation per working
/// day, privileged commands first, stale messages.

@Suite("No single mail to production: resolving with ACCEPT needs a team that accepted and reported (SPEC §4 step 9)")
struct ResolveNeedsTestedTeamTests {
    @Test("one manager's mail on a ticket where no team accepted does not reach production")
    func noTeamAccepted() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail("outcome accept\ndocid 1234\nresolve", from: World.manager, at: "2026-11-27 16:00")
        #expect(decision.statuses == [.applied, .applied, .refused])
        #expect(decision.results[2].refusal == .wrongState)
        #expect(decision.results[2].message.contains("at least one team that accepted and whose report is in: no team has accepted"))
        #expect(decision.hooks.isEmpty)
        #expect(scenario.rollout.status == .open)
        #expect(scenario.state.release.status == .stageRollOut)
    }

    @Test("a team that accepted without its report in is named, with the report that is missing")
    func acceptedWithoutReport() {
        var scenario = TestingAndReportTests.accepted()
        let decision = scenario.mail("outcome accept\ndocid 1234\nresolve", from: World.manager, at: "2026-12-08 10:00")
        #expect(decision.statuses == [.applied, .applied, .refused])
        let message = decision.results[2].message
        #expect(message.contains("ea-NGI_IT-INFN-T1 accepted but its report ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.doc|docx|odt is not in"))
        #expect(message.contains("ea-NGI_DE-FZK-LCG2 accepted but its report"))
        #expect(decision.hooks.isEmpty && scenario.rollout.status == .open)
    }

    @Test("a report of a team that rejected since does not count: the answer counts as it is at that moment")
    func reportedThenRejected() {
        var scenario = TestingAndReportTests.reported()
        scenario.mail("reject NGI_IT-INFN-T1\nreject NGI_DE-FZK-LCG2", from: World.manager, at: "2026-12-07 10:00")
        #expect(scenario.assignment(World.italy)?.report != nil)
        let decision = scenario.mail("outcome accept\ndocid 1234\nresolve", from: World.manager, at: "2026-12-08 10:00")
        #expect(decision.statuses == [.applied, .applied, .refused])
        #expect(decision.results[2].message.contains("no team has accepted"))
        #expect(decision.hooks.isEmpty)
    }

    @Test("a badly named report does not count")
    func badlyNamedReport() {
        var scenario = TestingAndReportTests.accepted()
        scenario.mail("", from: World.italyMember, at: "2026-12-06 10:00", attachments: [AttachmentFacts(fileName: "report.odt", head: openDocumentHead)])
        let decision = scenario.mail("outcome accept\ndocid 1234\nresolve", from: World.manager, at: "2026-12-08 10:00")
        #expect(decision.statuses == [.applied, .applied, .refused])
        #expect(decision.hooks.isEmpty)
    }

    @Test("control: one team that accepted and reported is enough, even with another still testing")
    func oneTestedTeamIsEnough() {
        var scenario = TestingAndReportTests.reported()
        #expect(scenario.assignment(World.germany)?.report == nil)
        let decision = scenario.mail("outcome accept\ndocid 1234\nresolve", from: World.manager, at: "2026-12-08 10:00")
        #expect(decision.statuses == [.applied, .applied, .applied])
        #expect(decision.hooks.map(\.hook) == [.production])
        #expect(scenario.state.release.status == .production)
    }

    @Test("REJECT resolves at any time, with no team and before any testing period is over")
    func rejectAnyTime() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail("outcome reject\ndocid 99\nresolve", from: World.manager, at: "2026-11-27 16:00")
        #expect(decision.statuses == [.applied, .applied, .applied])
        #expect(scenario.state.release.status == .rejected)
        #expect(decision.hooks.isEmpty)
    }
}

@Suite("Escalations once per working day")
struct EscalationOncePerWorkingDayTests {
    @Test("60 escalate in one mail send one escalation; the others are unchanged and say when the next can go")
    func sixtyInOneMail() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail(Array(repeating: "escalate", count: 60).joined(separator: "\n"), from: World.manager, at: "2026-11-30 10:14")
        #expect(decision.statuses == [.applied] + Array(repeating: .unchanged, count: 59))
        #expect(scenario.rollout.escalationsSent == 1)
        #expect(decision.history.filter { $0.action == .escalation }.count == 1)
        var alone = Scenario.assigned()
        let single = alone.mail("escalate", from: World.manager, at: "2026-11-30 10:14")
        #expect(decision.notifications.filter { $0.kind == .escalation } == single.notifications.filter { $0.kind == .escalation })
        let reason = decision.results[1].message
        #expect(reason.contains("an escalation was sent today at 10:14"))
        #expect(reason.contains("the next can go from Tue 2026-12-01 09:00"))
    }

    @Test("60 escalate mails in a row on one working day send one escalation")
    func sixtyMails() {
        var scenario = Scenario.assigned()
        var sent = 0
        for minute in 0..<60 {
            let decision = scenario.mail("escalate", from: World.manager, at: String(format: "2026-11-30 11:%02d", minute))
            sent += decision.history.filter { $0.action == .escalation }.count
        }
        #expect(sent == 1)
        #expect(scenario.rollout.escalationsSent == 1)
    }

    @Test("the next working day may have its own; a weekend day after a Friday's may not")
    func nextWorkingDay() {
        var scenario = Scenario.assigned()
        #expect(scenario.mail("escalate", from: World.manager, at: "2026-11-27 16:00").statuses == [.applied])
        let saturday = scenario.mail("escalate", from: World.manager, at: "2026-11-28 11:00")
        #expect(saturday.statuses == [.unchanged])
        #expect(saturday.results[0].message.contains("an escalation was sent on Fri 2026-11-27 16:00"))
        #expect(saturday.results[0].message.contains("the next can go from Mon 2026-11-30 09:00"))
        #expect(scenario.mail("escalate", from: World.manager, at: "2026-11-30 08:59").statuses == [.unchanged])
        #expect(scenario.mail("escalate", from: World.manager, at: "2026-11-30 09:00").statuses == [.applied])
        #expect(scenario.rollout.escalationsSent == 2)
    }

    @Test("the timer does not send a second escalation on the working day of one sent by hand: it goes the next")
    func timerAfterManual() {
        // Given an escalation by hand on Monday morning, and the timer due Monday 15:00
        var scenario = Scenario.assigned()
        scenario.mail("escalate", from: World.manager, at: "2026-11-30 10:14")
        #expect(scenario.rollout.escalationDueAt == World.at("2026-11-30 15:00"))
        // When the timer fires that afternoon
        let monday = scenario.fire(.escalation, at: "2026-11-30 15:00")
        // Then nothing goes; it is due at the start of the next working day, and goes then
        #expect(!monday.kinds.contains(.escalation))
        #expect(scenario.rollout.escalationsSent == 1)
        #expect(monday.scheduled(.escalation) == World.at("2026-12-01 09:00"))
        #expect(scenario.rollout.escalationDueAt == World.at("2026-12-01 09:00"))
        let tuesday = scenario.fire(.escalation, at: "2026-12-01 09:00")
        #expect(tuesday.kinds.contains(.escalation))
        #expect(scenario.rollout.escalationsSent == 2)
    }

    @Test("after the timer's escalation, escalate by hand the same working day is unchanged")
    func manualAfterTimer() {
        var scenario = Scenario.assigned()
        #expect(scenario.fire(.escalation, at: "2026-11-30 15:00").kinds.contains(.escalation))
        let decision = scenario.mail("escalate", from: World.manager, at: "2026-11-30 16:00")
        #expect(decision.statuses == [.unchanged])
        #expect(decision.notifications.isEmpty)
        #expect(scenario.rollout.escalationsSent == 1)
    }
}

@Suite("Privileged commands come first (SPEC §5)")
struct PrivilegedCommandsFirstTests {
    static func strongPolicy() -> WorkflowPolicy {
        var policy = WorkflowPolicy(calendar: BusinessCalendar(timeZone: World.amsterdam))
        policy.strongAuthenticationVerbs = [.outcome, .docid, .resolve]
        return policy
    }

    @Test("outcome, docid and resolve below other text are not applied, even from a strong manager, and say why and how")
    func strongVerbsBelowText() {
        var scenario = TestingAndReportTests.reported(workflow: World.workflow(policy: Self.strongPolicy()))
        let decision = scenario.mail(
            lines: [("Thanks all, see below.", true), ("outcome accept", false), ("docid 1234", false), ("resolve", false)],
            from: World.manager, authentication: .strong, at: "2026-12-08 10:00")
        #expect(decision.results.map(\.refusal) == [.outsideLeadingBlock, .outsideLeadingBlock, .outsideLeadingBlock])
        #expect(decision.results[0].message.contains("count only at the top of your reply"))
        #expect(decision.results[0].message.contains("put them at the top of your reply, before any other text"))
        #expect(scenario.rollout.outcome == nil && scenario.rollout.documentID == nil && scenario.rollout.status == .open)
        #expect(decision.hooks.isEmpty)
    }

    @Test("control: the same commands at the top apply")
    func strongVerbsAtTop() {
        var scenario = TestingAndReportTests.reported(workflow: World.workflow(policy: Self.strongPolicy()))
        let decision = scenario.mail(
            lines: [("outcome accept", true), ("docid 1234", true), ("resolve", true), ("Thanks all.", true)],
            from: World.manager, authentication: .strong, at: "2026-12-08 10:00")
        #expect(decision.statuses == [.applied, .applied, .applied])
        #expect(decision.hooks.map(\.hook) == [.production])
    }

    @Test("assign, unassign and escalate count only at the top, whatever needs a strong sender")
    func managerVerbsBelowText() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail(
            lines: [("Hello,", true), ("assign NGI_FRANCE-IN2P3-CC", false), ("unassign IBERGRID-LIP-Lisbon", false), ("escalate", false)],
            from: World.manager, at: "2026-11-30 10:00")
        #expect(decision.results.map(\.refusal) == [.outsideLeadingBlock, .outsideLeadingBlock, .outsideLeadingBlock])
        #expect(scenario.assignment(World.france) == nil && scenario.assignment(World.portugal) != nil)
        #expect(scenario.rollout.escalationsSent == 0)
        #expect(decision.kinds == [.conversation])
    }

    @Test("team commands, and extend, keep working below other text")
    func teamCommandsAnywhere() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail(
            lines: [("Hi, we are in.", true), ("accept NGI_IT-INFN-T1", false), ("downtime NGI_IT-INFN-T1 on", false), ("ggus 98765", false)],
            from: World.italyMember, at: "2026-11-30 10:00")
        #expect(decision.statuses == [.applied, .applied, .applied])
        let extend = scenario.mail(lines: [("One more thing:", true), ("extend NGI_IT-INFN-T1 2", false)], from: World.manager, at: "2026-11-30 11:00")
        #expect(extend.statuses == [.applied])
    }

    @Test("a verb configured to need a strong sender counts only at the top, whichever it is")
    func configuredVerb() {
        var policy = WorkflowPolicy(calendar: BusinessCalendar(timeZone: World.amsterdam))
        policy.strongAuthenticationVerbs = [.extend]
        var scenario = TestingAndReportTests.accepted()
        scenario.workflow = World.workflow(policy: policy)
        let decision = scenario.mail(lines: [("One more thing:", true), ("extend NGI_IT-INFN-T1 2", false)], from: World.manager, authentication: .strong, at: "2026-12-01 11:00")
        #expect(decision.results.map(\.refusal) == [.outsideLeadingBlock])
    }

    @Test("permission before position, position before strength")
    func orderOfChecks() {
        var scenario = Scenario.assigned(workflow: World.workflow(policy: Self.strongPolicy()))
        let stranger = scenario.mail(lines: [("Hi", true), ("resolve", false), ("assign NGI_FRANCE-IN2P3-CC", false)], from: World.stranger, at: "2026-11-30 10:00")
        #expect(stranger.results.map(\.refusal) == [.notAuthorized, .notAuthorized])
        let weakManager = scenario.mail(lines: [("Hi", true), ("outcome accept", false)], from: World.manager, at: "2026-11-30 10:00")
        #expect(weakManager.results.map(\.refusal) == [.outsideLeadingBlock])
        let weakAtTop = scenario.mail(lines: [("outcome accept", true)], from: World.manager, at: "2026-11-30 10:00")
        #expect(weakAtTop.results.map(\.refusal) == [.needsStrongAuthentication])
    }
}

@Suite("Stale or replayed messages do not carry commands that need a strong sender (SPEC §5 \"Each message once\")")
struct StaleMessageTests {
    static let reason = "its Date: (Mon 2026-11-23 10:00) is more than 3 days before it arrived"

    @Test("a strong manager's stale mail: the strong verbs are refused with the reason, the others apply")
    func staleRefusesStrongVerbs() {
        var scenario = TestingAndReportTests.reported(workflow: World.workflow(policy: PrivilegedCommandsFirstTests.strongPolicy()))
        let decision = scenario.mail(
            lines: [("outcome accept", true), ("docid 1234", true), ("resolve", true), ("assign NGI_FRANCE-IN2P3-CC", true), ("reject IBERGRID-LIP-Lisbon", true)],
            from: World.manager, authentication: .strong, staleReason: Self.reason, at: "2026-12-08 10:00")
        #expect(decision.results.map(\.refusal) == [.staleOrReplayed, .staleOrReplayed, .staleOrReplayed, nil, nil])
        #expect(decision.statuses == [.refused, .refused, .refused, .applied, .applied])
        #expect(decision.results[0].message.contains("stale or replayed: \(Self.reason); send the command again in a new reply"))
        #expect(scenario.rollout.outcome == nil && scenario.rollout.status == .open && decision.hooks.isEmpty)
        #expect(scenario.assignment(World.france) != nil)
    }

    @Test("control: the same mail, fresh, applies")
    func freshApplies() {
        var scenario = TestingAndReportTests.reported(workflow: World.workflow(policy: PrivilegedCommandsFirstTests.strongPolicy()))
        let decision = scenario.mail(
            lines: [("outcome accept", true), ("docid 1234", true), ("resolve", true)],
            from: World.manager, authentication: .strong, at: "2026-12-08 10:00")
        #expect(decision.statuses == [.applied, .applied, .applied])
    }

    @Test("a weak stale sender hears that the command needs a strong sender; a stranger that it is not allowed")
    func strengthBeforeStaleness() {
        var scenario = Scenario.assigned(workflow: World.workflow(policy: PrivilegedCommandsFirstTests.strongPolicy()))
        let weak = scenario.mail(lines: [("outcome accept", true)], from: World.manager, staleReason: Self.reason, at: "2026-11-30 10:00")
        #expect(weak.results.map(\.refusal) == [.needsStrongAuthentication])
        let stranger = scenario.mail(lines: [("outcome accept", true)], from: World.stranger, authentication: .strong, staleReason: Self.reason, at: "2026-11-30 10:00")
        #expect(stranger.results.map(\.refusal) == [.notAuthorized])
    }
}

extension TestingAndReportTests {
    /// ``reported()`` under another workflow.
    static func reported(workflow: Workflow) -> Scenario {
        var scenario = reported()
        scenario.workflow = workflow
        return scenario
    }
}

extension Scenario {
    /// A mail whose lines were read already, each marked as in the leading command block or not.
    @discardableResult
    mutating func mail(
        lines: [(text: String, leading: Bool)], from sender: EmailAddress, authentication: AuthenticationLevel = .weak,
        staleReason: String? = nil, at time: String
    ) -> Decision {
        let event = MessageEvent(
            queue: .stagedRollout,
            sender: Sender(address: sender, authentication: authentication, staleReason: staleReason),
            cause: .message(id: "<\(time)-\(sender)-lines@mail>"), lines: lines.map { ReadLine($0.text, leading: $0.leading) })
        return run(.message(event), at: time)
    }
}
