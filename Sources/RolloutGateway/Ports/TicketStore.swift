import Foundation
import RolloutCore

/// The ticket store port: everything a gateway needs of its store, as the smaller ports it is made of, so that a
/// caller can ask for only what it uses. `async throws` throughout; drivers: SQLite (`StoreSQLite`), in memory
/// (`StoreMemory`), PostgreSQL.
public protocol TicketStore:
    TicketRepository, SeenMessageStore, OutboxStore, SentTextStore, TimerStore, MailboxStateStore, UnitOfWork,
    SetAsideStore, ThreadRootStore
{}

extension TicketStore {
    /// The lookup from its parts, for drivers that have no cheaper way to read them together. Answers are counted
    /// in whole minutes, as the SQL drivers keep them (``AnswerMinute``): from the minute after the one `answersSince`
    /// falls in.
    public func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date) async throws -> InboundLookup {
        var answers = 0
        if let sender {
            let from = Date(timeIntervalSince1970: Double(AnswerMinute.of(answersSince) + 1) * 60)
            for kind in OutboxKind.answers { answers += try await outboxCount(to: sender, kind: kind, since: from) }
        }
        return InboundLookup(
            seen: try await hasSeen(messageKey), stored: try await ticket.asyncMap { try await load($0) } ?? nil,
            answersToSender: answers)
    }
}
