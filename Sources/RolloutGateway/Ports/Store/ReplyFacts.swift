import Foundation
import RolloutCore

/// What a reply's analysis reads once its own text is cut (``SeenMessageStore/replyFacts(replayKeys:relayOn:by:since:)``),
/// at once: whether the same mail was applied before under another Message-ID, and the flood limit's window on its
/// ticket for the apply that follows.
public struct ReplyFacts: Sendable, Equatable {
    /// Whether any of the reply's replay keys was recorded.
    public var replayed: Bool
    /// The sender's relay window on the ticket; nil when no ticket or sender was given.
    public var relayWindow: RelayWindow?

    public init(replayed: Bool, relayWindow: RelayWindow?) {
        self.replayed = replayed
        self.relayWindow = relayWindow
    }
}
