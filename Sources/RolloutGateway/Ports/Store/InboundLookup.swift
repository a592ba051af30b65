import Foundation
import RolloutCore

/// What ingesting one message needs from the store, read at once.
public struct InboundLookup: Sendable {
    /// Whether the message was recorded before.
    public var seen: Bool
    /// The case of the ticket the message names, when it exists.
    public var stored: StoredCase?
    /// Answers (transcripts, error replies) queued to the sender since the time asked.
    public var answersToSender: Int
    /// The fingerprints of sent text asked for (``SentTextRequest``), oldest first; empty when none was asked.
    public var sentText: [OwnTextFingerprint]

    public init(seen: Bool, stored: StoredCase?, answersToSender: Int, sentText: [OwnTextFingerprint] = []) {
        self.seen = seen
        self.stored = stored
        self.answersToSender = answersToSender
        self.sentText = sentText
    }
}
