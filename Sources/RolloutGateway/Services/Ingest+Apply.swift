import Foundation
import Logging
import RolloutCore

extension Ingest {
    /// What `ingest` did with one message.
    public struct Outcome: Sendable {
        public var disposition: Disposition
        public var ticket: TicketID?
        public var results: [CommandResult]
        /// Answers queued (transcript or error reply).
        public var answered: Bool
        public var reason: String?
    }

    /// Reads a message and applies it once: every path records it as seen together with its effects.
    public func ingest(_ raw: [UInt8]) async throws -> Outcome {
        try await ingest(prepared: prepare(raw))
    }

    /// Applies a message read by ``prepare(_:)``.
    public func ingest(prepared: Analysis) async throws -> Outcome {
        let analysis = try await StageTimes.measureWall("analyze") { try await analyze(prepared, dryRun: false) }
        let message = analysis.message
        let key = message.seenKey
        let now = gateway.clock.now()
        var metadata: Logger.Metadata = [
            "message-id": "\(key)", "sender": "\(analysis.sender?.value ?? "-")", "ticket": "\(analysis.ticket?.rawValue ?? 0)",
            "kind": "\(Analysis.kindName(analysis.classification.kind))",
        ]
        // Recorded under its Message-ID, or under its strong claim when only weaker copies took the Message-ID.
        let claimed = analysis.idTakenByWeakerCopy ? Self.strongClaim(key) : key
        func seen(_ disposition: Disposition, _ reason: String? = nil) -> SeenMessage {
            SeenMessage(key: claimed, ticket: analysis.ticket, sender: analysis.sender, disposition: .message(disposition, reason: reason))
        }
        func record(_ disposition: Disposition, reason: String? = nil, answer: [OutgoingMessage] = []) async throws -> Outcome {
            do {
                try await recordSeen(seen(disposition, reason), at: now, outbox: answer, keeping: disposition == .setAside ? analysis : nil)
            } catch StoreError.alreadySeen {
                return try await duplicate()
            }
            metadata["action"] = "\(disposition.rawValue)"
            if let reason { metadata["reason"] = "\(reason)" }
            logger.info("message \(disposition.rawValue)", metadata: metadata)
            return Outcome(disposition: disposition, ticket: analysis.ticket, results: [], answered: !answer.isEmpty, reason: reason)
        }
        func duplicate() async throws -> Outcome {
            // The copy is recorded too (under its own digest), so the record shows every copy that arrived;
            // a copy of the same bytes arriving again is already recorded, which is fine.
            let copy = SeenMessage(key: "\(key) copy sha256:\(message.digest)", ticket: analysis.ticket, sender: analysis.sender, disposition: .message(.duplicate, reason: nil))
            do {
                try await gateway.store.recordSeen(copy, at: now)
            } catch StoreError.alreadySeen {}
            metadata["action"] = "duplicate"
            logger.info("message duplicate", metadata: metadata)
            return Outcome(disposition: .duplicate, ticket: analysis.ticket, results: [], answered: false, reason: nil)
        }

        switch analysis.disposition {
        case .duplicate:
            return try await duplicate()
        case .loop:
            return try await record(.loop, reason: analysis.classification.reasons.first)
        case .autoReply:
            return try await record(.autoReply, reason: analysis.classification.reasons.first)
        case .bounce:
            // Only the address, action and status of a failure are recorded and told (Ingest+Bounce.swift); the
            // report itself, with its free text, is kept for the operator with the set-aside mail.
            let failed = analysis.bouncedRecipients
            guard let ticket = analysis.ticket, !failed.isEmpty, try await gateway.store.load(ticket) != nil else {
                return try await record(.bounce, reason: failed.isEmpty ? "no failed recipient named" : "names no ticket of ours")
            }
            let reason = "delivery report recorded on ticket #\(ticket.rawValue), kept for its text: \(failed.map(\.address.value).joined(separator: ", "))"
            do {
                // The failure recorded and the report kept, or neither.
                let bounced = seen(.bounce)
                try await gateway.inTransaction { gateway in
                    _ = try await gateway.recordDeliveryFailure(
                        on: ticket, recipients: failed, cause: .message(id: key), seen: bounced)
                    _ = try await gateway.store.keepSetAside(
                        SetAsideMessage(
                            id: analysis.setAsideID, key: key, sender: analysis.sender?.value, subject: message.headers.subject, reason: reason,
                            source: analysis.source, receivedAt: now, bytes: analysis.raw,
                            messageSize: max(analysis.rawSize, analysis.raw.count)),
                        limit: configuration.setAsideMaxBytes)
                }
            } catch StoreError.alreadySeen {
                return try await duplicate()
            }
            metadata["action"] = "bounce"
            metadata["failed"] = "\(failed.map(\.address.value).joined(separator: ","))"
            logger.info("bounce recorded", metadata: metadata)
            return Outcome(disposition: .bounce, ticket: ticket, results: [], answered: false, reason: nil)
        case .setAside:
            if let overview = try await overviewAnswer(analysis, now: now) {
                return try await record(.applied, reason: "show: the open staged rollouts of the sender's stacks sent to \(overview.recipients[0])", answer: [overview])
            }
            let reason = analysis.problem ?? "set aside"
            var answer: [OutgoingMessage] = []
            if analysis.mayAnswer, let sender = analysis.sender, underReplyLimit(sender, answered: analysis.answersToSender),
                try await mayAnswerAboutInvalidAddress(analysis, sender: sender, now: now)
            {
                answer = [errorReply(to: sender, about: message, reason: reason, now: now)]
            }
            return try await record(.setAside, reason: reason, answer: answer)
        case .applied:
            break
        }

        guard let ticket = analysis.ticket, let sender = analysis.sender else {
            return try await record(.setAside, reason: "no ticket or sender")
        }
        // One answer per message (AnswerFolding): the transcript, which folds in every other notification that
        // would reach the sender; no answer at all when none may be sent.
        let mayAnswer = analysis.mayAnswer && analysis.answersToSender < configuration.repliesPerHour
        let attachments = message.attachments.map {
            IncomingAttachment(fileName: $0.fileName.isEmpty ? "unnamed" : $0.fileName, contentType: $0.contentType, bytes: $0.bytes)
        }
        let transcript = TranscriptBuilder(
            message: message, sender: sender, calendar: configuration.workflow.policy.calendar, lines: analysis.lines)
        let folding = AnswerFolding(
            sender: sender, arrivalLists: AnswerFolding.arrivalLists(of: message.headers, among: identity.listAddresses))
        let answer: @Sendable (Decision) -> Decision = { decision in
            var (sent, folded) = folding.fold(decision)
            if mayAnswer, !decision.results.isEmpty || !folded.isEmpty {
                sent.notifications.append(transcript.notification(for: decision, folded: folded, ticket: ticket))
            }
            return sent
        }
        var applied = seen(.applied)
        // Kept only for a strong sender: a replay matters only where the mail could do what needs one, and a forged
        // (weak) copy must not make the genuine mail that follows it a duplicate.
        // A strong copy also takes the strong claim (``strongClaim(_:)``): a later strong copy is its duplicate.
        if analysis.authentication == .strong {
            applied.replayKeys = analysis.replayKeys + (analysis.idTakenByWeakerCopy ? [] : [Self.strongClaim(key)])
        }
        do {
            let report = try await gateway.apply(
                to: ticket, sender: analysis.actingSender(sender), lines: analysis.lines,
                attachments: attachments, cause: .message(id: key), seen: applied,
                answer: answer, preloaded: analysis.stored, relayWindow: analysis.relayWindow, writtenAt: analysis.writtenAt)
            let refused = report.results.filter { $0.status == CommandResult.Status.refused }.count
            // "applied" would read as if something changed: when every command was refused, the log says so.
            metadata["action"] = !report.results.isEmpty && refused == report.results.count ? "refused" : "applied"
            metadata["commands"] = "\(report.results.count)"
            metadata["refused"] = "\(refused)"
            logger.info("message applied", metadata: metadata)
            if !mayAnswer, !report.results.isEmpty || !report.attachments.isEmpty {
                if analysis.mayAnswer { _ = underReplyLimit(sender, answered: analysis.answersToSender) }
                logger.notice("no answer sent (auto-answer not allowed or rate limit reached)", metadata: metadata)
            }
            return Outcome(disposition: .applied, ticket: ticket, results: report.results, answered: report.answered, reason: nil)
        } catch StoreError.alreadySeen {
            return try await duplicate()
        }
    }

