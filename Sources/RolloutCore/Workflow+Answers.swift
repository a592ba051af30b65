import Foundation

/// The commands that change nothing but what the sender's answer holds (issue 21): `show` (the ticket's state) and
/// `bundle` (the report bundle of step 9b). The core decides who may have them and records that they were given; the
/// shell reads the state or the reports from the store and adds them to the transcript (``AnswerPart``), which goes
/// to the sender's own address only — the From the registry knows, never a `Reply-To:`. So a forged From gains the
/// forger nothing: the answer reaches the person it names, which is why neither needs a strong sender (SPEC §5;
/// `workflow.strong_authentication` can still ask for one).
extension Run {
    /// Whether `address` is concerned by the ticket: a staged-rollout manager of its stack, a release manager, or a
    /// member of a team on the staged rollout.
    func isConcerned(_ address: EmailAddress) -> Bool {
        if registry.isManager(address, ofStack: stack) || registry.isReleaseManager(address) { return true }
        guard let rollout = decision.state.rollout else { return false }
        return registry.teams(of: address).contains { rollout.assignment(of: $0) != nil }
    }

    /// `show`: the state of the ticket the mail names (a release ticket, or its staged rollout).
    mutating func show(queue: Queue, _ sender: Sender) -> Result<String, Refusal> {
        let ticket = queue == .stagedRollout ? (decision.state.rollout?.id ?? release.id) : release.id
        decision.answerParts.append(.ticketState(ticket))
        record(ticket, .stateShown, "state of ticket \(ticket) sent to \(sender.address)")
        return .success("the state of ticket \(ticket) follows below")
    }

    /// `bundle`: the report bundle, once there is a report or a summary to put in it.
    mutating func bundle(_ sender: Sender) -> Result<String, Refusal> {
        guard let rollout = decision.state.rollout else {
            return .failure(Refusal(reason: "release ticket \(release.id) has no staged rollout yet: there are no reports to bundle", kind: .wrongState))
        }
        guard rollout.summary != nil || rollout.teams.contains(where: { $0.report != nil }) else {
            let expected = "ea-<NGI>-<Site-name>-\(rollout.release.fileNameStem).odt"
            return .failure(
                Refusal(
                    reason: "ticket \(rollout.id) has no report or summary yet: nothing to bundle (a team attaches its report, named \(expected), to a reply)",
                    kind: .wrongState))
        }
        decision.answerParts.append(.reportBundle(rollout.id))
        record(rollout.id, .bundleSent, "report bundle sent to \(sender.address)")
        return .success("the report bundle of ticket \(rollout.id) (\"\(rollout.release.documentDescription)\") comes with this answer")
    }
}
