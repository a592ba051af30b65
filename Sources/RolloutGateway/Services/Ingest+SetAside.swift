import Foundation
import Logging
import RolloutCore

/// Set-aside mail is kept (bytes, reason, time, source) for the operator, who may replay it once the cause is fixed.
extension Ingest {
    /// Records a message as seen and, when it is set aside (`keeping` its analysis), keeps it, in one transaction: a
    /// message is never recorded as seen without its bytes kept. Past `inbound.set_aside_max_bytes` the oldest kept
    /// messages are dropped, each with a log line.
    func recordSeen(_ seen: SeenMessage, at now: Date, outbox: [OutgoingMessage], keeping analysis: Analysis?) async throws {
        guard let analysis else { return try await gateway.store.recordSeen(seen, at: now, outbox: outbox) }
        let kept = SetAsideMessage(
            id: analysis.setAsideID, key: seen.key, sender: analysis.sender?.value, subject: analysis.message.headers.subject,
            reason: analysis.problem ?? seen.disposition.description, source: analysis.source, receivedAt: now, bytes: analysis.raw,
            messageSize: max(analysis.rawSize, analysis.raw.count))
        let limit = configuration.setAsideMaxBytes
        let dropped = try await gateway.store.withTransaction { transaction in
            try await transaction.recordSeen(seen, at: now, outbox: outbox)
            return try await transaction.keepSetAside(kept, limit: limit)
        }
        for entry in dropped {
            logger.warning(
                "set-aside message dropped: the set-aside mail exceeds inbound.set_aside_max_bytes",
                metadata: [
                    "set-aside": "\(entry.id ?? 0)", "message-id": "\(entry.key)", "sender": "\(entry.sender ?? "-")",
                    "reason": "\(entry.reason)", "received": "\(entry.receivedAt)", "limit": "\(limit)",
                ])
        }
    }

    /// Whether the delivery report seen as `key` was recorded as a failure on `ticket`.
    private func isRecordedReport(_ key: String, on ticket: TicketID) async throws -> Bool {
        try await gateway.store.history(of: ticket).contains { $0.action == .deliveryFailed && $0.cause == .message(id: key) }
    }

    /// Runs a set-aside message through ingest again, as if it had just arrived (with `ticket`, as if it named that
    /// ticket). In one transaction, all or nothing: the kept copy and its "seen" record are removed, and the message
    /// is applied, or set aside again (kept anew, with the reason of now), or recognised as a duplicate of a copy
    /// applied meanwhile. When anything of it fails, the kept copy and its record stay as they were.
    ///
    /// - Returns: nil when there is no such set-aside message.
    public func replaySetAside(_ id: Int64, ticket: TicketID? = nil) async throws -> Outcome? {
        let store = gateway.store
        guard let entry = try await store.setAsideMessage(id) else { return nil }
        // A message fetched without its body (too large) is read again as too large, not as a short message.
        var analysis = prepare(entry.bytes, declaredSize: entry.messageSize > entry.bytes.count ? entry.messageSize : nil)
        analysis.source = "replay of set-aside \(id) (\(entry.source))"
        analysis.receivedAt = entry.receivedAt
        // Set aside again, it keeps its number: the operator's notes and commands about "set-aside 7" stay true.
        analysis.setAsideID = id
        if let ticket {
            analysis.ticket = ticket
            analysis.queue = nil
            analysis.foundBy = .operatorNamed
        }
        // A delivery report whose failure was recorded is kept for its text only: replayed, it would be recorded and
        // told to the managers again (and kept anew, replayable again).
        if analysis.classification.kind == .bounce, let ticket = analysis.ticket, try await isRecordedReport(entry.key, on: ticket) {
            throw GatewayError.invalidInput(
                "set-aside message \(id) is a delivery report already recorded on ticket #\(ticket.rawValue), kept for its text only; nothing was replayed (`set-aside drop \(id)` when it is no longer needed)")
        }
        let prepared = analysis
        let outcome = try await gateway.inTransaction { gateway in
            // Dropped meanwhile (another replay applied it, or an operator dropped it): nothing of this replay is kept.
            guard try await gateway.store.dropSetAside(id, forgettingSeen: true) else {
                throw GatewayError.invalidInput("set-aside message \(id) is no longer kept (replayed or dropped meanwhile); nothing was replayed")
            }
            return try await with(gateway).ingest(prepared: prepared)
        }
        try await gateway.unitOfWork.flush()
        logger.info(
            "set-aside message replayed",
            metadata: [
                "set-aside": "\(id)", "message-id": "\(entry.key)", "action": "\(outcome.disposition.rawValue)",
                "ticket": "\(outcome.ticket?.rawValue ?? 0)",
            ])
        return outcome
    }
}
