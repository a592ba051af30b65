import Foundation

/// Commands, attachments and timers on a staged-rollout ticket (SPEC §4 steps 4–10).
extension Run {
    private var id: TicketID { rollout.id }
    private var people: StackPeople { registry.people(ofStack: stack) }

    private func isManager(_ sender: Sender) -> Bool { registry.isManager(sender.address, ofStack: stack) }

    /// Resolves a team argument, or explains which teams exist.
    private func lookUp(_ written: String) -> Result<TeamName, Refusal> {
        switch registry.team(named: written) {
        case .found(let team): return .success(team.name)
        case .unknown(_, let closest):
            let hint = closest.isEmpty ? "" : "; did you mean \(closest.map(\.shortForm).joined(separator: " or "))?"
            return .failure(Refusal(reason: "unknown EA team '\(written)'\(hint)", expected: "a registered team, <NGI>-<Site-name>", kind: .unknownTeam))
        }
    }

    private func mayActFor(_ team: TeamName, _ sender: Sender) -> Result<Void, Refusal> {
        if registry.isMember(sender.address, of: team) || isManager(sender) { return .success(()) }
        return .failure(
            Refusal(reason: "\(sender.address) is neither a member of \(team) nor a staged-rollout manager of \(stack)", kind: .notAuthorized))
    }

    func mustManage(_ sender: Sender, _ verb: Verb) -> Result<Void, Refusal> {
        isManager(sender)
            ? .success(())
            : .failure(Refusal(reason: "only a staged-rollout manager of \(stack) may \(verb.rawValue); \(sender.address) is not one", kind: .notAuthorized))
    }

    func mustBeOpen(_ verb: Verb) -> Result<Void, Refusal> {
        rollout.status == .resolved
            ? .failure(Refusal(reason: "ticket \(id) is resolved (outcome \(rollout.outcome?.rawValue ?? "none")); \(verb.rawValue) is no longer possible", kind: .wrongState))
            : .success(())
    }

    mutating func applyToRollout(_ command: Command, sender: Sender) -> Result<String, Refusal> {
        switch command {
        case .accept(let written): return answer(.accepted, written, sender)
        case .reject(let written): return answer(.rejected, written, sender)
        case .downtime(let written, let on): return downtime(written, on, sender)
        case .ggus(let number): return ggus(number, sender)
        case .assign(let written): return assign(written, sender)
        case .unassign(let written): return unassign(written, sender)
        case .extend(let written, let days): return extend(written, days, sender)
        case .escalate: return escalateByHand(sender)
        case .outcome(let outcome): return setOutcome(outcome, sender)
        case .docid(let documentID): return setDocumentID(documentID, sender)
        case .resolve: return resolve(sender)
        case .status: return .failure(Refusal(reason: "status applies to release tickets"))
        case .bundle: return bundle(sender)
        case .show: return show(queue: .stagedRollout, sender)
        }
    }

    // MARK: Step 4: assignment and answers

    private mutating func assign(_ written: [String], _ sender: Sender) -> Result<String, Refusal> {
        if case .failure(let refusal) = mustManage(sender, .assign).flatMap({ mustBeOpen(.assign) }) { return .failure(refusal) }
        var teams: [TeamName] = []
        for name in written {
            switch lookUp(name) {
            case .success(let team): if !teams.contains(team) { teams.append(team) }
            case .failure(let refusal): return .failure(refusal)
            }
        }
        let new = teams.filter { rollout.assignment(of: $0) == nil }
        guard !new.isEmpty else {
            return .failure(.nothingToDo("\(teams.map(\.description).joined(separator: ", ")) already assigned"))
        }
        let deadline = policy.calendar.adding(workingDays: policy.answerWorkingDays, to: now)
        for team in new {
            let assignment = TeamAssignment(team: team, assignedAt: now, answerDeadline: deadline)
            if let index = rollout.teams.firstIndex(where: { $0.team == team }) {
                rollout.teams[index] = assignment  // assigned again after an unassign
            } else {
                rollout.teams.append(assignment)
            }
            decision.timers.append(.schedule(TimerKey(ticket: id, kind: .answerDeadline, team: team), at: deadline))
            record(id, .teamAssigned, "\(team) assigned; answer due \(describe(deadline))")
            notify(.teamAssigned, ticket: id, team: team, facts: [.deadline: describe(deadline)])
        }
        if rollout.status == .new {
            rollout.status = .open
            record(id, .status, "status new → open")
        }
        if rollout.escalationDueAt == nil, rollout.escalationsSent == 0, rollout.acceptedTeams.isEmpty {
            rollout.escalationDueAt = deadline
            decision.timers.append(.schedule(TimerKey(ticket: id, kind: .escalation), at: deadline))
        }
        return .success("assigned \(new.map(\.description).joined(separator: ", ")); answers due \(describe(deadline))")
    }

