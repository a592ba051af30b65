import Foundation

/// The fingerprints of sent text a reply's look-up reads with it (``SeenMessageStore/lookUp(messageKey:ticket:sender:answersSince:sentText:)``):
/// those of the messages the reply names, and the latest `limit` of the looked-up ticket to its sender
/// (``SentTextStore/sentTextFingerprints(messageIDs:ticket:recipient:limit:)``).
public struct SentTextRequest: Sendable, Equatable {
    /// The most Message-IDs looked up, whatever the reply's headers hold.
    public static let maxMessageIDs = 50

    /// The Message-IDs named (`In-Reply-To`, `References`), as written.
    public var messageIDs: [String]
    public var limit: Int

    public init(messageIDs: [String], limit: Int) {
        self.messageIDs = messageIDs
        self.limit = limit
    }

    /// The Message-IDs as the outbox keeps them (without angle brackets), each once, at most ``maxMessageIDs``.
    public static func storedMessageIDs(_ messageIDs: [String]) -> [String] {
        var seen = Set<String>()
        var ids: [String] = []
        for written in messageIDs {
            let id = written.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
            guard seen.insert(id).inserted else { continue }
            ids.append(id)
            if ids.count == maxMessageIDs { break }
        }
        return ids
    }
}
