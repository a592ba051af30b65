import Foundation
import Logging
internal import CCurl
import RolloutCore
import RolloutGateway

/// Delivers outgoing mail to an SMTP server through libcurl, one connection per batch (RFC 5321).
///
/// Each ``deliver(_:)`` call runs on its own thread (a blocking `curl_easy_perform` must not hold
/// one of the cooperative pool's threads) with one easy handle, so the messages of a batch share a
/// connection; after a dropped connection libcurl opens a new one for the next message.
public final class SMTPTransport: MailTransport {
    public let configuration: SMTPConfiguration
    private let logger: Logger

    /// A transport for the given server; `logger` receives one entry per failed or partial delivery.
    public init(configuration: SMTPConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// `smtp://host:port` (no credentials).
    public var name: String { configuration.server }

    /// Delivers the messages in order over one connection; every message is tried, whatever befell the previous one.
    ///
    /// 4xx replies, connection failures and timeouts give `.temporaryFailure`; 5xx replies give
    /// `.permanentFailure`; recipients refused while others were accepted give `.partiallyDelivered`.
    public func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        guard !messages.isEmpty else { return [] }
        let configuration = configuration
        let logger = logger
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Self.deliverBlocking(messages, configuration: configuration, logger: logger))
            }
            thread.name = "smtp \(configuration.server)"
            thread.stackSize = 1 << 21
            thread.start()
        }
    }

    /// The batch, on the calling thread.
    static func deliverBlocking(
        _ messages: [OutgoingMessage], configuration: SMTPConfiguration, logger: Logger
    ) -> [DeliveryOutcome] {
        let session: CurlSMTPSession
        do {
            session = try CurlSMTPSession(configuration: configuration)
        } catch {
            let reason = "\(configuration.server): cannot set up libcurl: \(error)"
            logger.error("SMTP setup failed", metadata: ["server": "\(configuration.server)", "error": "\(error)"])
            return messages.map { _ in .temporaryFailure(reason) }
        }
        var outcomes: [DeliveryOutcome] = []
        outcomes.reserveCapacity(messages.count)
        for message in messages {
            let outcome: DeliveryOutcome
            if let problem = envelopeProblem(message) {
                outcome = .permanentFailure("\(configuration.server): \(problem)")
            } else {
                let failure = session.send(message)
                outcome = classify(message, failure: failure, session: session, server: configuration.server)
            }
            switch outcome {
            case .delivered:
                logger.trace("delivered", metadata: ["message-id": "\(message.messageID)"])
            case .partiallyDelivered(let refused):
                logger.notice(
                    "recipients refused",
                    metadata: [
                        "message-id": "\(message.messageID)",
                        "refused": "\(refused.map { "\($0.key): \($0.value)" }.sorted().joined(separator: "; "))",
                    ])
            case .temporaryFailure(let reason), .permanentFailure(let reason):
                logger.warning(
                    "delivery failed", metadata: ["message-id": "\(message.messageID)", "reason": "\(reason)"])
            }
            outcomes.append(outcome)
        }
        logger.debug(
            "SMTP batch done",
            metadata: ["server": "\(configuration.server)", "messages": "\(messages.count)",
                       "connections": "\(session.connectionsOpened)"])
        return outcomes
    }

    /// Why the envelope cannot be sent at all, if it cannot: no recipients, or an address that would break the command line.
    static func envelopeProblem(_ message: OutgoingMessage) -> String? {
        if message.recipients.isEmpty { return "message has no recipients" }
        for address in [message.sender] + message.recipients
        where address.value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "<" || $0 == ">" }) {
            return "invalid address in the envelope: \(address.value.debugDescription)"
        }
        for recipient in message.recipients where recipient.value.isEmpty {
            return "empty recipient address"
        }
        return nil
    }

    /// Maps libcurl's result and the replies seen to an outcome.
    static func classify(
        _ message: OutgoingMessage, failure: CurlError?, session: CurlSMTPSession, server: String
    ) -> DeliveryOutcome {
        let replies = session.recipientReplies
        let matched = replies.count == message.recipients.count
        var refused: [EmailAddress: String] = [:]
        if matched {
            for (recipient, reply) in zip(message.recipients, replies) where !(200...299).contains(reply.code) {
                refused[recipient] = oneLine(reply.text)
            }
        }
        guard let failure else {
            return refused.isEmpty ? .delivered : .partiallyDelivered(refused: refused)
        }
        if matched, !message.recipients.isEmpty, refused.count == message.recipients.count {
            let list = message.recipients.map { "\($0.value): \(refused[$0] ?? "")" }.joined(separator: "; ")
            let permanent = replies.allSatisfy { (500...599).contains($0.code) }
            let reason = oneLine("\(server): all recipients refused: \(list)")
            return permanent ? .permanentFailure(reason) : .temporaryFailure(reason)
        }
        var reason = "\(server): \(failure.text)"
        if let reply = session.lastReply, reply.code >= 400 { reason += " (server: \(reply.text))" }
        reason = oneLine(reason)
        return (500...599).contains(failure.responseCode) ? .permanentFailure(reason) : .temporaryFailure(reason)
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
