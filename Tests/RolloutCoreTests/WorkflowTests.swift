import Foundation
import RolloutCore
import Testing

@Suite("Workflow steps 1–4: staging, assignment, answers")
struct StagingAndAnswerTests {
    @Test("staging moves the release, creates the child, runs the hook and notifies the managers (steps 1–3)")
    func staging() {
        var scenario = Scenario()
        let decision = scenario.stage(at: "2026-11-27 10:00")
        #expect(scenario.state.release.status == .stageRollOut)
        #expect(scenario.state.release.owner == "sw-rel-sr")
        #expect(scenario.state.release.child == TicketID(12))
        #expect(scenario.rollout.status == .new)
        #expect(scenario.rollout.links == World.links)
        #expect(scenario.rollout.title == "Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64")
        #expect(decision.createdTicket == TicketID(12))
        #expect(decision.hooks.map(\.hook) == [.stageRollOut])
        #expect(decision.recipients(of: .releaseStaged) == [World.manager, World.otherManager])
        #expect(decision.history.contains { $0.ticket == TicketID(11) && $0.action == .status })
    }

    @Test("staging twice changes nothing")
    func stagingTwice() {
        var scenario = Scenario.staged()
        let decision = scenario.stage(at: "2026-11-27 11:00")
        #expect(decision.statuses == [.unchanged])
        #expect(decision.history.isEmpty && decision.notifications.isEmpty && decision.hooks.isEmpty)
    }

    @Test("a release manager stages by mail with status StageRollOut; nobody else may")
    func stagingByMail() {
        var scenario = Scenario()
        let refused = scenario.mail("status StageRollOut", from: World.manager, at: "2026-11-27 09:30", queue: .release)
        #expect(refused.statuses == [.refused])
        #expect(scenario.state.rollout == nil)
        let done = scenario.mail("status StageRollOut", from: World.releaseManager, at: "2026-11-27 10:00", queue: .release)
        #expect(done.statuses == [.applied])
        #expect(scenario.state.release.status == .stageRollOut)
        #expect(scenario.rollout.id == TicketID(12))
    }

    @Test("assigning opens the ticket, notifies each team with its deadline and schedules the escalation (step 4)")
    func assignment() {
        let scenario = Scenario.assigned()
        let decision = scenario.last
        #expect(decision.statuses == [.applied])
        #expect(scenario.rollout.status == .open)
        let deadline = World.at("2026-11-30 15:00")
        #expect(scenario.rollout.activeTeams.map(\.team) == [World.italy, World.germany, World.portugal])
        #expect(scenario.rollout.activeTeams.allSatisfy { $0.answerDeadline == deadline })
        #expect(decision.notifications.filter { $0.kind == .teamAssigned }.map(\.team) == [World.italy, World.germany, World.portugal])
        #expect(decision.recipients(of: .teamAssigned).contains(World.italyMember))
        #expect(decision.scheduled(.answerDeadline, team: World.italy) == deadline)
        #expect(decision.scheduled(.escalation) == deadline)
        #expect(scenario.rollout.escalationDueAt == deadline)
    }

    @Test("only a manager of the stack may assign")
    func assignmentNeedsManager() {
        var scenario = Scenario.staged()
        let decision = scenario.mail("assign NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-27 15:00")
        #expect(decision.statuses == [.refused])
        #expect(decision.results[0].message.contains("only a staged-rollout manager"))
        #expect(scenario.rollout.teams.isEmpty && scenario.rollout.status == .new)
    }

    @Test("an unknown team is refused with the closest names, and nothing of that command applies")
    func unknownTeam() {
        var scenario = Scenario.staged()
        let decision = scenario.mail("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG3", from: World.manager, at: "2026-11-27 15:00")
        #expect(decision.statuses == [.refused])
        #expect(decision.results[0].message.contains("NGI_DE-FZK-LCG2"))
        #expect(scenario.rollout.teams.isEmpty)
        #expect(decision.notifications.isEmpty)
    }

