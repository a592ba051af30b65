import Foundation
import RolloutCore

/// The mail the volume caps hold for one recipient: what `send` and `status` print, and the operator releases.
public struct HeldMail: Sendable, Equatable {
    public var recipient: EmailAddress
    public var count: Int
    /// The tickets the held mail is about.
    public var tickets: [TicketID]
    /// When the caps are next asked about the earliest of them (every ``Gateway/holdInterval`` while over the caps).
    public var nextTry: Date

    /// Held messages grouped by recipient, most held first.
    public static func byRecipient(_ messages: [OutgoingMessage]) -> [HeldMail] {
        var grouped: [EmailAddress: HeldMail] = [:]
        for message in messages {
            for recipient in message.recipients {
                var entry = grouped[recipient] ?? HeldMail(recipient: recipient, count: 0, tickets: [], nextTry: message.nextAttemptAt)
                entry.count += 1
                if let ticket = message.ticket, !entry.tickets.contains(ticket) { entry.tickets.append(ticket) }
                entry.nextTry = min(entry.nextTry, message.nextAttemptAt)
                grouped[recipient] = entry
            }
        }
        return grouped.values.map { entry in
            var sorted = entry
            sorted.tickets.sort()
            return sorted
        }.sorted { ($0.count, $1.recipient) > ($1.count, $0.recipient) }
    }

    /// One line for the operator: `mario.david@… 300 held (tickets 2, 7), next try 2026-…Z`.
    public var summary: String {
        "\(recipient.value): \(count) held (ticket\(tickets.count == 1 ? "" : "s") \(tickets.map { "#\($0.rawValue)" }.joined(separator: ", "))), next try \(Self.timestamp(nextTry))"
    }

    /// `2026-11-26T09:15:00Z`.
    public static func timestamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
