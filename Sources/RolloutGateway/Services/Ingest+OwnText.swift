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
    /// being the fingerprints of ``sentTextRequest(for:)`` (``SentTextStore``). The text cut is the one the reply was
    /// read from: the signed part's when a signature verified, never the whole message's, whose unsigned parts may
    /// hold a command above a pasted copy of our text.
    func cutOwnText(_ analysis: inout Analysis, sent: [OwnTextFingerprint]) {
        let text = analysis.signedText ?? analysis.message.text
        guard analysis.classification.kind == .reply, !sent.isEmpty,
            let reply = StageTimes.measure("own-text cut", { ReplyText.endingAtOwnText(text, sent: sent) })
        else { return }
        analysis.reply = reply
        analysis.lines = StageTimes.measure("own-text cut") { reply.readLines }
    }
}
