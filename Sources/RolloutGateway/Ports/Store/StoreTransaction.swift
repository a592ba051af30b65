import Foundation
import RolloutCore

/// What a change reads and writes of the store, within one transaction (issue 19): `store.withTransaction { tx in … }`.
///
/// The store itself offers the same operations, each its own transaction. Within `tx`, every read sees what `tx`
/// wrote, and everything written through it is kept when the body returns and nothing when it throws. Each driver makes
/// it atomic its own way: SQLite a transaction on the writer (a savepoint when nested), PostgreSQL one connection's
/// transaction (a savepoint when nested), memory a private copy that touches nothing else until it is kept.
///
/// Inside a body, use `tx` only, never the store it came from.
public protocol StoreTransaction:
    TicketRepository, SeenMessageStore, OutboxStore, SentTextStore, TimerStore, SetAsideStore, ThreadRootStore
{
    /// Runs `body` in a transaction nested in this one (on the store: a transaction of its own). What `body` wrote is
    /// kept, with this transaction, when it returns; undone when it throws, and nothing else with it.
    func withTransaction<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T
}

extension StoreTransaction {
    /// The lookup from its parts, for drivers that have no cheaper way to read them together. Answers are counted
    /// in whole minutes, as the SQL drivers keep them (``AnswerMinute``): from the minute after the one `answersSince`
    /// falls in.
    public func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date, sentText: SentTextRequest?)
        async throws -> InboundLookup
    {
        var answers = 0
        if let sender {
            let from = Date(timeIntervalSince1970: Double(AnswerMinute.of(answersSince) + 1) * 60)
            for kind in OutboxKind.answers { answers += try await outboxCount(to: sender, kind: kind, since: from) }
        }
        return InboundLookup(
            seen: try await hasSeen(messageKey), stored: try await ticket.asyncMap { try await load($0) } ?? nil,
            answersToSender: answers,
            sentText: try await sentText.asyncMap {
                try await sentTextFingerprints(messageIDs: $0.messageIDs, ticket: ticket, recipient: sender, limit: $0.limit)
            } ?? [])
    }

    /// The reply's facts from their parts, for drivers that have no cheaper way to read them together.
    public func replyFacts(replayKeys: [String], relayOn ticket: TicketID?, by actor: EmailAddress?, since: Date) async throws -> ReplyFacts {
        var replayed = false
        for key in replayKeys where try await hasSeen(key) {
            replayed = true
            break
        }
        var window: RelayWindow?
        if let ticket, let actor { window = try await relayWindow(on: ticket, by: actor, since: since) }
        return ReplyFacts(replayed: replayed, relayWindow: window)
    }
}
