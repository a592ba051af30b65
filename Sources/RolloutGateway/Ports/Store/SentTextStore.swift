import RolloutCore

/// What the store keeps of sent mail to find it again in replies (issue 12): a fingerprint of each outbox message's
/// text (``OwnTextFingerprint``), written with the row — of the gateway's own words only (issue 18): the lines a message
/// echoes (`>`, as a transcript echoes the sender's command lines) are left out, and messages that relay other people's
/// words (``OutboxKind/relaysOthersWords``) are never looked up, so that a person's new sentence is never cut as ours
/// because someone else wrote it earlier and the gateway relayed it.
public protocol SentTextStore: Sendable {
    /// Fingerprints of sent messages: those with the given Message-IDs (without angle brackets), and the latest
    /// `limit` notifications (not answers: transcripts, error replies) of `ticket` to `recipient` — every copy of a
    /// notification carries the same text, whichever copy the reply names. Never those of the kinds in
    /// ``OutboxKind/relaysOthersWords``.
    func sentTextFingerprints(messageIDs: [String], ticket: TicketID?, recipient: EmailAddress?, limit: Int) async throws
        -> [OwnTextFingerprint]
}

extension OutgoingMessage {
    /// The fingerprint of a written message's own words (``SentMessageText/ownText(of:)``), as the store keeps it
    /// beside the outbox row.
    public static func textFingerprint(of bytes: [UInt8]) -> OwnTextFingerprint {
        OwnTextFingerprint(text: SentMessageText.ownText(of: bytes))
    }

    /// The same fingerprint from the body text a message is written from (its text part, whatever the attachments or
    /// signature around it), without reading the written bytes back (a tenth of rendering a notification: BENCHMARKS.md).
    public static func textFingerprint(ofBody text: String) -> OwnTextFingerprint {
        OwnTextFingerprint(text: SentMessageText.ownText(ofBody: text))
    }
}

extension OutboxKind {
    /// The kinds whose text is other people's words under a line of ours (the relayed conversation): not our own text,
    /// so never looked for in replies.
    public static let relaysOthersWords: [OutboxKind] = [.notification(.conversation)]
}
