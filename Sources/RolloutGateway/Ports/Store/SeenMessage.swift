import Foundation
import RolloutCore

/// A message recorded as seen, so that it is applied once.
public struct SeenMessage: Sendable, Equatable {
    /// The Message-ID, or a digest of the message when it has none.
    public var key: String
    public var ticket: TicketID?
    public var sender: EmailAddress?
    /// What became of it (`applied`, `duplicate`, `set-aside`, …).
    public var disposition: String

    public init(key: String, ticket: TicketID?, sender: EmailAddress?, disposition: String) {
        self.key = key
        self.ticket = ticket
        self.sender = sender
        self.disposition = disposition
    }
}