    @Test("a member accepts: managers told, the team acknowledged, testing window set, escalation cancelled")
    func accept() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 10:00")
        #expect(decision.statuses == [.applied])
        let italy = scenario.assignment(World.italy)!
        #expect(italy.answer == .accepted && italy.answeredBy == World.italyMember)
        #expect(italy.testingMinimumEnd == World.at("2026-12-05 10:00"))
        #expect(italy.testingMaximumEnd == World.at("2026-12-07 10:00"))
        #expect(decision.recipients(of: .teamAccepted, template: "team-accepted") == [World.manager, World.otherManager])
        #expect(decision.recipients(of: .teamAccepted, template: "answer-acknowledged").contains(World.italyMember))
        #expect(decision.timers.contains(.cancel(TimerKey(ticket: TicketID(12), kind: .escalation))))
        #expect(scenario.rollout.escalationDueAt == nil)
        #expect(decision.history.last?.actor == World.italyMember)
    }

    @Test("the same accept twice is harmless")
    func acceptTwice() {
        var scenario = Scenario.assigned()
        scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 10:00")
        let before = scenario.state
        let again = scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 11:00")
        #expect(again.statuses == [.unchanged])
        #expect(again.notifications.isEmpty && again.history.isEmpty && again.timers.isEmpty)
        #expect(scenario.state == before)
    }

    @Test("a manager may answer for a team; a member of another team may not")
    func answerAuthorization() {
        var scenario = Scenario.assigned()
        let foreign = scenario.mail("reject NGI_IT-INFN-T1", from: World.germanyMember, at: "2026-11-30 10:00")
        #expect(foreign.statuses == [.refused])
        #expect(scenario.assignment(World.italy)?.answer == nil)
        let stranger = scenario.mail("accept NGI_IT-INFN-T1", from: World.stranger, at: "2026-11-30 10:00")
        #expect(stranger.statuses == [.refused])
        let manager = scenario.mail("reject NGI_IT-INFN-T1", from: World.manager, at: "2026-11-30 10:00")
        #expect(manager.statuses == [.applied])
        #expect(scenario.assignment(World.italy)?.answer == .rejected)
    }

    @Test("a rejection is recorded and told to the managers; testing timers of an earlier accept are cancelled")
    func rejectAfterAccept() {
        var scenario = Scenario.assigned()
        scenario.mail("accept NGI_DE-FZK-LCG2", from: World.germanyMember, at: "2026-11-30 10:00")
        let decision = scenario.mail("reject NGI_DE-FZK-LCG2", from: World.germanyMember, at: "2026-11-30 12:00")
        #expect(decision.statuses == [.applied])
        #expect(scenario.assignment(World.germany)?.answer == .rejected)
        #expect(scenario.assignment(World.germany)?.testingMaximumEnd == nil)
        #expect(decision.timers.contains(.cancel(TimerKey(ticket: TicketID(12), kind: .testingMaximum, team: World.germany))))
        #expect(decision.recipients(of: .teamRejected, template: "team-rejected") == [World.manager, World.otherManager])
    }

    @Test("a team that is not assigned cannot reject, but may volunteer by accepting")
    func volunteer() {
        var scenario = Scenario.staged()
        scenario.mail("assign NGI_IT-INFN-T1", from: World.manager, at: "2026-11-27 15:00")
        let reject = scenario.mail("reject IBERGRID-LIP-Lisbon", from: World.portugalMember, at: "2026-11-30 16:00")
        #expect(reject.statuses == [.refused])
        let accept = scenario.mail("accept IBERGRID-LIP-Lisbon", from: World.portugalMember, at: "2026-11-30 16:00")
        #expect(accept.statuses == [.applied])
        #expect(scenario.assignment(World.portugal)?.volunteered == true)
        #expect(scenario.assignment(World.portugal)?.answer == .accepted)
    }

    @Test("commands apply in order, each against the state the one before left")
    func commandsInOrder() {
        var scenario = TestingAndReportTests.reported()
        let decision = scenario.mail(
            """
            outcome accept
            resolve
            docid 1234
            resolve
            """, from: World.manager, at: "2026-12-08 10:00")
        #expect(decision.statuses == [.applied, .refused, .applied, .applied])
        #expect(decision.results[1].message.contains("document ID"))
        #expect(scenario.rollout.status == .resolved)
    }

    @Test("a malformed line is refused with the expected form while valid lines still apply")
    func malformedAmongValid() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail(
            """
            downtime NGI_IT-INFN-T1 maybe
            accept NGI_IT-INFN-T1
            """, from: World.italyMember, at: "2026-11-30 10:00")
        #expect(decision.statuses == [.refused, .applied])
        #expect(decision.results[0].expected == Verb.downtime.usage)
    }
}

