import RolloutCore

/// What the store keeps of sent mail to find it again in replies (issue 12): a fingerprint of each outbox message's
/// text (``OwnTextFingerprint``), written with the row.
public protocol SentTextStore: Sendable {
    /// Fingerprints of sent messages: those with the given Message-IDs (without angle brackets), and the latest
    /// `limit` notifications (not answers: transcripts, error replies) of `ticket` to `recipient` — every copy of a
    /// notification carries the same text, whichever copy the reply names.
    func sentTextFingerprints(messageIDs: [String], ticket: TicketID?, recipient: EmailAddress?, limit: Int) async throws
        -> [OwnTextFingerprint]
}

extension OutgoingMessage {
    /// The fingerprint of a written message's text, as the store keeps it beside the outbox row.
    public static func textFingerprint(of bytes: [UInt8]) -> OwnTextFingerprint {
        OwnTextFingerprint(text: SentMessageText.text(of: bytes))
    }
}
