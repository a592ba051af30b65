import Foundation
import Logging
import RolloutCore

extension Gateway {
    /// What `send` did.
    public struct SendReport: Sendable {
        public var delivered = 0
        public var deferred = 0
        public var failed = 0
        /// Held back by the volume caps in this run.
        public var held = 0
        /// Released by the operator for this run (`send --release-held`): the caps let them go.
        public var released = 0
        public var stillQueued = 0
        /// Why the server refused the session, when it did: nothing more was offered (exit 78).
        public var sessionRefused: String?
        /// Why the server could not take the session, when it could not (down, 421, a 4xx before MAIL FROM): nothing
        /// more was offered, no attempt counted (exit 75).
        public var sessionUnavailable: String?
        /// Every message the caps hold after the run (this run's and earlier runs'), by recipient.
        public var heldMail: [HeldMail] = []

        /// The session's failure, refused or unavailable, when there was one.
        public var sessionFailure: String? { sessionRefused ?? sessionUnavailable }
    }

    /// Kinds that are never held back: the notice about the caps itself.
    static let uncappedKinds: Set<OutboxKind> = [.notification(.volumeCapped)]

    /// How long a message over the caps waits before the caps are asked again.
    static let holdInterval: TimeInterval = 15 * 60

    /// The outbox, all that sending reads and writes: each message claimed and completed there, one by one.
    var outbox: any OutboxStore { store }

    /// Delivers the outbox through a transport, recording each outcome. Per recipient and per ticket, mail over
    /// the configured hourly caps waits in the outbox, marked held (the managers are told once per hour, with the
    /// true numbers); `released` messages (``releaseHeld(to:)``) go whatever the caps say. Permanent failures and
    /// refused recipients are recorded on the ticket and reported to the managers. A session refused or unavailable
    /// stops the run at once with one log line; no message changes.
    public func send(through transport: any MailTransport, releasing released: [OutgoingMessage] = [], batchSize: Int = 500)
        async throws -> SendReport
    {
        var run = SendRun(
            now: clock.now(), released: Set(released.compactMap(\.rowID)),
            caps: CapCounter(perRecipient: configuration.perRecipientPerHour, perTicket: configuration.perTicketPerHour))
        run.report.released = released.count
        try await deliverPending(through: transport, run: &run, batchSize: batchSize)
        if try await noticeHeld(run) > 0, run.report.sessionFailure == nil {
            // The notices are new rows: the same pass sends them (they are never held).
            try await deliverPending(through: transport, run: &run, batchSize: batchSize)
        }
        var report = run.report
        report.heldMail = try await heldMail()
        if let nextTry = report.heldMail.map(\.nextTry).min() {
            // One line however many are held: the most held first (`status` lists them all).
            let most = report.heldMail.prefix(5).map { "\($0.recipient.value) \($0.count)" }.joined(separator: ", ")
            logger.warning(
                "outbound mail held by the volume caps",
                metadata: [
                    "held": "\(report.heldMail.reduce(0) { $0 + $1.count })", "recipients": "\(report.heldMail.count)",
                    "most": "\(most)\(report.heldMail.count > 5 ? ", …" : "")", "next-try": "\(HeldMail.timestamp(nextTry))",
                ])
        }
        report.stillQueued = try await outbox.outboxCounts().queued
        logger.info(
            "outbox sent",
            metadata: [
                "transport": "\(transport.name)", "delivered": "\(report.delivered)", "deferred": "\(report.deferred)",
                "failed": "\(report.failed)", "held": "\(report.heldMail.reduce(0) { $0 + $1.count })",
                "released": "\(report.released)", "queued": "\(report.stillQueued)",
            ])
        return report
    }

    /// Frees held mail (to one address, or all of it) for the next `send`, after an operator looked; logged with who
    /// it was for. Pass the result to ``send(through:releasing:batchSize:)`` so that the caps let it go.
    public func releaseHeld(to address: EmailAddress?) async throws -> [OutgoingMessage] {
        let released = try await outbox.releaseHeld(to: address, at: clock.now())
        let recipients = Set(released.flatMap(\.recipients)).map(\.value).sorted()
        logger.notice(
            "held mail released by the operator",
            metadata: [
                "released": "\(released.count)", "to": "\(address?.value ?? "everyone")", "recipients": "\(recipients.joined(separator: ","))",
            ])
        return released
    }

    /// The mail the caps hold, by recipient, most held first.
    public func heldMail() async throws -> [HeldMail] {
        HeldMail.byRecipient(try await outbox.heldOutbox())
    }

    /// One `send` run's state across its passes.
    struct SendRun {
        let now: Date
        let released: Set<Int64>
        var caps: CapCounter
        var report = SendReport()
        var attempted = Set<Int64>()
        /// Tickets with mail held in this run.
        var heldTickets = Set<TicketID>()

        var window: Date { now.addingTimeInterval(-3600) }
    }