    private mutating func unassign(_ written: String, _ sender: Sender) -> Result<String, Refusal> {
        if case .failure(let refusal) = mustManage(sender, .unassign).flatMap({ mustBeOpen(.unassign) }) { return .failure(refusal) }
        let team: TeamName
        switch lookUp(written) {
        case .success(let found): team = found
        case .failure(let refusal): return .failure(refusal)
        }
        guard rollout.assignment(of: team) != nil else { return .failure(.nothingToDo("\(team) is not assigned to ticket \(id)")) }
        notify(.teamUnassigned, ticket: id, team: team)
        let now = self.now
        let hadAccepted = !rollout.acceptedTeams.isEmpty
        rollout.update(team) { $0.unassignedAt = now }
        for kind in [TimerKind.answerDeadline, .testingMinimum, .testingMaximum] {
            decision.timers.append(.cancel(TimerKey(ticket: id, kind: kind, team: team)))
        }
        record(id, .teamUnassigned, "\(team) unassigned")
        if hadAccepted { restartEscalationClockIfNoneAccepted() }
        return .success("\(team) unassigned")
    }

    private mutating func answer(_ answer: TeamAnswer, _ written: String, _ sender: Sender) -> Result<String, Refusal> {
        let verb: Verb = answer == .accepted ? .accept : .reject
        if case .failure(let refusal) = mustBeOpen(verb) { return .failure(refusal) }
        let team: TeamName
        switch lookUp(written).flatMap({ found in mayActFor(found, sender).map { found } }) {
        case .success(let found): team = found
        case .failure(let refusal): return .failure(refusal)
        }
        if let current = rollout.assignment(of: team), current.answer == answer {
            let when = current.answeredAt.map { " on \(describe($0))" } ?? ""
            return .failure(.nothingToDo("\(team) had already \(answer.rawValue)\(when)"))
        }
        if rollout.assignment(of: team) == nil {
            guard answer == .accepted else {
                return .failure(Refusal(reason: "\(team) is not assigned to ticket \(id); there is nothing to decline"))
            }
            if rollout.teams.contains(where: { $0.team == team && $0.unassignedAt != nil }) {
                return .failure(
                    Refusal(reason: "\(team) was taken off ticket \(id) by a manager; a manager may assign it again", kind: .wrongState))
            }
            let family = rollout.release.stackFamily
            if let registered = registry.teams[team], !registered.adopts(family) {
                return .failure(Refusal(reason: "\(team) does not adopt \(family); only teams of that stack may volunteer", kind: .invalid))
            }
            rollout.teams.removeAll { $0.team == team }
            rollout.teams.append(TeamAssignment(team: team, assignedAt: now, volunteered: true, answerDeadline: now))
            record(id, .teamVolunteered, "\(team) volunteered")
            if rollout.status == .new {
                rollout.status = .open
                record(id, .status, "status new → open")
            }
        }
        var facts: [NoticeFact: String] = [:]
        var testing: (minimum: String, maximum: String)?
        let now = self.now
        let hadAccepted = !rollout.acceptedTeams.isEmpty
        rollout.update(team) {
            $0.answer = answer
            $0.answeredAt = now
            $0.answeredBy = sender.address
            $0.testingMinimumEnd = nil
            $0.testingMaximumEnd = nil
            $0.extendedDays = 0
        }
        let timers = [TimerKind.testingMinimum, .testingMaximum].map { TimerKey(ticket: id, kind: $0, team: team) }
        if answer == .accepted {
            let minimum = policy.calendar.adding(calendarDays: policy.testingMinimumDays, to: now)
            let maximum = policy.calendar.adding(calendarDays: policy.testingMaximumDays, to: now)
            rollout.update(team) {
                $0.testingMinimumEnd = minimum
                $0.testingMaximumEnd = maximum
            }
            decision.timers += [.schedule(timers[0], at: minimum), .schedule(timers[1], at: maximum)]
            armBetaDowntimeCheckNow()
            testing = (describe(minimum), describe(maximum))
            facts = [.testingMinimum: describe(minimum), .testingMaximum: describe(maximum)]
            if rollout.escalationDueAt != nil {
                rollout.escalationDueAt = nil
                decision.timers.append(.cancel(TimerKey(ticket: id, kind: .escalation)))
            }
        } else {
            decision.timers += timers.map { .cancel($0) }
        }
        decision.timers.append(.cancel(TimerKey(ticket: id, kind: .answerDeadline, team: team)))
        facts[.answer] = answer.rawValue
        record(id, .team(answer), "\(team) \(answer.rawValue)")
        notify(answer == .accepted ? .teamAccepted : .teamRejected, ticket: id, team: team, facts: facts)
        if hadAccepted { restartEscalationClockIfNoneAccepted() }
        if let testing {
            return .success("\(team) accepted; testing runs until \(testing.minimum) at least, \(testing.maximum) at most")
        }
        return .success("\(team) rejected")
    }

