import Foundation
import RolloutCore

/// A row of `history` as both SQL drivers keep it, read by column name — a GRDB record on SQLite, the same coding keys
/// on PostgreSQL (``CodingKeys`` are the column names) — and made into the core's value in one place (``entry()``): a
/// cause kind, authentication, basis or action this version does not know is an error, never a default.
public struct HistoryRow: Codable, Sendable, Equatable {
    public static let table = "history"

    public var ticketID: Int
    public var at: Date
    public var causeKind: String
    public var cause: String
    public var actor: String?
    public var authentication: String?
    public var authenticationBasis: String?
    public var action: String
    public var detail: String
    public var writtenAt: Date?

    /// The columns, in the order the SQLite driver selects and reads them by position.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case ticketID = "ticket_id"
        case at
        case causeKind = "cause_kind"
        case cause
        case actor
        case authentication
        case authenticationBasis = "authentication_basis"
        case action
        case detail
        case writtenAt = "written_at"
    }

    public init(
        ticketID: Int, at: Date, causeKind: String, cause: String, actor: String?, authentication: String?, authenticationBasis: String?,
        action: String, detail: String, writtenAt: Date?
    ) {
        self.ticketID = ticketID
        self.at = at
        self.causeKind = causeKind
        self.cause = cause
        self.actor = actor
        self.authentication = authentication
        self.authenticationBasis = authenticationBasis
        self.action = action
        self.detail = detail
        self.writtenAt = writtenAt
    }

    /// The history entry this row holds.
    public func entry() throws -> HistoryEntry {
        HistoryEntry(
            ticket: TicketID(ticketID), at: at, cause: try Cause(storedKind: causeKind, text: cause, table: Self.table),
            actor: actor.map(EmailAddress.init),
            authentication: try .storedIfAny(authentication, table: Self.table, column: CodingKeys.authentication.rawValue),
            basis: try .storedIfAny(authenticationBasis, table: Self.table, column: CodingKeys.authenticationBasis.rawValue),
            action: try HistoryAction(stored: action, table: Self.table, column: CodingKeys.action.rawValue),
            detail: detail, writtenAt: writtenAt)
    }
}
