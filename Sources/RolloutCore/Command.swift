/// A mail command (SPEC §5), after its line was read.
public enum Command: Sendable, Equatable {
    case accept(team: String)
    case reject(team: String)
    case downtime(team: String, on: Bool)
    case ggus(ticket: String)
    case assign(teams: [String])
    case unassign(team: String)
    /// `extend <team|all> <days>`; a nil team means all accepted teams.
    case extend(team: String?, days: Int)
    case escalate
    case outcome(Outcome)
    case docid(String)
    case resolve
    /// `status StageRollOut` on a release ticket.
    case status(String)
    /// `bundle`: the report bundle of step 9b, attached to the answer (a manager's).
    case bundle
    /// `show`: the ticket's state in the answer (anyone concerned by the ticket).
    case show

    /// The verb as written in mail.
    public var verb: Verb {
        switch self {
        case .accept: .accept
        case .reject: .reject
        case .downtime: .downtime
        case .ggus: .ggus
        case .assign: .assign
        case .unassign: .unassign
        case .extend: .extend
        case .escalate: .escalate
        case .outcome: .outcome
        case .docid: .docid
        case .resolve: .resolve
        case .status: .status
        case .bundle: .bundle
        case .show: .show
        }
    }

    /// The command's words, teams as written: `["accept", "NGI_IT-INFN-T1"]`.
    public var words: [String] {
        switch self {
        case .accept(let team), .reject(let team), .unassign(let team): [verb.rawValue, team]
        case .downtime(let team, let on): [verb.rawValue, team, on ? "on" : "off"]
        case .ggus(let ticket): [verb.rawValue, ticket]
        case .assign(let teams): [verb.rawValue] + teams
        case .extend(let team, let days): [verb.rawValue, team ?? "all", String(days)]
        case .escalate, .resolve, .bundle, .show: [verb.rawValue]
        case .outcome(let outcome): [verb.rawValue, outcome.rawValue.lowercased()]
        case .docid(let id): [verb.rawValue, id]
        case .status(let status): [verb.rawValue, status]
        }
    }
}

/// The command verbs, with the form each one expects.
public enum Verb: String, Sendable, CaseIterable, Codable {
    case accept, reject, downtime, ggus, assign, unassign, extend, escalate, outcome, docid, resolve, status, bundle, show

    /// The expected form, quoted in refusals.
    public var usage: String {
        switch self {
        case .accept: "accept <NGI>-<Site-name>"
        case .reject: "reject <NGI>-<Site-name>"
        case .downtime: "downtime <NGI>-<Site-name> on|off"
        case .ggus: "ggus <GGUS ticket number>  (or the GGUS ticket URL alone on a line)"
        case .assign: "assign <NGI>-<Site-name> [<NGI>-<Site-name> …]"
        case .unassign: "unassign <NGI>-<Site-name>"
        case .extend: "extend <NGI>-<Site-name>|all <days>"
        case .escalate: "escalate"
        case .outcome: "outcome accept|reject"
        case .docid: "docid <document-server ID>"
        case .resolve: "resolve"
        case .status: "status StageRollOut"
        case .bundle: "bundle"
        case .show: "show"
        }
    }
}