    private mutating func downtime(_ written: String, _ on: Bool, _ sender: Sender) -> Result<String, Refusal> {
        let team: TeamName
        switch lookUp(written).flatMap({ found in mayActFor(found, sender).map { found } }) {
        case .success(let found): team = found
        case .failure(let refusal): return .failure(refusal)
        }
        guard let assignment = rollout.assignment(of: team) else {
            return .failure(Refusal(reason: "\(team) is not assigned to ticket \(id)"))
        }
        let state = on ? "on" : "off"
        guard assignment.downtime != on else { return .failure(.nothingToDo("the beta downtime of \(team) was already \(state)")) }
        rollout.update(team) { $0.downtime = on }
        record(id, .teamDowntime, "GOCDB beta downtime of \(team) \(state)")
        return .success("beta downtime of \(team) recorded as \(state)")
    }

    private mutating func ggus(_ number: String, _ sender: Sender) -> Result<String, Refusal> {
        let member = rollout.activeTeams.contains { registry.isMember(sender.address, of: $0.team) }
        guard member || isManager(sender) else {
            return .failure(Refusal(reason: "only members of the assigned teams and the managers of \(stack) may link GGUS tickets", kind: .notAuthorized))
        }
        guard !rollout.ggusTickets.contains(number) else { return .failure(.nothingToDo("GGUS ticket \(number) was already linked")) }
        rollout.ggusTickets.append(number)
        record(id, .ggus, "GGUS ticket \(number) linked")
        return .success("GGUS ticket \(number) linked")
    }

    // MARK: Step 7: testing period

    private mutating func extend(_ written: String?, _ days: Int, _ sender: Sender) -> Result<String, Refusal> {
        if case .failure(let refusal) = mustManage(sender, .extend).flatMap({ mustBeOpen(.extend) }) { return .failure(refusal) }
        var teams: [TeamName]
        if let written {
            switch lookUp(written) {
            case .success(let team): teams = [team]
            case .failure(let refusal): return .failure(refusal)
            }
            guard rollout.assignment(of: teams[0])?.hasAccepted == true else {
                return .failure(Refusal(reason: "\(teams[0]) has not accepted; it has no testing period to extend"))
            }
        } else {
            teams = rollout.acceptedTeams.map(\.team)
            guard !teams.isEmpty else { return .failure(Refusal(reason: "no team has accepted; there is no testing period to extend")) }
        }
        var ends: [String] = []
        for team in teams {
            guard let end = rollout.assignment(of: team)?.testingMaximumEnd else { continue }
            let newEnd = policy.calendar.adding(calendarDays: days, to: end)
            rollout.update(team) {
                $0.testingMaximumEnd = newEnd
                $0.extendedDays += days
            }
            decision.timers.append(.schedule(TimerKey(ticket: id, kind: .testingMaximum, team: team), at: newEnd))
            record(id, .teamExtended, "testing period of \(team) extended by \(days) days to \(describe(newEnd))")
            notify(.testingExtended, ticket: id, team: team, facts: [.testingMaximum: describe(newEnd), .days: String(days)])
            ends.append("\(team) until \(describe(newEnd))")
        }
        return .success("testing extended: \(ends.joined(separator: "; "))")
    }

