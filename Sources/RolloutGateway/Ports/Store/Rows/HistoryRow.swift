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

    public enum CodingKeys: String, CodingKey {
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
