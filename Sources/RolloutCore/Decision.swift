import Foundation

/// What caused a change, recorded with every history entry.
public enum Cause: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// A mail message, by its Message-ID (or the digest standing in for one).
    case message(id: String)
    /// A command-line action, e.g. `release stage`.
    case operatorAction(String)
    /// A timer firing.
    case timer(TimerKind)

    /// Whether a mail message caused it (its transcript and summary line say what each command did).
    public var isMessage: Bool {
        if case .message = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .message(let id): "message \(id)"
        case .operatorAction(let action): "cli \(action)"
        case .timer(let kind): "timer \(kind.rawValue)"
        }
    }
}

/// How sure the gateway is of a sender (SPEC §5).
public enum AuthenticationLevel: String, Sendable, Codable, Equatable {
    /// The reply address issued to this sender, an aligned DKIM or DMARC pass from our own hosts, or a signature.
    case strong
    /// Only the From address vouches.
    case weak
    /// A local operator on the command line.
    case local
}

/// One line of a ticket's history. Nothing is ever deleted.
public struct HistoryEntry: Sendable, Equatable {
    public var ticket: TicketID
    public var at: Date
    public var cause: Cause
    /// Who did it, when a person did.
    public var actor: EmailAddress?
    public var authentication: AuthenticationLevel?
    /// How the actor's authentication was established (`token`, `dkim`, `dmarc`, `signature`, `from-only`).
    public var basis: AuthenticationBasis?
    /// A short machine-readable name (`team.accepted`, `status`, `comment`).
    public var action: String
    /// The human-readable line.
    public var detail: String

    public init(
        ticket: TicketID, at: Date, cause: Cause, actor: EmailAddress? = nil,
        authentication: AuthenticationLevel? = nil, basis: AuthenticationBasis? = nil, action: String, detail: String
    ) {
        self.basis = basis
        self.ticket = ticket
        self.at = at
        self.cause = cause
        self.actor = actor
        self.authentication = authentication
        self.action = action
        self.detail = detail
    }
}

/// The timers of SPEC §4.
public enum TimerKind: String, Sendable, Codable, CaseIterable {
    /// A team's one-working-day acknowledgement deadline.
    case answerDeadline = "answer-deadline"
    /// The escalation to the EA lists, and its repeats.
    case escalation
    /// The end of a team's minimum testing period.
    case testingMinimum = "testing-minimum"
    /// The end of a team's maximum testing period.
    case testingMaximum = "testing-maximum"
}

/// Identifies a timer: at most one of each kind per ticket and team.
public struct TimerKey: Hashable, Sendable {
    public var ticket: TicketID
    public var kind: TimerKind
    public var team: TeamName?

    public init(ticket: TicketID, kind: TimerKind, team: TeamName? = nil) {
        self.ticket = ticket
        self.kind = kind
        self.team = team
    }
}

/// A change to the set of pending timers.
public enum TimerChange: Sendable, Equatable {
    /// Sets (or moves) the timer to fire at a time.
    case schedule(TimerKey, at: Date)
    case cancel(TimerKey)
}

/// A configured external command the shell must run (SPEC §4 step 1 and the move to production).
public struct HookRun: Sendable, Equatable {
    public enum Hook: String, Sendable, Codable, CaseIterable {
        /// Move the packages from the InVerification repository to StageRollOut.
        case stageRollOut = "stage-rollout"
        /// Move the packages to production after an accepted rollout.
        case production
    }

    public var hook: Hook
    public var release: ReleaseTicket

    public init(hook: Hook, release: ReleaseTicket) {
        self.hook = hook
        self.release = release
    }
}

/// The result of one command line, for the transcript.
public struct CommandResult: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        /// The command changed the ticket.
        case applied
        /// The command was valid but changed nothing (e.g. the same `accept` twice).
        case unchanged
        case refused
    }

    /// Why a command was refused, for callers that must tell authorization apart from other problems.
    public enum RefusalKind: String, Sendable, Equatable {
        /// The line is not a well-formed command.
        case malformed
        /// The sender may not give this command.
        case notAuthorized
        /// The command needs a strongly authenticated sender.
        case needsStrongAuthentication
        case unknownTeam
        /// The ticket is not in a state where the command applies.
        case wrongState
        /// The message also says the opposite (`accept` and `reject` of one team): none of those lines applies.
        case contradictory
        /// Anything else about the command's arguments.
        case invalid
    }

    public var line: String
    public var status: Status
    /// What happened, or why it was refused, in our own words.
    public var message: String
    /// For refusals: the form expected.
    public var expected: String?
    /// For refusals: what kind of refusal.
    public var refusal: RefusalKind?

    public init(line: String, status: Status, message: String, expected: String? = nil, refusal: RefusalKind? = nil) {
        self.line = line
        self.status = status
        self.message = message
        self.expected = expected
        self.refusal = refusal
    }
}

/// What the workflow made of one attachment.
public struct AttachmentVerdict: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case report, summary, other }

    public var fileName: String
    /// What the file is, or claims by its name to be (a badly named report is still `report`).
    public var kind: Kind
    /// The team whose report it is.
    public var team: TeamName?
    public var wellNamed: Bool
    /// Why it was not taken as a report or summary, when it was not.
    public var problem: String?

    public init(fileName: String, kind: Kind, team: TeamName? = nil, wellNamed: Bool, problem: String? = nil) {
        self.fileName = fileName
        self.kind = kind
        self.team = team
        self.wellNamed = wellNamed
        self.problem = problem
    }
}

/// Everything one event causes, as values: the shell persists it in one transaction and performs the rest.
public struct Decision: Sendable, Equatable {
    /// The release and rollout tickets after the event.
    public var state: RolloutCase
    /// The staged-rollout ticket this event created, if any.
    public var createdTicket: TicketID?
    public var results: [CommandResult] = []
    public var history: [HistoryEntry] = []
    public var notifications: [RoutedNotification] = []
    public var timers: [TimerChange] = []
    public var hooks: [HookRun] = []
    public var attachments: [AttachmentVerdict] = []

    public init(state: RolloutCase) { self.state = state }

    /// Whether anything is to be stored.
    public var changesStore: Bool { !history.isEmpty || !notifications.isEmpty || !timers.isEmpty }
}
