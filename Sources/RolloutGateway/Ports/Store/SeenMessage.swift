import Foundation
import RolloutCore

/// A message recorded as seen, so that it is applied once.
public struct SeenMessage: Sendable, Equatable {
    /// The Message-ID, or a digest of the message when it has none.
    public var key: String
    public var ticket: TicketID?
    public var sender: EmailAddress?
    /// What became of it (applied, a duplicate, set aside and why, …).
    public var disposition: SeenDisposition
    /// Further keys under which an applied message is recorded (``RolloutCore/ReplayIdentity``, hashed): the same
    /// mail sent again under a new Message-ID finds one of them and is a duplicate. Each is a row of its own.
    public var replayKeys: [String]

    public init(key: String, ticket: TicketID?, sender: EmailAddress?, disposition: SeenDisposition, replayKeys: [String] = []) {
        self.replayKeys = replayKeys
        self.key = key
        self.ticket = ticket
        self.sender = sender
        self.disposition = disposition
    }
}

extension SeenMessage {
    /// The rows a commit records: the message under its key, then one per replay key, naming the message.
    public var rows: [SeenMessage] {
        [SeenMessage(key: key, ticket: ticket, sender: sender, disposition: disposition)]
            + replayKeys.map { SeenMessage(key: $0, ticket: ticket, sender: sender, disposition: .replayKey(of: key)) }
    }
}
