import Foundation

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
        /// A command that changes the rollout's course (one that needs a strong sender, `assign`, `unassign`,
        /// `escalate`) stood below other text, outside the leading command block of the sender's new text.
        case outsideLeadingBlock
        /// A command that needs a strong sender came in a message that is stale or replayed: older than
        /// `inbound.max_age`, or older than a command of the same sender already applied strongly on the ticket.
        case staleOrReplayed
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
