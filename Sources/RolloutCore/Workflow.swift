import Foundation

/// The rules engine: from (tickets, an event, now) to a ``Decision``. It performs nothing itself.
public struct Workflow: Sendable {
    public let context: WorkflowContext

    public init(context: WorkflowContext) { self.context = context }

    /// Decides what `event` does to `state` at `now`.
    public func decide(_ state: RolloutCase, _ event: WorkflowEvent, now: Date) -> Decision {
        var run = Run(context: context, decision: Decision(state: state), now: now)
        switch event {
        case .stageRelease(let operatorName, let reserved):
            run.cause = .operatorAction("release stage")
            switch run.stage(childID: reserved, actorName: operatorName) {
            case .success(let message): run.decision.results.append(.init(line: "release stage", status: .applied, message: message))
            case .failure(let refusal):
                run.decision.results.append(
                    .init(line: "release stage", status: refusal.unchanged ? .unchanged : .refused, message: refusal.reason))
            }
        case .releaseCreated:
            run.cause = .operatorAction("release new")
            run.notify(.releaseCreated, ticket: run.release.id, queue: .release)
        case .message(let message):
            run.cause = message.cause
            run.sender = message.sender
            run.reservedTicketID = message.reservedTicketID
            run.writtenAt = message.writtenAt
            if let why = message.sender.signature?.refusal {
                // The record says why this mail was weak although signed (SPEC §5, issue 23).
                let ticket = run.decision.state.rollout?.id ?? run.release.id
                run.record(ticket, .signatureRefused, "the signature of \(message.sender.address)'s message was not accepted: \(why)")
            }
            run.apply(message)
        case .timerFired(let key):
            run.cause = .timer(key.kind)
            run.fire(key)
        case .heldRelaysDue(let key, let held):
            run.cause = .timer(key.kind)
            run.relayHeld(held, on: key.ticket)
        case .deliveryFailed(let recipients, let cause):
            run.cause = cause
            run.recordDeliveryFailure(recipients)
        case .betaDowntimes(let check):
            run.cause = check.observed != nil ? .registry("GOCDB") : check.fired.map { .timer($0.kind) } ?? .operatorAction("downtimes check")
            run.applyBetaDowntimes(check)
        case .outboxHeld(let held, let addresses):
            run.cause = .operatorAction("send")
            let ticket = run.decision.state.rollout?.id ?? run.release.id
            let detail = "\(held) outbound messages held back by the volume caps (\(addresses.map(\.value).joined(separator: ", ")))"
            run.record(ticket, .outboxHeld, detail)
            run.notify(
                .volumeCapped, ticket: ticket, queue: run.decision.state.rollout == nil ? .release : .stagedRollout,
                facts: [.held: String(held), .addresses: addresses.map(\.value).joined(separator: ", ")])
        case .directoryTeamGone(let team):
            run.cause = .operatorAction("directory sync")
            let ticket = run.decision.state.rollout?.id ?? run.release.id
            run.record(ticket, .directoryTeamGone, "team \(team) is no longer in the directory; it stays assigned until a manager unassigns it")
            run.notify(.directoryTeamGone, ticket: ticket, team: team)
        }
        return run.decision
    }
}

/// Why a command did not apply. `unchanged` marks a valid command that had nothing to do.
struct Refusal: Error {
    var reason: String
    var expected: String? = nil
    var unchanged = false
    var kind: CommandResult.RefusalKind = .invalid

    init(reason: String, expected: String? = nil, unchanged: Bool = false, kind: CommandResult.RefusalKind = .invalid) {
        self.reason = reason
        self.expected = expected
        self.unchanged = unchanged
        self.kind = kind
    }

    static func nothingToDo(_ reason: String) -> Refusal { Refusal(reason: reason, unchanged: true) }
}

/// One engine run: the decision under construction and the helpers that add to it.
struct Run {
    let context: WorkflowContext
    var decision: Decision
    let now: Date
    var cause: Cause = .operatorAction("")
    var sender: Sender?
    var reservedTicketID: TicketID?
    /// When the mail being applied was written; recorded with its history.
    var writtenAt: Date?

    var policy: WorkflowPolicy { context.policy }
    var registry: Registry { context.registry }
    var release: ReleaseTicket {
        get { decision.state.release }
        set { decision.state.release = newValue }
    }
    var stack: String { release.release.stack }
    /// The staged-rollout ticket; only used once its presence was checked.
    var rollout: StagedRolloutTicket {
        get { decision.state.rollout! }
        set { decision.state.rollout = newValue }
    }