    /// Offers every message ready now and not yet tried in this run, in batches, until none is left or the session fails.
    private func deliverPending(through transport: any MailTransport, run: inout SendRun, batchSize: Int) async throws {
        let window = run.window
        while run.report.sessionFailure == nil {
            let pending = try await outbox.pendingOutbox(at: run.now, limit: batchSize).filter { message in
                message.rowID.map { !run.attempted.contains($0) } ?? false
            }
            guard !pending.isEmpty else { return }
            var batch: [OutgoingMessage] = []
            for message in pending {
                run.attempted.insert(message.rowID!)
                if !run.released.contains(message.rowID!), let over = try await run.caps.over(message, store: outbox, since: window) {
                    run.report.held += 1
                    try await outbox.hold(message, until: run.now.addingTimeInterval(Self.holdInterval), reason: over)
                    if let ticket = message.ticket { run.heldTickets.insert(ticket) }
                } else {
                    run.caps.count(message)
                    batch.append(message)
                }
            }
            guard !batch.isEmpty else { continue }
            try await deliver(batch, through: transport, run: &run)
        }
    }

    /// Hands a batch to the transport and records each outcome as soon as it is known, before the next message goes
    /// (a crash repeats at most the message in flight); a session failure changes no message.
    private func deliver(_ batch: [OutgoingMessage], through transport: any MailTransport, run: inout SendRun) async throws {
        let recordingFailure = FirstError()
        let outbox = self.outbox
        let now = run.now
        let outcomes = await transport.deliver(batch) { message, outcome in
            do {
                try await outbox.recordDelivery(outcome, for: message, at: now)
            } catch {
                recordingFailure.keep(error)
            }
        }
        if let error = recordingFailure.error { throw error }
        for (message, outcome) in zip(batch, outcomes) {
            let metadata: Logger.Metadata = [
                "message-id": "\(message.messageID)", "ticket": "\(message.ticket?.rawValue ?? 0)", "action": "\(message.kind)",
            ]
            switch outcome {
            case .delivered:
                run.report.delivered += 1
            case .partiallyDelivered(let refused):
                run.report.delivered += 1
                logger.warning(
                    "delivered, but recipients refused: \(refused.keys.map(\.value).sorted().joined(separator: ", "))", metadata: metadata)
                try await recordFailure(of: message, refused.map { FailedRecipient(address: $0.key, action: "failed", diagnostic: $0.value) })
            case .temporaryFailure(let reason):
                run.report.deferred += 1
                logger.warning("delivery deferred: \(reason)", metadata: metadata)
            case .permanentFailure(let reason):
                run.report.failed += 1
                logger.error("delivery failed: \(reason)", metadata: metadata)
                try await recordFailure(of: message, message.recipients.map { FailedRecipient(address: $0, action: "failed", diagnostic: reason) })
            case .sessionRefused(let reason), .sessionUnavailable(let reason):
                // One line for the whole run: the messages stay queued as they were, attempts unchanged.
                guard run.report.sessionFailure == nil else { continue }
                let refused = outcome == .sessionRefused(reason)
                if refused { run.report.sessionRefused = reason } else { run.report.sessionUnavailable = reason }
                logger.error(
                    "the mail server \(refused ? "refused the session" : "is unavailable"); nothing more sent, every message stays queued: \(reason)",
                    metadata: ["transport": "\(transport.name)"])
            }
        }
    }

    /// Queues the managers' notice for each ticket whose mail was held in this run, once per hour per ticket, with
    /// the true numbers: every message of the ticket the caps hold now, and to whom. Returns how many were queued.
    private func noticeHeld(_ run: SendRun) async throws -> Int {
        guard !run.heldTickets.isEmpty else { return 0 }
        let held = Dictionary(grouping: try await outbox.heldOutbox().filter { $0.ticket != nil }, by: { $0.ticket! })
        var queued = 0
        for ticket in run.heldTickets.sorted() {
            guard let messages = held[ticket], !messages.isEmpty,
                try await outbox.queuedCount(ticket: ticket, kind: .notification(.volumeCapped), since: run.window) == 0
            else { continue }
            let addresses = Set(messages.flatMap(\.recipients)).sorted()
            let event = try await decideAndCommit(ticket, cause: .operatorAction("send")) { _ in
                .outboxHeld(held: messages.count, addresses: addresses)
            }
            queued += event.notifications
        }
        return queued
    }

    /// Records on the message's ticket the recipients it could not reach (never for the failure notices
    /// themselves, which would loop).
    private func recordFailure(of message: OutgoingMessage, _ recipients: [FailedRecipient]) async throws {
        guard let ticket = message.ticket, message.kind != .notification(.deliveryFailed), !recipients.isEmpty else { return }
        _ = try await recordDeliveryFailure(on: ticket, recipients: recipients, cause: .operatorAction("send \(message.messageID)"))
    }
}