@Suite("Reminders and escalation (end of SPEC §4)")
struct EscalationTests {
    @Test("no team accepted one working day after assignment: escalation to managers and EA lists")
    func escalates() {
        var scenario = Scenario.assigned()
        scenario.mail("reject NGI_DE-FZK-LCG2", from: World.germanyMember, at: "2026-11-27 16:00")
        let decision = scenario.fire(.escalation, at: "2026-11-30 15:00")
        #expect(decision.recipients(of: .escalation) == [World.manager, World.otherManager, World.list])
        #expect(scenario.rollout.escalationsSent == 1)
        #expect(decision.notifications.first { $0.kind == .escalation }?.facts[.teamsWithoutAnswer]?.contains("ea-NGI_IT-INFN-T1") == true)
        #expect(decision.scheduled(.escalation) == World.at("2026-12-01 15:00"))
    }

    @Test("no escalation once a team accepted")
    func noEscalationAfterAccept() {
        var scenario = Scenario.assigned()
        scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 09:30")
        let decision = scenario.fire(.escalation, at: "2026-11-30 15:00")
        #expect(decision.notifications.isEmpty)
        #expect(scenario.rollout.escalationsSent == 0)
    }

    @Test("the escalation repeats each working day up to the configured maximum")
    func repeatsUpToLimit() {
        var policy = WorkflowPolicy(calendar: BusinessCalendar(timeZone: World.amsterdam))
        policy.escalationLimit = 2
        var scenario = Scenario.assigned(workflow: World.workflow(policy: policy))
        let first = scenario.fire(.escalation, at: "2026-11-30 15:00")
        #expect(first.kinds.contains(.escalation))
        let second = scenario.fire(.escalation, at: "2026-12-01 15:00")
        #expect(second.kinds.contains(.escalation))
        #expect(second.scheduled(.escalation) == nil)
        #expect(scenario.rollout.escalationDueAt == nil)
        let third = scenario.fire(.escalation, at: "2026-12-02 15:00")
        #expect(third.notifications.isEmpty)
        #expect(scenario.rollout.escalationsSent == 2)
    }

    @Test("a volunteer answering the escalation stops the repeats")
    func volunteerStopsEscalation() {
        // Given an escalation sent, and a team of the stack that was never assigned
        var scenario = Scenario.assigned()
        scenario.fire(.escalation, at: "2026-11-30 15:00")
        #expect(scenario.rollout.escalationDueAt == World.at("2026-12-01 15:00"))
        #expect(scenario.assignment(World.france) == nil)
        // When that team volunteers
        let volunteered = scenario.mail("accept NGI_FRANCE-IN2P3-CC", from: World.franceMember, at: "2026-12-01 09:00")
        #expect(volunteered.statuses == [.applied])
        #expect(scenario.assignment(World.france)?.volunteered == true)
        #expect(volunteered.timers.contains(.cancel(TimerKey(ticket: TicketID(12), kind: .escalation))))
        // Then the repeat does not go out
        let decision = scenario.fire(.escalation, at: "2026-12-01 15:00")
        #expect(decision.notifications.isEmpty)
        #expect(scenario.rollout.escalationsSent == 1)
    }

    @Test("the only accepting team rejecting later starts the escalation clock again")
    func rejectAfterAcceptRestartsEscalation() {
        // Given the only acceptance of the ticket (the escalation is cancelled)
        var scenario = Scenario.assigned()
        scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 09:30")
        #expect(scenario.rollout.escalationDueAt == nil)
        // When that team rejects
        let rejected = scenario.mail("reject NGI_IT-INFN-T1", from: World.italyMember, at: "2026-12-01 10:00")
        // Then the escalation is due one answer period later, and goes out then
        #expect(rejected.scheduled(.escalation) == World.at("2026-12-02 10:00"))
        #expect(scenario.rollout.escalationDueAt == World.at("2026-12-02 10:00"))
        let escalation = scenario.fire(.escalation, at: "2026-12-02 10:00")
        #expect(escalation.kinds.contains(.escalation))
        #expect(scenario.rollout.escalationsSent == 1)
    }

    @Test("the only accepting team unassigned starts the escalation clock again; another acceptance keeps it stopped")
    func unassignAfterAcceptRestartsEscalation() {
        var scenario = Scenario.assigned()
        scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 09:30")
        scenario.mail("accept NGI_DE-FZK-LCG2", from: World.germanyMember, at: "2026-11-30 09:40")
        // one of two accepting teams taken off: still one testing, no escalation
        let first = scenario.mail("unassign NGI_IT-INFN-T1", from: World.manager, at: "2026-12-01 10:00")
        #expect(first.scheduled(.escalation) == nil)
        #expect(scenario.rollout.escalationDueAt == nil)
        // the last one taken off: the clock starts again
        let last = scenario.mail("unassign NGI_DE-FZK-LCG2", from: World.manager, at: "2026-12-01 11:00")
        #expect(last.scheduled(.escalation) == World.at("2026-12-02 11:00"))
        let escalation = scenario.fire(.escalation, at: "2026-12-02 11:00")
        #expect(escalation.kinds.contains(.escalation))
    }