    // MARK: Step 9–10: outcome, document, resolve

    private mutating func setOutcome(_ outcome: Outcome, _ sender: Sender) -> Result<String, Refusal> {
        if case .failure(let refusal) = mustManage(sender, .outcome).flatMap({ mustBeOpen(.outcome) }) { return .failure(refusal) }
        guard rollout.outcome != outcome else { return .failure(.nothingToDo("the outcome was already \(outcome.rawValue)")) }
        let before = rollout.outcome?.rawValue ?? "none"
        rollout.outcome = outcome
        record(id, .outcome, "outcome \(before) → \(outcome.rawValue)")
        return .success("outcome set to \(outcome.rawValue)")
    }

    private mutating func setDocumentID(_ documentID: String, _ sender: Sender) -> Result<String, Refusal> {
        if case .failure(let refusal) = mustManage(sender, .docid).flatMap({ mustBeOpen(.docid) }) { return .failure(refusal) }
        guard rollout.documentID != documentID else { return .failure(.nothingToDo("the document ID was already \(documentID)")) }
        rollout.documentID = documentID
        record(id, .docid, "document-server ID \(documentID) (\(rollout.release.documentDescription))")
        return .success("document-server ID set to \(documentID)")
    }

    private mutating func resolve(_ sender: Sender) -> Result<String, Refusal> {
        if case .failure(let refusal) = mustManage(sender, .resolve) { return .failure(refusal) }
        guard rollout.status != .resolved else { return .failure(.nothingToDo("ticket \(id) was already resolved")) }
        var missing: [String] = []
        if rollout.outcome == nil { missing.append("an outcome (\(Verb.outcome.usage))") }
        if rollout.documentID == nil { missing.append("a document ID (\(Verb.docid.usage))") }
        guard missing.isEmpty, let outcome = rollout.outcome, let documentID = rollout.documentID else {
            return .failure(
                Refusal(
                    reason: "resolve needs \(missing.joined(separator: " and ")) first",
                    expected: "outcome accept|reject, then docid <ID>, then resolve", kind: .wrongState))
        }
        if outcome == .accept, let untested = missingTestedTeam {
            return .failure(
                Refusal(
                    reason: "resolving with ACCEPT needs at least one team that accepted and whose report is in: \(untested)",
                    expected: "a team's accept and its report, or outcome reject", kind: .wrongState))
        }
        let before = rollout.status
        rollout.status = .resolved
        rollout.escalationDueAt = nil
        record(id, .status, "status \(before.rawValue) → resolved (outcome \(outcome.rawValue), document \(documentID))")
        decision.timers.append(.cancel(TimerKey(ticket: id, kind: .escalation)))
        for assignment in rollout.teams {
            for kind in [TimerKind.answerDeadline, .testingMinimum, .testingMaximum] {
                decision.timers.append(.cancel(TimerKey(ticket: id, kind: kind, team: assignment.team)))
            }
        }

        let released: ReleaseStatus = outcome == .accept ? .production : .rejected
        let releaseBefore = release.status
        release.outcome = outcome
        release.documentID = documentID
        release.status = released
        release.owner = "sw-rel"
        record(
            release.id, .status,
            "staged rollout \(id) resolved: outcome \(outcome.rawValue), document \(documentID); status \(releaseBefore.rawValue) → \(released.rawValue); owner → sw-rel")
        let facts: [NoticeFact: String] = [.outcome: outcome.rawValue, .docid: documentID]
        notify(.resolved, ticket: release.id, queue: .release, facts: facts)
        if outcome == .accept {
            decision.hooks.append(HookRun(hook: .production, release: release))
            for assignment in rollout.activeTeams where assignment.downtime {
                notify(.downtimeReminder, ticket: id, team: assignment.team)
                record(id, .teamDowntimeReminder, "\(assignment.team) reminded to end its GOCDB beta downtime")
            }
        }
        // With a registry, it is asked again a working day later, and the reminders go on until the downtime ends.
        scheduleBetaDowntimeCheck(reminders: Dictionary(uniqueKeysWithValues: rollout.activeTeams.filter(\.downtime).map { ($0.team, 1) }))
        return .success("ticket \(id) resolved with outcome \(outcome.rawValue) and document \(documentID); release ticket \(release.id) is now \(released.rawValue)")
    }

