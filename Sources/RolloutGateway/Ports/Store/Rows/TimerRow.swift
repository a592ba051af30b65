import Foundation
import RolloutCore

/// A row of `timers` as both SQL drivers keep it, read by column name — a GRDB record on SQLite, the same coding keys
/// on PostgreSQL (``CodingKeys`` are the column names) — and made into the core's value in one place
/// (``dueTimer()``): a kind or team this version does not know is an error, never a default (nor a timer of no team).
public struct TimerRow: Codable, Sendable, Equatable {
    public static let table = "timers"

    public var ticketID: Int
    public var kind: String
    /// Empty for a timer of the ticket, not of a team.
    public var team: String
    public var dueAt: Date

    public enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id"
        case kind
        case team
        case dueAt = "due_at"
    }

    /// The pending timer this row holds.
    public func dueTimer() throws -> DueTimer {
        DueTimer(
            key: TimerKey(
                ticket: TicketID(ticketID), kind: try TimerKind(stored: kind, table: Self.table, column: CodingKeys.kind.rawValue),
                team: team.isEmpty ? nil : try TeamName(stored: team, table: Self.table, column: CodingKeys.team.rawValue)),
            dueAt: dueAt)
    }
}