    @Test("escalations sent by hand count toward the limit, checked before the timer sends")
    func manualEscalationsCountTowardLimit() {
        // Given a limit of 2 and two escalations by hand (one per working day) before the first timer
        var policy = WorkflowPolicy(calendar: BusinessCalendar(timeZone: World.amsterdam))
        policy.escalationLimit = 2
        var scenario = Scenario.assigned(workflow: World.workflow(policy: policy))
        #expect(scenario.mail("escalate", from: World.manager, at: "2026-11-27 16:00").statuses == [.applied])
        #expect(scenario.mail("escalate", from: World.manager, at: "2026-11-30 09:30").statuses == [.applied])
        #expect(scenario.rollout.escalationsSent == 2)
        // When the escalation timer fires
        let decision = scenario.fire(.escalation, at: "2026-11-30 15:00")
        // Then no third escalation goes out, and none is scheduled
        #expect(!decision.kinds.contains(.escalation))
        #expect(decision.scheduled(.escalation) == nil)
        #expect(scenario.rollout.escalationsSent == 2)
        #expect(scenario.rollout.escalationDueAt == nil)
    }

    @Test("a team that did not answer by its deadline is reported to the managers; one that did is not")
    func noAnswer() {
        var scenario = Scenario.assigned()
        scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 10:00")
        let answered = scenario.fire(.answerDeadline, team: World.italy, at: "2026-11-30 15:00")
        #expect(answered.notifications.isEmpty)
        let silent = scenario.fire(.answerDeadline, team: World.portugal, at: "2026-11-30 15:00")
        #expect(silent.recipients(of: .noAnswer) == [World.manager, World.otherManager])
        #expect(silent.notifications.first?.team == World.portugal)
    }

    @Test("escalate by hand sends at once, managers only")
    func manualEscalation() {
        var scenario = Scenario.assigned()
        let refused = scenario.mail("escalate", from: World.italyMember, at: "2026-11-27 16:00")
        #expect(refused.statuses == [.refused])
        let decision = scenario.mail("escalate", from: World.manager, at: "2026-11-27 16:00")
        #expect(decision.statuses == [.applied])
        #expect(decision.recipients(of: .escalation).contains(World.list))
    }
}

@Suite("Workflow steps 5–8: downtime, GGUS, testing period, reports")
struct TestingAndReportTests {
    static func accepted() -> Scenario {
        var scenario = Scenario.assigned()
        scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 10:00")
        scenario.mail("accept NGI_DE-FZK-LCG2", from: World.germanyMember, at: "2026-11-30 11:00")
        return scenario
    }

    /// ``accepted()``, and Italy's well-named report in: a rollout that may be resolved with ACCEPT.
    static func reported() -> Scenario {
        var scenario = accepted()
        let report = AttachmentFacts(fileName: "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt", head: openDocumentHead)
        scenario.mail("Our report.", from: World.italyMember, at: "2026-12-06 10:00", attachments: [report])
        return scenario
    }

    @Test("downtime on and off is recorded; the same value again is harmless")
    func downtime() {
        var scenario = Self.accepted()
        #expect(scenario.mail("downtime NGI_IT-INFN-T1 on", from: World.italyMember, at: "2026-11-30 12:00").statuses == [.applied])
        #expect(scenario.assignment(World.italy)?.downtime == true)
        #expect(scenario.mail("downtime NGI_IT-INFN-T1 on", from: World.italyMember, at: "2026-11-30 12:05").statuses == [.unchanged])
        #expect(scenario.mail("downtime NGI_IT-INFN-T1 off", from: World.germanyMember, at: "2026-11-30 12:10").statuses == [.refused])
        #expect(scenario.mail("downtime NGI_IT-INFN-T1 off", from: World.italyMember, at: "2026-11-30 12:10").statuses == [.applied])
    }

