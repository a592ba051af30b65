import Foundation
import RolloutCore

extension Ingest {
    /// The message's replay keys (``ReplayIdentity``), hashed: what the store keeps beside its Message-ID.
    func replayKeys(of analysis: Analysis) -> [String] {
        guard analysis.classification.kind == .reply else { return [] }
        return ReplayIdentity.identities(
            of: analysis.message, sender: analysis.sender, ticket: analysis.ticket, newText: analysis.reply.newLines
        )
            .map { "replay:" + SHA256Hex.of(Array($0.utf8)) }
            // A valid signature bound to the ticket is the mail's own: the same signature under another Message-ID,
            // Date or Subject is the same mail sent again. Keyed with the ticket, so that a copy sent to another
            // ticket never makes the genuine mail a duplicate (checkSignature keeps only bound signatures' bytes).
            + (analysis.signatureBytes.map { bytes in
                ["replay:signature:" + (analysis.ticket.map { "\($0.rawValue):" } ?? "") + SHA256Hex.of(bytes)]
            } ?? [])
    }

    /// When the message arrived: the date our MTA wrote on the boundary hop, else when the gateway first received it.
    func arrival(of analysis: Analysis) -> Date {
        let received = analysis.receivedAt ?? gateway.clock.now()
        let internalHosts = AuthenticationVerdict.Trust(
            authservIDs: configuration.trustedAuthservIDs, internalHosts: configuration.internalHosts
        ).internalHosts
        // Our own MTA wrote that date: it is believed as written.
        return BoundaryHop.ours(trace: analysis.message.headers.traceFields, internalHosts: internalHosts)?.date ?? received
    }

    /// Decides when the message counts as written and, for a strong sender whose commands need it, whether it is
    /// stale: older than `inbound.max_age` at its arrival, or older than a command of the same sender applied
    /// strongly on the ticket (SPEC §5 "Each message once").
    func judgeFreshness(_ analysis: inout Analysis) async throws {
        let arrival = arrival(of: analysis)
        let freshness = MessageFreshness(maxAge: configuration.maxMessageAge)
        analysis.writtenAt = freshness.written(analysis.message.headers.writtenAt, arrival: arrival)
        let strongVerbs = configuration.workflow.policy.strongAuthenticationVerbs
        let needsStrong = analysis.lines.contains { line in
            if case .command(let command) = line.reading { return strongVerbs.contains(command.verb) }
            return false
        }
        guard analysis.authentication == .strong, needsStrong, let sender = analysis.sender else { return }
        var lastStrong: Date?
        if usesStore, let ticket = analysis.ticket {
            lastStrong = MessageFreshness.lastStrongCommand(of: sender, in: try await gateway.store.history(of: ticket))
        }
        analysis.staleReason = freshness.staleReason(
            date: analysis.message.headers.writtenAt, arrival: arrival, lastStrongCommand: lastStrong,
            describe: configuration.workflow.policy.calendar.describe)
    }
}
