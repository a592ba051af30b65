import Foundation

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
    /// What it records (stored by its name: `team.accepted`, `status`, `comment`).
    public var action: HistoryAction
    /// The human-readable line.
    public var detail: String
    /// When the mail that caused it was written (its `Date:`, bounded by its arrival): a later mail of the same
    /// sender written before it is stale for commands that need a strong sender (``MessageFreshness``).
    public var writtenAt: Date?

    public init(
        ticket: TicketID, at: Date, cause: Cause, actor: EmailAddress? = nil,
        authentication: AuthenticationLevel? = nil, basis: AuthenticationBasis? = nil, action: HistoryAction, detail: String,
        writtenAt: Date? = nil
    ) {
        self.writtenAt = writtenAt
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