    @Test("a GGUS ticket is linked by number or URL, once")
    func ggus() {
        var scenario = Self.accepted()
        #expect(scenario.mail("ggus 98765", from: World.italyMember, at: "2026-12-01 10:00").statuses == [.applied])
        let again = scenario.mail("https://ggus.eu/?mode=ticket_info&ticket_id=98765", from: World.manager, at: "2026-12-01 11:00")
        #expect(again.statuses == [.unchanged])
        #expect(scenario.mail("ggus 1", from: World.stranger, at: "2026-12-01 11:00").statuses == [.refused])
        #expect(scenario.rollout.ggusTickets == ["98765"])
    }

    @Test("conversation text is recorded and relayed to the watchers, not to its author")
    func conversation() {
        var scenario = Self.accepted()
        let decision = scenario.mail("The upgrade script fails on SL5 with DPM 1.7.4.\nAny hints?", from: World.italyMember, at: "2026-12-01 10:00")
        #expect(decision.results.isEmpty)
        #expect(decision.history.last?.action == .comment)
        let relayed = decision.recipients(of: .conversation)
        #expect(relayed.contains(World.manager) && relayed.contains(World.germanyMember))
        #expect(!relayed.contains(World.italyMember))
    }

    @Test("testing reminders: the minimum reminds the team, the maximum tells the managers too")
    func testingReminders() {
        var scenario = Self.accepted()
        let minimum = scenario.fire(.testingMinimum, team: World.italy, at: "2026-12-05 10:00")
        #expect(minimum.recipients(of: .testingMinimumReached).contains(World.italyMember))
        #expect(minimum.notifications.first?.facts[.reportName]?.contains("ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.") == true)
        let maximum = scenario.fire(.testingMaximum, team: World.italy, at: "2026-12-07 10:00")
        #expect(maximum.recipients(of: .testingMaximumReached).isSuperset(of: [World.italyMember, World.manager]))
    }

    @Test("extend moves the end of one team's testing period, or of all")
    func extend() {
        var scenario = Self.accepted()
        let one = scenario.mail("extend NGI_IT-INFN-T1 3", from: World.manager, at: "2026-12-04 10:00")
        #expect(one.statuses == [.applied])
        #expect(scenario.assignment(World.italy)?.testingMaximumEnd == World.at("2026-12-10 10:00"))
        #expect(one.scheduled(.testingMaximum, team: World.italy) == World.at("2026-12-10 10:00"))
        #expect(one.recipients(of: .testingExtended).contains(World.italyMember))
        // The old maximum no longer reminds anyone.
        #expect(scenario.fire(.testingMaximum, team: World.italy, at: "2026-12-07 10:00").notifications.isEmpty)
        let all = scenario.mail("extend all 1", from: World.manager, at: "2026-12-04 11:00")
        #expect(scenario.assignment(World.germany)?.testingMaximumEnd == World.at("2026-12-08 11:00"))
        #expect(all.kinds.filter { $0 == .testingExtended }.count == 2)
        #expect(scenario.mail("extend IBERGRID-LIP-Lisbon 2", from: World.manager, at: "2026-12-04 11:00").statuses == [.refused])
        #expect(scenario.mail("extend all 2", from: World.italyMember, at: "2026-12-04 11:00").statuses == [.refused])
    }

    @Test("a well-named report is registered; when all accepted teams reported the managers are told once")
    func reports() {
        var scenario = Self.accepted()
        let italyReport = AttachmentFacts(fileName: "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt", head: openDocumentHead)
        let first = scenario.mail("Our report.", from: World.italyMember, at: "2026-12-06 10:00", attachments: [italyReport])
        #expect(first.attachments == [AttachmentVerdict(fileName: italyReport.fileName, kind: .report, team: World.italy, wellNamed: true)])
        #expect(scenario.assignment(World.italy)?.report == italyReport.fileName)
        #expect(first.recipients(of: .reportReceived) == [World.italyMember])
        #expect(!first.kinds.contains(.allReportsIn))
        let germanReport = AttachmentFacts(fileName: "ea-NGI_DE-FZK-LCG2-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt", head: openDocumentHead)
        let second = scenario.mail("", from: World.germanyMember, at: "2026-12-06 11:00", attachments: [germanReport])
        #expect(second.recipients(of: .allReportsIn) == [World.manager, World.otherManager])
        let third = scenario.mail("", from: World.germanyMember, at: "2026-12-06 12:00", attachments: [germanReport])
        #expect(!third.kinds.contains(.allReportsIn))
    }