    /// What keeps an ACCEPT from production (SPEC §4 step 9: no single mail takes a release to production without a
    /// staged rollout): nil when a team accepted — at this moment — and its well-named report is in; otherwise which
    /// teams accepted without their report, or that none did.
    private var missingTestedTeam: String? {
        let accepted = rollout.acceptedTeams
        if accepted.contains(where: { $0.report != nil }) { return nil }
        guard !accepted.isEmpty else { return "no team has accepted" }
        return accepted.map {
            "\($0.team) accepted but its report \(ReportFiles.expectedReportNames(team: $0.team, release: rollout.release)) is not in"
        }.joined(separator: "; ")
    }

    // MARK: Escalation

    /// When the last team that had accepted rejects or is unassigned, nobody tests any more: the escalation clock
    /// starts again, as at assignment (one answer period from now), unless the escalation limit is reached.
    private mutating func restartEscalationClockIfNoneAccepted() {
        guard rollout.acceptedTeams.isEmpty, rollout.escalationDueAt == nil else { return }
        guard rollout.escalationsSent < policy.escalationLimit else {
            record(id, .escalationLimit, "no team has accepted any more; escalation limit of \(policy.escalationLimit) already reached")
            return
        }
        let due = policy.calendar.adding(workingDays: policy.answerWorkingDays, to: now)
        rollout.escalationDueAt = due
        decision.timers.append(.schedule(TimerKey(ticket: id, kind: .escalation), at: due))
        record(id, .escalationScheduled, "no team has accepted any more; escalation due \(describe(due))")
    }

    mutating func sendEscalation(manual: Bool) {
        rollout.escalationsSent += 1
        rollout.lastEscalationAt = now
        let silent = rollout.activeTeams.filter { $0.answer == nil }.map(\.team.description)
        record(
            id, .escalation,
            "escalation \(rollout.escalationsSent)\(manual ? " (by hand)" : "") to the managers and EA lists of \(stack)")
        notify(
            .escalation, ticket: id,
            facts: [
                .escalationNumber: String(rollout.escalationsSent),
                .teamsWithoutAnswer: silent.isEmpty ? "none" : silent.joined(separator: ", "),
            ])
    }

    // MARK: Step 8: reports and summaries

    mutating func receiveOnRollout(_ attachment: AttachmentFacts) {
        let name = attachment.fileName
        let teams = rollout.teams.map(\.team)
        /// Keeps a file that is not taken as a report or summary; `kind` is what its name claims it to be.
        func refuse(_ problem: String, expected: String, as kind: AttachmentVerdict.Kind = .report) {
            decision.attachments.append(.init(fileName: name, kind: kind, wellNamed: false, problem: problem))
            record(id, .attachmentRefused, "\(name) kept, not taken as a report: \(problem)")
            notify(.reportRefused, ticket: id, facts: [.fileName: name, .reason: problem, .expectedName: expected])
        }
        let senderTeams = sender.map { registry.teams(of: $0.address) } ?? []
        let expected = (senderTeams.filter(teams.contains).isEmpty ? teams : senderTeams.filter(teams.contains))
            .map { ReportFiles.expectedReportNames(team: $0, release: rollout.release) }
            + (sender.map(isManager) == true ? [ReportFiles.expectedSummaryName(release: rollout.release)] : [])
        let expectedText = expected.isEmpty ? "a report of an assigned team" : expected.joined(separator: " or ")

        switch ReportFiles.read(fileName: name, release: rollout.release, teams: teams) {
        case .other:
            decision.attachments.append(.init(fileName: name, kind: .other, wellNamed: true))
            record(id, .attachment, "\(name) attached")
        case .badlyNamedDocument:
            refuse("the name follows neither the report nor the summary rule", expected: expectedText)
        case .summary:
            if let problem = ReportFiles.containerProblem(fileName: name, bytes: attachment.head) {
                return refuse("the file \(problem)", expected: expectedText, as: .summary)
            }
            guard let sender, isManager(sender) else {
                return refuse("only a staged-rollout manager of \(stack) may attach the summary", expected: expectedText, as: .summary)
            }
            rollout.summary = name
            decision.attachments.append(.init(fileName: name, kind: .summary, wellNamed: true))
            record(id, .summary, "summary \(name) received")
            notify(.reportReceived, ticket: id, facts: [.fileName: name, .what: "summary"])
        case .report(let team):
            if let problem = ReportFiles.containerProblem(fileName: name, bytes: attachment.head) {
                return refuse("the file \(problem)", expected: expectedText)
            }
            if let sender, case .failure(let refusal) = mayActFor(team, sender) {
                return refuse(refusal.reason, expected: expectedText)
            }
            guard rollout.assignment(of: team) != nil else {
                return refuse("\(team) is no longer assigned to ticket \(id)", expected: expectedText)
            }
            let now = self.now
            rollout.update(team) {
                $0.report = name
                $0.reportedAt = now
            }
            decision.attachments.append(.init(fileName: name, kind: .report, team: team, wellNamed: true))
            record(id, .report, "report of \(team) received: \(name)")
            notify(.reportReceived, ticket: id, team: team, facts: [.fileName: name, .what: "report of \(team)"])
            announceAllReportsIfComplete()
        }
    }

