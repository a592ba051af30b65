import Foundation
import RolloutCore

/// What can go wrong in a store, in the gateway's terms.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// Another writer changed the ticket since it was loaded; load and decide again.
    case conflict(TicketID)
    /// The message was already recorded: a duplicate.
    case alreadySeen(String)
    /// The store is locked by another process; try again later.
    case busy(String)
    /// The store cannot be opened or used.
    case unavailable(String)
    /// The store refused this event's data (a value it cannot hold): the fault is the message's, not the store's,
    /// so it does not stop a batch.
    case refused(String)
    /// A row holds a value this binary does not know (written by a newer version, or by hand): it is never read as
    /// some default.
    case unknownValue(table: String, column: String, value: String)
    /// A row broke a constraint of the schema that the store's statements do not expect to meet (a NOT NULL, a
    /// foreign key, a CHECK; the unique keys the workflow races on are read as ``conflict(_:)`` or
    /// ``alreadySeen(_:)`` by the statements themselves): a fault of the store to report. Never retried as busy: the
    /// same message would meet it again on every run; its source counts it against the message (bounded), then
    /// keeps it aside or quarantines it.
    case brokenConstraint(String)

    public var description: String {
        switch self {
        case .conflict(let id): "ticket \(id) changed while this event was decided"
        case .alreadySeen(let key): "message \(key) was already applied"
        case .busy(let detail): "the store is busy (\(detail)); try again later"
        case .unavailable(let detail): "the store cannot be used: \(detail)"
        case .refused(let detail): "the store refused the data: \(detail)"
        case .unknownValue(let table, let column, let value):
            "the store holds a value this version does not know: \(table).\(column) is '\(value)' (written by a newer version?)"
        case .brokenConstraint(let detail): "a row broke a constraint of the store's schema (a fault of the store, to report): \(detail)"
        }
    }
}
