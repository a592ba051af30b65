import Foundation

/// What a ticket's history says about one sender's conversation mail, for the flood limit
/// (``WorkflowPolicy/relaysPerSenderPerHour``): how much of it was relayed in the last hour, and whether mail held back
/// waits for the held-relays timer.
public struct RelayWindow: Sendable, Equatable {
    /// The sender's mails relayed one by one on the ticket within the hour before now.
    public var relayedLastHour: Int
    /// Whether mail (of anyone) is held on the ticket since the held mail last went out: the timer is set.
    public var heldWaiting: Bool

    public init(relayedLastHour: Int, heldWaiting: Bool) {
        self.relayedLastHour = relayedLastHour
        self.heldWaiting = heldWaiting
    }

    /// Reads the window from the ticket's history of the last hour and whether its held-relays timer is pending (it
    /// is from the first mail held until the held mail goes out): the cost of a message does not grow with the
    /// ticket's age.
    public init(lastHour: [HistoryEntry], heldRelaysPending: Bool, sender: EmailAddress, now: Date) {
        let since = now.addingTimeInterval(-3600)
        relayedLastHour = lastHour.count { Self.counts($0, by: sender, after: since) }
        heldWaiting = heldRelaysPending
    }

    /// Whether an entry is one of `sender`'s relays that the window counts: what the stores count by an index
    /// (`relayedComments(on:by:since:)`, the gateway's store port).
    public static func counts(_ entry: HistoryEntry, by sender: EmailAddress, after since: Date) -> Bool {
        entry.action == .comment && entry.actor == sender && entry.at > since
    }

    /// The held mail that has not gone out yet: the `comment.held` entries after the last `comment.held-sent` one.
    public static func heldSinceSent(in history: [HistoryEntry]) -> [HistoryEntry] {
        let start = history.lastIndex { $0.action == .commentHeldSent }.map { $0 + 1 } ?? history.startIndex
        return history[start...].filter { $0.action == .commentHeld }
    }
}