    @Test("a badly named report is kept and the sender told the expected name")
    func badlyNamedReport() {
        var scenario = Self.accepted()
        let decision = scenario.mail("", from: World.italyMember, at: "2026-12-06 10:00", attachments: [AttachmentFacts(fileName: "report.docx", head: openDocumentHead)])
        #expect(decision.attachments.first?.wellNamed == false)
        #expect(decision.history.contains { $0.action == .attachmentRefused })
        let notice = decision.notifications.first { $0.kind == .reportRefused }
        #expect(notice?.recipients == [World.italyMember])
        #expect(notice?.facts[.expectedName] == "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.doc|docx|odt")
        #expect(scenario.assignment(World.italy)?.report == nil)
    }

    @Test("a report whose content is not the container its extension claims is refused")
    func fakeOpenDocument() {
        var scenario = Self.accepted()
        let decision = scenario.mail("", from: World.italyMember, at: "2026-12-06 10:00", attachments: [AttachmentFacts(fileName: "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt", head: Array("plain text".utf8))])
        #expect(decision.attachments.first?.problem?.contains("OpenDocument") == true)
        #expect(scenario.assignment(World.italy)?.report == nil)
        #expect(decision.kinds.contains(.reportRefused))
    }
}

@Suite("Workflow steps 9–10: outcome, document, resolve")
struct ResolveTests {
    @Test("resolve needs an outcome and a document ID")
    func resolveNeedsBoth() {
        var scenario = TestingAndReportTests.accepted()
        let bare = scenario.mail("resolve", from: World.manager, at: "2026-12-08 10:00")
        #expect(bare.statuses == [.refused])
        #expect(bare.results[0].message.contains("outcome") && bare.results[0].message.contains("document ID"))
        scenario.mail("outcome reject", from: World.manager, at: "2026-12-08 10:01")
        let half = scenario.mail("resolve", from: World.manager, at: "2026-12-08 10:02")
        #expect(half.statuses == [.refused])
        #expect(!half.results[0].message.contains("an outcome"))
        #expect(scenario.rollout.status == .open)
    }

    @Test("resolving gives the parent the outcome and document, notifies its owners and the teams, moves to production")
    func resolve() {
        var scenario = TestingAndReportTests.reported()
        scenario.mail("downtime NGI_IT-INFN-T1 on", from: World.italyMember, at: "2026-11-30 12:00")
        let decision = scenario.mail("outcome accept\ndocid 1234\nresolve", from: World.manager, at: "2026-12-08 10:00")
        #expect(decision.statuses == [.applied, .applied, .applied])
        #expect(scenario.rollout.status == .resolved)
        #expect(scenario.state.release.outcome == .accept)
        #expect(scenario.state.release.documentID == "1234")
        #expect(scenario.state.release.status == .production)
        #expect(scenario.state.release.owner == "sw-rel")
        #expect(decision.hooks.map(\.hook) == [.production])
        let resolved = decision.notifications.first { $0.kind == .resolved }
        #expect(resolved?.ticket == TicketID(11) && resolved?.queue == .release)
        #expect(resolved.map { Set($0.recipients) }?.isSuperset(of: [World.releaseManager, World.italyMember, World.germanyMember]) == true)
        #expect(decision.notifications.filter { $0.kind == .downtimeReminder }.map(\.team) == [World.italy])
        #expect(decision.history.contains { $0.ticket == TicketID(11) && $0.detail.contains("1234") })
    }

    @Test("a rejected rollout rejects the release and moves nothing to production")
    func rejectOutcome() {
        var scenario = TestingAndReportTests.accepted()
        let decision = scenario.mail("outcome reject\ndocid 99\nresolve", from: World.manager, at: "2026-12-08 10:00")
        #expect(scenario.state.release.status == .rejected)
        #expect(decision.hooks.isEmpty)
    }

    @Test("a resolved ticket refuses answers and changes, and resolving again is harmless")
    func afterResolve() {
        var scenario = TestingAndReportTests.reported()
        scenario.mail("outcome accept\ndocid 1234\nresolve", from: World.manager, at: "2026-12-08 10:00")
        let accept = scenario.mail("accept IBERGRID-LIP-Lisbon", from: World.portugalMember, at: "2026-12-08 11:00")
        #expect(accept.statuses == [.refused])
        #expect(accept.results[0].message.contains("resolved"))
        #expect(scenario.mail("outcome reject", from: World.manager, at: "2026-12-08 11:00").statuses == [.refused])
        #expect(scenario.mail("resolve", from: World.manager, at: "2026-12-08 11:00").statuses == [.unchanged])
        // Timers left over do nothing on a resolved ticket.
        #expect(scenario.fire(.testingMaximum, team: World.italy, at: "2026-12-09 10:00").notifications.isEmpty)
    }

