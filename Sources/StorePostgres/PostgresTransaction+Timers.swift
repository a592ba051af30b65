import Foundation
import PostgresNIO
import RolloutCore

/// A commit's timer changes as parts of its `WITH` chain (``PostgresTransaction/write(_:_:history:outbox:timers:at:_:pruning:)``).
extension PostgresTransaction {
    /// The most timer changes written as parts of the chain; more go one statement each.
    static let timersInChain = 200

    /// The parts that make `changes` in one statement — the timers scheduled (`timers_scheduled`) and those cancelled
    /// (`timers_cancelled`) — and the changes left to make one by one, in their order: those of a timer changed more
    /// than once (the parts of one statement all see the rows as they were before it, so a timer scheduled and then
    /// cancelled must be written in two steps, as SQLite does).
    static func timerParts(_ changes: [TimerChange], at date: Date, in statement: inout BoundStatement) -> (parts: [String], rest: [TimerChange]) {
        guard changes.count <= timersInChain else { return ([], changes) }
        var times: [TimerKey: Int] = [:]
        for change in changes { times[change.key, default: 0] += 1 }
        var scheduled: [String] = []
        var cancelled: [String] = []
        var rest: [TimerChange] = []
        for change in changes {
            guard times[change.key] == 1 else {
                rest.append(change)
                continue
            }
            let key = change.key
            let columns = [
                statement.placeholder(key.ticket.rawValue), statement.placeholder(key.kind.rawValue),
                statement.placeholder(key.team?.description ?? ""),
            ]
            switch change {
            case .schedule(_, let due):
                scheduled.append("(\(columns.joined(separator: ", ")), \(statement.placeholder(due)), 'pending')")
            case .cancel:
                cancelled.append("(\(columns.joined(separator: ", ")))")
            }
        }
        var parts: [String] = []
        if !scheduled.isEmpty {
            parts.append(
                """
                timers_scheduled AS (INSERT INTO timers (ticket_id, kind, team, due_at, state) VALUES \(scheduled.joined(separator: ", "))
                    ON CONFLICT (ticket_id, kind, team) DO UPDATE SET due_at = excluded.due_at, state = 'pending', settled_at = NULL, claimed_until = NULL)
                """)
        }
        if !cancelled.isEmpty {
            parts.append(
                """
                timers_cancelled AS (UPDATE timers SET state = 'cancelled', settled_at = \(statement.placeholder(date)), claimed_until = NULL
                    WHERE state = 'pending' AND (ticket_id, kind, team) IN (VALUES \(cancelled.joined(separator: ", "))))
                """)
        }
        return (parts, rest)
    }
}