    // MARK: Recording

    mutating func record(_ ticket: TicketID, _ action: HistoryAction, _ detail: String) {
        decision.history.append(
            HistoryEntry(
                ticket: ticket, at: now, cause: cause, actor: sender?.address,
                authentication: sender?.authentication, basis: sender?.basis, action: action,
                detail: sender?.basis == .signature ? detail + signedBy : detail,
                writtenAt: writtenAt))
    }

    mutating func notify(_ kind: NotificationKind, ticket: TicketID, queue: Queue = .stagedRollout, team: TeamName? = nil, facts: [NoticeFact: String] = [:]) {
        let notice = Notice(kind: kind, ticket: ticket, queue: queue, team: team, facts: facts)
        decision.notifications += context.routing.route(
            notice, in: decision.state, registry: registry, sender: sender?.address,
            excluding: context.gatewayAddresses)
    }

    func describe(_ date: Date) -> String { policy.calendar.describe(date) }

    /// The signer of a command strong by signature, recorded with its history line.
    private var signedBy: String {
        guard let signer = sender?.signature?.signer else { return "" }
        return " (signed by \(signer.subject), issued by \(signer.issuer))"
    }

    // MARK: Steps 1–3: stage the release

    mutating func stage(childID: TicketID?, actorName: String) -> Result<String, Refusal> {
        switch release.status {
        case .stageRollOut:
            let child = release.child.map { " (staged-rollout ticket \($0))" } ?? ""
            return .failure(.nothingToDo("release ticket \(release.id) is already in StageRollOut\(child)"))
        case .production, .rejected:
            return .failure(Refusal(reason: "release ticket \(release.id) is closed (\(release.status.rawValue))", kind: .wrongState))
        case .inVerification:
            break
        }
        guard let childID else {
            return .failure(Refusal(reason: "no ticket number was reserved for the staged-rollout ticket"))
        }
        release.status = .stageRollOut
        release.owner = "sw-rel-sr"
        release.child = childID
        let rollout = StagedRolloutTicket(
            id: childID, parent: release.id, release: release.release, links: release.links, createdAt: now)
        decision.state.rollout = rollout
        decision.createdTicket = childID
        decision.hooks.append(HookRun(hook: .stageRollOut, release: release))
        record(release.id, .status, "status InVerification → StageRollOut; owner → sw-rel-sr (by \(actorName))")
        record(release.id, .child, "staged-rollout ticket \(childID) created")
        record(childID, .created, "created as child of release ticket \(release.id): \(rollout.title)")
        notify(.releaseStaged, ticket: childID)
        return .success("release ticket \(release.id) is in StageRollOut; staged-rollout ticket \(childID) created")
    }

    // MARK: Messages

    mutating func apply(_ message: MessageEvent) {
        let contradictions = ContradictoryCommands(message.lines)
        for (index, line) in message.lines.enumerated() {
            if let reason = contradictions.reason(forLine: index) {
                decision.results.append(.init(line: line.text.trimmed, status: .refused, message: reason, refusal: .contradictory))
                continue
            }
            switch line.reading {
            case .text, .quoted:
                continue
            case .malformed(let verb, let problem):
                decision.results.append(
                    .init(
                        line: line.text.trimmed, status: .refused, message: "not understood: \(problem)", expected: verb.usage,
                        refusal: .malformed))
            case .command(let command):
                let outcome = apply(command, queue: message.queue, leading: line.leading)
                switch outcome {
                case .success(let done):
                    decision.results.append(.init(line: line.text.trimmed, status: .applied, message: done))
                case .failure(let refusal):
                    decision.results.append(
                        .init(
                            line: line.text.trimmed, status: refusal.unchanged ? .unchanged : .refused,
                            message: refusal.reason, expected: refusal.expected, refusal: refusal.unchanged ? nil : refusal.kind))
                }
            }
        }
        for attachment in message.attachments { receive(attachment) }
        if !message.conversationText.isEmpty, let ticket = message.queue == .stagedRollout ? decision.state.rollout?.id : release.id {
            relay(message, on: ticket)
        }
    }

