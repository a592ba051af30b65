import Foundation
import RolloutCore

/// The outbound volume caps of one `send` run: what the store says was delivered in the last hour, plus what this
/// run hands to the transport. Each class of mail (``OutboxKind/CapClass``) has the caps to itself: relays and
/// answers never hold back the workflow's notifications, nor the other way round.
///
/// Per recipient it counts messages; per ticket it counts notifications, the per-person copies of one (same kind,
/// queued at the same moment) once: a burst on a ticket with a hundred people is a hundred times fewer notifications
/// than copies, while a loop repeats notifications.
struct CapCounter {
    let perRecipient: Int
    let perTicket: Int

    private struct RecipientKey: Hashable {
        var recipient: EmailAddress
        var capClass: OutboxKind.CapClass
    }
    private struct TicketKey: Hashable {
        var ticket: TicketID
        var capClass: OutboxKind.CapClass
    }
    private struct NotificationKey: Hashable {
        var ticket: TicketID
        var kind: OutboxKind
        var createdAt: Date
    }
    private var recipients: [RecipientKey: Int] = [:]
    private var tickets: [TicketKey: Int] = [:]
    /// Notifications counted in this run (a copy of one of them adds nothing).
    private var notifications = Set<NotificationKey>()

    init(perRecipient: Int, perTicket: Int) {
        self.perRecipient = perRecipient
        self.perTicket = perTicket
    }

    /// Why `message` must wait (the cap it is over, and for whom), or nil when it may go.
    mutating func over(_ message: OutgoingMessage, store: any OutboxStore, since window: Date) async throws -> String? {
        guard !Gateway.uncappedKinds.contains(message.kind) else { return nil }
        let capClass = message.kind.capClass
        var over: [String] = []
        for recipient in message.recipients {
            let key = RecipientKey(recipient: recipient, capClass: capClass)
            if recipients[key] == nil { recipients[key] = try await store.deliveredCount(to: recipient, kinds: capClass.kinds, since: window) }
            if recipients[key]! >= perRecipient {
                over.append("\(recipient.value) had \(recipients[key]!) \(capClass.rawValue) messages in the last hour (outbox.per_recipient_per_hour \(perRecipient))")
            }
        }
        if let ticket = message.ticket {
            let key = TicketKey(ticket: ticket, capClass: capClass)
            if tickets[key] == nil { tickets[key] = try await store.deliveredCount(ticket: ticket, kinds: capClass.kinds, since: window) }
            let copy = notifications.contains(NotificationKey(ticket: ticket, kind: message.kind, createdAt: message.createdAt))
            if !copy, tickets[key]! >= perTicket {
                over.append("ticket #\(ticket.rawValue) had \(tickets[key]!) \(capClass.rawValue) notifications in the last hour (outbox.per_ticket_per_hour \(perTicket))")
            }
        }
        return over.isEmpty ? nil : over.joined(separator: "; ")
    }

    /// Notes a message handed to the transport.
    mutating func count(_ message: OutgoingMessage) {
        let capClass = message.kind.capClass
        for recipient in message.recipients { recipients[RecipientKey(recipient: recipient, capClass: capClass), default: 0] += 1 }
        if let ticket = message.ticket,
            notifications.insert(NotificationKey(ticket: ticket, kind: message.kind, createdAt: message.createdAt)).inserted
        {
            tickets[TicketKey(ticket: ticket, capClass: capClass), default: 0] += 1
        }
    }
}