    @Test("outcome, docid and resolve are for managers only")
    func managersOnly() {
        var scenario = TestingAndReportTests.accepted()
        let decision = scenario.mail("outcome accept\ndocid 1\nresolve", from: World.italyMember, at: "2026-12-08 10:00")
        #expect(decision.statuses == [.refused, .refused, .refused])
        #expect(scenario.rollout.outcome == nil)
    }

    @Test("verbs configured to need strong authentication are refused from a weakly authenticated sender")
    func strongAuthentication() {
        var policy = WorkflowPolicy(calendar: BusinessCalendar(timeZone: World.amsterdam))
        policy.strongAuthenticationVerbs = [.outcome, .resolve]
        var scenario = Scenario.assigned(workflow: World.workflow(policy: policy))
        let weak = scenario.mail("outcome accept", from: World.manager, at: "2026-12-08 10:00")
        #expect(weak.statuses == [.refused])
        #expect(weak.results[0].message.contains("strongly authenticated"))
        let strong = scenario.mail("outcome accept", from: World.manager, at: "2026-12-08 10:00", authentication: .strong)
        #expect(strong.statuses == [.applied])
        #expect(strong.history.last?.authentication == .strong)
        #expect(scenario.mail("docid 5", from: World.manager, at: "2026-12-08 10:01").statuses == [.applied])
    }

    @Test("unassign takes a team off and tells it; answer timers of that team are cancelled")
    func unassign() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail("unassign IBERGRID-LIP-Lisbon", from: World.manager, at: "2026-11-27 16:00")
        #expect(decision.statuses == [.applied])
        #expect(scenario.assignment(World.portugal) == nil)
        #expect(decision.recipients(of: .teamUnassigned) == [World.portugalMember])
        #expect(decision.timers.contains(.cancel(TimerKey(ticket: TicketID(12), kind: .answerDeadline, team: World.portugal))))
        #expect(scenario.fire(.answerDeadline, team: World.portugal, at: "2026-11-30 15:00").notifications.isEmpty)
    }
}

@Suite("Notification routing is data")
struct RoutingTests {
    @Test("overriding a kind replaces its default rules; other kinds keep theirs")
    func override() {
        let routing = NotificationRouting.defaults.overriding(with: [
            NotificationRule(kind: .teamAccepted, recipients: [.address(EmailAddress("ops@egi.example.org"))], template: "team-accepted")
        ])
        var scenario = Scenario.assigned(workflow: World.workflow(routing: routing))
        let decision = scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 10:00")
        #expect(decision.recipients(of: .teamAccepted) == [EmailAddress("ops@egi.example.org")])
        #expect(routing.rules(for: .teamAssigned) == NotificationRouting.defaults.rules(for: .teamAssigned))
    }

    @Test("a rule with no recipients silences its kind")
    func silence() {
        let routing = NotificationRouting.defaults.overriding(with: [NotificationRule(kind: .escalation, recipients: [])])
        var scenario = Scenario.assigned(workflow: World.workflow(routing: routing))
        let decision = scenario.fire(.escalation, at: "2026-11-30 15:00")
        #expect(decision.notifications.isEmpty)
        #expect(scenario.rollout.escalationsSent == 1)  // still recorded as sent in the history
    }

    @Test("roles read from configuration text")
    func roles() {
        #expect(RecipientRole(configValue: "ea-lists") == .eaLists)
        #expect(RecipientRole(configValue: "Managers") == .managers)
        #expect(RecipientRole(configValue: "ops@egi.example.org") == .address(EmailAddress("ops@egi.example.org")))
        #expect(RecipientRole(configValue: "everyone") == nil)
        #expect(RecipientRole(configValue: "a@b\r\nBcc: x@y") == nil)
    }
}

@Suite("Delivery failures")
struct DeliveryFailureTests {
    @Test("a failed recipient is recorded on the ticket and the managers are told")
    func recorded() {
        var scenario = Scenario.assigned()
        let failed = FailedRecipient(address: World.portugalMember, action: "failed", status: "5.1.1", diagnostic: "smtp; 550 5.1.1 user unknown")
        let decision = scenario.run(.deliveryFailed([failed], cause: .message(id: "<bounce@mx>")), at: "2026-11-27 15:05")
        #expect(decision.history.map(\.action) == [.deliveryFailed])
        #expect(decision.history.first?.detail.contains("goncalo.borges@lip.example.org failed: 5.1.1") == true)
        #expect(decision.recipients(of: .deliveryFailed) == [World.manager, World.otherManager])
        #expect(scenario.run(.deliveryFailed([], cause: .message(id: "<b2@mx>")), at: "2026-11-27 15:06").notifications.isEmpty)
    }