    /// Whether one more answer may go to the sender within the hourly limit.
    func underReplyLimit(_ address: EmailAddress, answered sent: Int) -> Bool {
        if sent >= configuration.repliesPerHour {
            logger.warning("reply rate limit reached", metadata: ["sender": "\(address)", "limit": "\(configuration.repliesPerHour)"])
            return false
        }
        return true
    }

    /// Mail to a reply address that does not verify is answered at most once an hour per sender (a flood of forged
    /// mail "from" a team member to a mangled address must not make the gateway mail its victim again and again):
    /// only when no error reply went to the sender in the last hour. `inbound.replies_per_hour` stays the general
    /// limit on answers.
    func mayAnswerAboutInvalidAddress(_ analysis: Analysis, sender: EmailAddress, now: Date) async throws -> Bool {
        guard analysis.invalidToken != nil else { return true }
        let answered = try await gateway.store.outboxCount(to: sender, kind: .errorReply, since: now.addingTimeInterval(-3600))
        if answered > 0 {
            logger.notice("no answer about an invalid reply address: one went to the sender within the hour", metadata: ["sender": "\(sender)"])
        }
        return answered == 0
    }

    /// An answer to a message that was set aside: what was wrong and what is expected.
    func errorReply(to sender: EmailAddress, about message: InboundMessage, reason: String, now: Date) -> OutgoingMessage {
        let composer = gateway.renderer.composer
        let subject = message.headers.subject.isEmpty ? "your message" : message.headers.subject
        let messageID = "rg.0.error-reply.\(Int(now.timeIntervalSince1970)).\(message.digest.prefix(12))@\(composer.domain)"
        var draft = MailComposer.Draft(
            to: [sender], subject: "Not processed: \(subject)",
            body: """
                Your message \(message.headers.messageID.map { "<\($0)>" } ?? "") was received but not processed:
                \(reason).

                Commands go one per line in a reply to a notification of the ticket, for example:
                    accept <NGI>-<Site-name>
                This answer was generated automatically.
                """, messageID: messageID, ticket: nil, date: now)
        draft.autoSubmitted = "auto-replied"
        draft.inReplyTo = message.headers.messageID
        draft.references = ReferenceList.chain(references: message.headers.references, inReplyTo: message.headers.inReplyTo)
        return OutgoingMessage(
            messageID: messageID, ticket: nil, kind: .errorReply, sender: composer.from, recipients: [sender],
            data: composer.compose(draft), createdAt: now)
    }
}