    /// - Parameter leading: whether the command's line stands in the leading command block of the sender's new text.
    mutating func apply(_ command: Command, queue: Queue, leading: Bool) -> Result<String, Refusal> {
        guard let sender else { return .failure(Refusal(reason: "no sender")) }
        // Permission, then position, then strength, then staleness (Workflow+Trust.swift): a stranger hears
        // "not allowed", not "sign it" or "put it first".
        if let refusal = permission(command.verb, sender) { return .failure(refusal) }
        if let refusal = trustRefusal(command.verb, sender, leading: leading) { return .failure(refusal) }
        if case .status(let value) = command {
            guard queue == .release else {
                return .failure(Refusal(reason: "status applies to the release ticket \(release.id), not to this staged-rollout ticket", expected: Verb.status.usage, kind: .wrongState))
            }
            guard registry.isReleaseManager(sender.address) else {
                return .failure(Refusal(reason: "only a release manager may change the status of release ticket \(release.id)", kind: .notAuthorized))
            }
            guard value.caseInsensitiveCompare(ReleaseStatus.stageRollOut.rawValue) == .orderedSame else {
                return .failure(Refusal(reason: "'\(value)' cannot be set by mail", expected: Verb.status.usage))
            }
            return stage(childID: reservedTicketID, actorName: sender.address.value)
        }
        // Commands that only read: answered from the store by the shell (Workflow+Answers.swift).
        if command == .show { return show(queue: queue, sender) }
        if command == .bundle { return bundle(sender) }
        guard queue == .stagedRollout, decision.state.rollout != nil else {
            let target =
                decision.state.rollout.map { " (reply on staged-rollout ticket \($0.id))" }
                ?? " (release ticket \(release.id) has no staged rollout yet)"
            return .failure(Refusal(reason: "\(command.verb.rawValue) applies to a staged-rollout ticket\(target)", kind: .wrongState))
        }
        return applyToRollout(command, sender: sender)
    }

    /// Whether the sender is of the people who may give `verb` at all; the command's own checks come later.
    func permission(_ verb: Verb, _ sender: Sender) -> Refusal? {
        let address = sender.address
        switch verb {
        case .status:
            return registry.isReleaseManager(address)
                ? nil
                : Refusal(reason: "only a release manager may change the status of release ticket \(release.id)", kind: .notAuthorized)
        case .accept, .reject, .downtime, .ggus:
            let member = registry.teams(of: address).isEmpty == false
            return member || registry.isManager(address, ofStack: stack)
                ? nil
                : Refusal(reason: "\(address) is neither a member of an EA team nor a staged-rollout manager of \(stack)", kind: .notAuthorized)
        case .show:
            return isConcerned(address)
                ? nil
                : Refusal(
                    reason: "\(address) is not concerned by ticket \(decision.state.rollout?.id ?? release.id): only its staged-rollout managers, the release managers and the members of its teams may see its state",
                    kind: .notAuthorized)
        case .assign, .unassign, .extend, .escalate, .outcome, .docid, .resolve, .bundle:
            return registry.isManager(address, ofStack: stack)
                ? nil
                : Refusal(reason: "only a staged-rollout manager of \(stack) may \(verb.rawValue); \(address) is not one", kind: .notAuthorized)
        }
    }

    // MARK: Attachments

    mutating func receive(_ attachment: AttachmentFacts) {
        guard decision.state.rollout != nil else {
            decision.attachments.append(
                .init(fileName: attachment.fileName, kind: .other, wellNamed: false, problem: "the release has no staged rollout yet"))
            return
        }
        receiveOnRollout(attachment)
    }

    // MARK: Delivery failures

    /// Records on the ticket each recipient mail could not reach, and tells the managers once.
    mutating func recordDeliveryFailure(_ recipients: [FailedRecipient]) {
        guard !recipients.isEmpty else { return }
        let ticket = decision.state.rollout?.id ?? release.id
        let queue: Queue = decision.state.rollout == nil ? .release : .stagedRollout
        var lines: [String] = []
        for recipient in recipients {
            let detail = [recipient.status, recipient.diagnostic].compactMap { $0 }.joined(separator: " ")
            let line = "mail to \(recipient.address) \(recipient.action)\(detail.isEmpty ? "" : ": \(detail)")"
            record(ticket, .deliveryFailed, line)
            lines.append(line)
        }
        notify(.deliveryFailed, ticket: ticket, queue: queue, facts: [.failures: lines.joined(separator: "\n")])
    }

    // MARK: Timers

    mutating func fire(_ key: TimerKey) {
        guard let rollout = decision.state.rollout, rollout.id == key.ticket else { return }
        fireOnRollout(key)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