    private mutating func announceAllReportsIfComplete() {
        let accepted = rollout.acceptedTeams
        guard !rollout.allReportsAnnounced, !accepted.isEmpty, accepted.allSatisfy({ $0.report != nil }) else { return }
        rollout.allReportsAnnounced = true
        record(id, .reportsComplete, "all \(accepted.count) accepted teams have reported")
        notify(.allReportsIn, ticket: id, facts: [.teams: accepted.map(\.team.description).joined(separator: ", ")])
    }

    // MARK: Timers

    mutating func fireOnRollout(_ key: TimerKey) {
        guard rollout.status != .resolved else { return }
        switch key.kind {
        case .answerDeadline:
            guard let team = key.team, let assignment = rollout.assignment(of: team), assignment.answer == nil,
                assignment.answerDeadline <= now
            else { return }
            record(id, .teamNoAnswer, "\(team) did not answer by \(describe(assignment.answerDeadline))")
            notify(.noAnswer, ticket: id, team: team, facts: [.deadline: describe(assignment.answerDeadline)])
        case .escalation:
            guard let due = rollout.escalationDueAt, due <= now else { return }
            guard rollout.acceptedTeams.isEmpty else {
                rollout.escalationDueAt = nil
                return
            }
            // The limit counts every escalation, those sent by hand too, and is checked before sending.
            guard rollout.escalationsSent < policy.escalationLimit else {
                rollout.escalationDueAt = nil
                record(id, .escalationLimit, "escalation limit of \(policy.escalationLimit) reached; no more escalations")
                return
            }
            if putOffEscalationSentToday() { return }
            sendEscalation(manual: false)
            if rollout.escalationsSent < policy.escalationLimit {
                let next = policy.calendar.adding(workingDays: 1, to: now)
                rollout.escalationDueAt = next
                decision.timers.append(.schedule(TimerKey(ticket: id, kind: .escalation), at: next))
            } else {
                rollout.escalationDueAt = nil
                record(id, .escalationLimit, "escalation limit of \(policy.escalationLimit) reached; no more escalations")
            }
        case .betaDowntimeCheck:
            return  // fired with what the registry said, as `.betaDowntimes` (Workflow+BetaDowntime.swift); without one, it ends
        case .heldRelays:
            return  // fired with the held mail, as `.heldRelaysDue` (Workflow+Relay.swift)
        case .testingMinimum, .testingMaximum:
            guard let team = key.team, let assignment = rollout.assignment(of: team), assignment.hasAccepted,
                assignment.report == nil
            else { return }
            let expected = ReportFiles.expectedReportNames(team: team, release: rollout.release)
            if key.kind == .testingMinimum {
                guard let end = assignment.testingMinimumEnd, end <= now else { return }
                record(id, .teamReminded, "\(team) reminded to report: minimum testing period over")
                notify(.testingMinimumReached, ticket: id, team: team, facts: [.reportName: expected])
            } else {
                guard let end = assignment.testingMaximumEnd, end <= now else { return }
                record(id, .teamOverdue, "\(team) has not reported by the end of its testing period (\(describe(end)))")
                notify(.testingMaximumReached, ticket: id, team: team, facts: [.reportName: expected])
            }
        }
    }
}
