import RolloutCore

extension Ingest {
    /// How many of the latest messages of the ticket to the sender are looked for in a reply.
    static let ownTextRecentMessages = 20

    /// Ends the new text of a reply where a copy of a message the gateway sent begins (``OwnText``, issue 12): the
    /// messages named by `In-Reply-To` and `References`, and the latest ones of the ticket (found by the reply token,
    /// the subject tag or the threading headers) to the sender. Needs a store that keeps the fingerprints
    /// (``SentTextStore``).
    func cutOwnText(_ analysis: inout Analysis) async throws {
        guard analysis.classification.kind == .reply else { return }
        let store = gateway.store
        let headers = analysis.message.headers
        let sent = try await store.sentTextFingerprints(
            messageIDs: Array((headers.inReplyTo + headers.references.suffix(20))), ticket: analysis.ticket,
            recipient: analysis.sender, limit: Self.ownTextRecentMessages)
        guard !sent.isEmpty,
            let reply = StageTimes.measure("own-text cut", { ReplyText.endingAtOwnText(analysis.message.text, sent: sent) })
        else { return }
        analysis.reply = reply
        analysis.lines = StageTimes.measure("own-text cut") { reply.readLines }
    }
}