    @Test("refusals say whether the sender lacked the right")
    func refusalKinds() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail("resolve\naccept NGI_IT-INFN-T9\noutcome maybe\nreject NGI_IT-INFN-T1", from: World.germanyMember, at: "2026-11-30 10:00")
        #expect(decision.results.map(\.refusal) == [.notAuthorized, .unknownTeam, .malformed, .notAuthorized])
    }
}

@Suite("Volunteers")
struct VolunteerTests {
    @Test("a team a manager took off cannot put itself back; a manager can")
    func unassignedCannotVolunteer() {
        var scenario = Scenario.assigned()
        scenario.mail("unassign IBERGRID-LIP-Lisbon", from: World.manager, at: "2026-11-27 16:00")
        #expect(scenario.mail("accept IBERGRID-LIP-Lisbon", from: World.portugalMember, at: "2026-11-30 16:00").statuses == [.refused])
        #expect(scenario.mail("assign IBERGRID-LIP-Lisbon", from: World.manager, at: "2026-11-30 16:10").statuses == [.applied])
        #expect(scenario.mail("accept IBERGRID-LIP-Lisbon", from: World.portugalMember, at: "2026-11-30 16:20").statuses == [.applied])
    }

    @Test("a team that does not adopt the stack cannot volunteer")
    func otherStack() {
        let arc = TeamName("ea-NGI_NDGF-T1")!
        let registry = Registry(
            teams: World.registry.teams.values.map { $0 } + [EATeam(name: arc, members: [EmailAddress("asa@nsc.example.org")], stacks: ["ARC"])],
            stacks: ["EMI": StackPeople(managers: [World.manager], lists: [World.list])], releaseManagers: [World.releaseManager])
        var scenario = Scenario.assigned(workflow: Workflow(context: WorkflowContext(registry: registry, policy: WorkflowPolicy(calendar: BusinessCalendar(timeZone: World.amsterdam)))))
        let decision = scenario.mail("accept NGI_NDGF-T1", from: EmailAddress("asa@nsc.example.org"), at: "2026-11-30 16:00")
        #expect(decision.statuses == [.refused])
        #expect(decision.results[0].message.contains("does not adopt EMI"))
    }

    @Test("a team only the directory knows adopts no stack: it cannot volunteer; a file's team with no stacks listed adopts every one")
    func directoryOnlyTeam() {
        let directoryOnly = TeamName("ea-NGI_XX-SELFMADE")!
        let unlisted = TeamName("ea-NGI_YY-ANY")!
        let registry = Registry(
            teams: World.registry.teams.values.map { $0 } + [
                EATeam(name: directoryOnly, members: [EmailAddress("u@self.example.org")], stacks: [], adoptsEveryStackWhenNoneListed: false),
                EATeam(name: unlisted, members: [EmailAddress("y@any.example.org")], stacks: []),
            ],
            stacks: ["EMI": StackPeople(managers: [World.manager], lists: [World.list])], releaseManagers: [World.releaseManager])
        let workflow = Workflow(context: WorkflowContext(registry: registry, policy: WorkflowPolicy(calendar: BusinessCalendar(timeZone: World.amsterdam))))
        var scenario = Scenario.assigned(workflow: workflow)
        let refused = scenario.mail("accept NGI_XX-SELFMADE", from: EmailAddress("u@self.example.org"), at: "2026-11-30 16:00")
        #expect(refused.statuses == [.refused])
        #expect(refused.results[0].message.contains("does not adopt EMI"))
        #expect(scenario.rollout.assignment(of: directoryOnly) == nil)
        // Control: the configuration's team without `stacks` volunteers as before.
        #expect(scenario.mail("accept NGI_YY-ANY", from: EmailAddress("y@any.example.org"), at: "2026-11-30 16:05").statuses == [.applied])
        // A manager may still assign the directory's team by name.
        #expect(scenario.mail("assign NGI_XX-SELFMADE", from: World.manager, at: "2026-11-30 16:10").statuses == [.applied])
    }
}
