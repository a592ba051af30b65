import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

@Suite("Own text is the gateway's own words only (issue 18)")
struct OwnWordsTests {
    static let sentence = "The batch accounting numbers doubled after the upgrade on every worker node we have."

    private func reply(from sender: String, lines: [String]) -> [UInt8] { plainReply(from: sender, lines: lines) }

    @Test("a person's new sentence equal to words someone else wrote and the gateway relayed is not cut as ours")
    func relayedWordsAreNotOurs() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        // Paolo writes a sentence; the gateway relays it to the others on the ticket.
        _ = try await world.ingest.ingest(reply(from: "Paolo Veronesi <paolo.veronesi@cnaf.example.org>", lines: [Self.sentence]))
        let relays = try await world.store.pendingOutbox(at: world.clock.now, limit: 1000).filter {
            $0.kind == .notification(.conversation) && SentMessageText.text(of: $0.data).contains(Self.sentence)
        }
        let relay = try #require(relays.first, "the sentence was relayed")
        let reader = try #require(relay.recipients.first)

        // One who received the relay writes the same sentence as new text of their own, a command below it.
        let analysis = try await world.ingest.analyze(
            reply(from: reader.value, lines: [Self.sentence, "downtime NGI_DE-FZK-LCG2 on", "", "Pavel"]))
        #expect(!analysis.reply.cuts.contains { $0.reason == .ownText }, "relayed words are not our text")
        #expect(analysis.reply.newLines.contains(Self.sentence))
        #expect(analysis.lines.map(\.reading) == analysis.reply.newLines.map(CommandGrammar.read))
        #expect(analysis.lines.contains { $0.reading == .command(.downtime(team: "NGI_DE-FZK-LCG2", on: true)) })

        // The store still finds the gateway's own words: a copy of the notification the reader got is cut.
        let fingerprints = try await world.store.sentTextFingerprints(
            messageIDs: [relay.messageID], ticket: TicketID(12), recipient: reader, limit: 20)
        #expect(!fingerprints.contains(OutgoingMessage.textFingerprint(of: relay.data)), "a relay is never looked up")
    }

    @Test("the lines a transcript echoes with '>' are not fingerprinted, its own sentences are")
    func echoedLinesAreNotOurs() {
        let transcript = Array("""
            Content-Type: text/plain; charset=utf-8\r
            \r
            Processing your message <x@example.org>:\r
            \r
            > \(Self.sentence)\r
            Refused: the ticket is closed and takes no more commands from anybody at all.\r

            """.utf8)
        let fingerprint = OutgoingMessage.textFingerprint(of: transcript)
        let echoed = ReplyText("hello\n\(Self.sentence)\naccept NGI_IT-INFN-T1", sent: [fingerprint])
        #expect(!echoed.cuts.contains { $0.reason == .ownText })
        let own = ReplyText("hello\nRefused: the ticket is closed and takes no more commands from anybody at all.\naccept NGI_IT-INFN-T1", sent: [fingerprint])
        #expect(own.cuts.last?.reason == .ownText)
        #expect(own.newLines == ["hello"])
    }
}
