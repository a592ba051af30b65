import RolloutCore

extension Ingest {
    /// How many of the latest messages of the ticket to the sender are looked for in a reply.
    static let ownTextRecentMessages = 20

    /// The sent text a reply may quote, read with its look-up: the messages named by `In-Reply-To` and `References`, and
    /// the latest ones of the ticket (found by the reply token, the subject tag or the threading headers) to the sender.
    /// None for other mail.
    func sentTextRequest(for analysis: Analysis) -> SentTextRequest? {
        guard analysis.classification.kind == .reply else { return nil }
        let headers = analysis.message.headers
        return SentTextRequest(messageIDs: headers.inReplyTo + headers.references.suffix(20), limit: Self.ownTextRecentMessages)
    }

    /// Ends the new text of a reply where a copy of a message the gateway sent begins (``OwnText``, issue 12), `sent`
    /// being the fingerprints of ``sentTextRequest(for:)`` (``SentTextStore``).
    func cutOwnText(_ analysis: inout Analysis, sent: [OwnTextFingerprint]) {
        guard analysis.classification.kind == .reply, !sent.isEmpty,
            let reply = StageTimes.measure("own-text cut", { ReplyText.endingAtOwnText(analysis.message.text, sent: sent) })
        else { return }
        analysis.reply = reply
        analysis.lines = StageTimes.measure("own-text cut") { reply.readLines }
    }
}
