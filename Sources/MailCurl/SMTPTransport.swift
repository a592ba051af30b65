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

    /// Delivers the messages in order over one connection; every message is tried, whatever befell the previous one,
    /// unless the session failed (then the rest gets the same session outcome, untried).
    ///
    /// 4xx replies to a message and timeouts give `.temporaryFailure`; 5xx replies give `.permanentFailure`;
    /// recipients refused while others were accepted give `.partiallyDelivered`. A failure of the session itself
    /// gives `.sessionUnavailable` (server down, 421, 4xx before MAIL FROM) or `.sessionRefused` (5xx before MAIL
    /// FROM, login refused), and the rest of the batch is not offered.
    public func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        await deliver(messages, recording: nil)
    }

    /// Delivers as ``deliver(_:)`` does, and records each outcome as soon as the server's reply to its DATA (or the
    /// failure) is read: the thread of the batch waits for `record` before it offers the next message, so a crash
    /// repeats at most the message in flight.
    public func deliver(
        _ messages: [OutgoingMessage], recordingEach record: @escaping @Sendable (OutgoingMessage, DeliveryOutcome) async -> Void
    ) async -> [DeliveryOutcome] {
        await deliver(messages, recording: record)
    }

    private func deliver(
        _ messages: [OutgoingMessage], recording record: (@Sendable (OutgoingMessage, DeliveryOutcome) async -> Void)?
    ) async -> [DeliveryOutcome] {
        guard !messages.isEmpty else { return [] }
        let configuration = configuration
        let logger = logger
        var recordBlocking: (@Sendable (OutgoingMessage, DeliveryOutcome) -> Void)?
        if let record {
            recordBlocking = { @Sendable message, outcome in
                // This is the batch's own thread (never one of the cooperative pool's): it may wait.
                let done = DispatchSemaphore(value: 0)
                Task {
                    await record(message, outcome)
                    done.signal()
                }
                done.wait()
            }
        }
        let recorder = recordBlocking
        return await OwnThread.run("smtp \(configuration.server)") {
            Self.deliverBlocking(messages, configuration: configuration, logger: logger, recording: recorder)
        }
    }

    /// The batch, on the calling thread.
    static func deliverBlocking(
        _ messages: [OutgoingMessage], configuration: SMTPConfiguration, logger: Logger,
        recording record: (@Sendable (OutgoingMessage, DeliveryOutcome) -> Void)? = nil
    ) -> [DeliveryOutcome] {
        let session: CurlSMTPSession
        do {
            session = try CurlSMTPSession(configuration: configuration)
        } catch {
            // Nothing was offered: the caller logs the one line naming the server.
            let reason = "\(configuration.server): cannot set up libcurl: \(error)"
            let outcomes = messages.map { _ in DeliveryOutcome.sessionUnavailable(reason) }
            for (message, outcome) in zip(messages, outcomes) { record?(message, outcome) }
            return outcomes
        }
        var outcomes: [DeliveryOutcome] = []
        outcomes.reserveCapacity(messages.count)
        var sessionFailure: DeliveryOutcome?
        for message in messages {
            let outcome: DeliveryOutcome
            if let sessionFailure {
                // The server refused or put off the session: the next message would meet the same (a wrong password
                // tried again and again can lock the account; a server that is down is down for all of them).
                outcome = sessionFailure
            } else if let problem = message.envelopeProblem {
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
            case .sessionRefused, .sessionUnavailable:
                // One line for the whole batch, the caller's: the messages were not offered.
                sessionFailure = outcome
            }
            record?(message, outcome)
            outcomes.append(outcome)
        }
        logger.debug(
            "SMTP batch done",
            metadata: ["server": "\(configuration.server)", "messages": "\(messages.count)",
                       "connections": "\(session.connectionsOpened)"])
        return outcomes
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
        if let outage = sessionUnavailability(failure, session: session, server: server) { return .sessionUnavailable(outage) }
        if let refusal = sessionRefusal(failure, session: session, server: server) { return .sessionRefused(refusal) }
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

    /// Why the server is unavailable for any message, if it is: it cannot be reached (connection refused or
    /// timed out, a name that does not resolve, no greeting in time, closed before the greeting), it answers 421 before
    /// any message was begun (RFC 5321 §3.8: the service is closing the channel; a 421 to MAIL FROM, RCPT TO or the
    /// data is the message's — an access map or a policy service may put off one sender or recipient — so that one
    /// message the server always puts off cannot stop every run: it is deferred with its backoff and counted, and the
    /// next message goes over a new connection), or a 4xx to the greeting, EHLO, STARTTLS or AUTH
    /// (`454 4.7.0 Temporary authentication failure` when the MTA's login service is down). libcurl reports a
    /// 4xx to AUTH as `CURLE_LOGIN_DENIED` and a 4xx to STARTTLS as `CURLE_USE_SSL_FAILED`, like their 5xx: the
    /// reply code read from the dialogue tells them apart.
    static func sessionUnavailability(_ failure: CurlError, session: CurlSMTPSession, server: String) -> String? {
        let reply = session.lastReply.flatMap { (400...499).contains($0.code) ? $0 : nil }
        let what: String
        switch (failure.code, session.lastReplyStep) {
        case (CURLE_COULDNT_CONNECT.rawValue, _), (CURLE_COULDNT_RESOLVE_HOST.rawValue, _), (CURLE_COULDNT_RESOLVE_PROXY.rawValue, _):
            what = "cannot connect"
        case (_, let step) where reply?.code == 421 && [nil, .greeting, .hello, .startTLS, .authentication, .other].contains(step):
            what = "service not available"
        case (_, .greeting) where reply != nil: what = "greeting deferred"
        case (_, .hello) where reply != nil: what = "EHLO deferred"
        case (_, .startTLS) where reply != nil: what = "STARTTLS deferred"
        case (_, .authentication) where reply != nil: what = "login deferred"
        case (CURLE_OPERATION_TIMEDOUT.rawValue, nil) where session.beforeGreeting,
            (CURLE_GOT_NOTHING.rawValue, nil) where session.beforeGreeting,
            (CURLE_RECV_ERROR.rawValue, nil) where session.beforeGreeting:
            what = "no greeting"
        default: return nil
        }
        let detail = reply.map { " (server: \($0.text))" } ?? (failure.text.isEmpty ? "" : " (\(failure.text))")
        return oneLine("\(server): \(what)\(detail); try again later")
    }

    /// Why the failure is the session's rather than the message's, if it is: a login refused (or TLS required and
    /// not offered), a 5xx to the greeting, EHLO, STARTTLS or AUTH, or a 5xx to MAIL FROM — the gateway's own
    /// address — other than a size refusal (552, 5.3.4), which is the message's.
    static func sessionRefusal(_ failure: CurlError, session: CurlSMTPSession, server: String) -> String? {
        let reply = session.lastReply.flatMap { $0.code >= 500 ? $0 : nil }
        let what: String
        switch (failure.code, session.lastReplyStep) {
        case (CURLE_LOGIN_DENIED.rawValue, _), (CURLE_AUTH_ERROR.rawValue, _): what = "login refused"
        case (CURLE_USE_SSL_FAILED.rawValue, _): what = "TLS required but not available"
        case (_, .greeting) where reply != nil: what = "greeting refused"
        case (_, .hello) where reply != nil: what = "EHLO refused"
        case (_, .startTLS) where reply != nil: what = "STARTTLS refused"
        case (_, .authentication) where reply != nil: what = "login refused"
        case (_, .mailFrom) where reply != nil && reply!.code != 552 && !reply!.text.contains("5.3.4"):
            what = "the gateway's sender address refused at MAIL FROM"
        default: return nil
        }
        let detail = reply.map { " (server: \($0.text))" } ?? (failure.text.isEmpty ? "" : " (\(failure.text))")
        return oneLine("\(server): \(what)\(detail); check the smtp settings and the server")
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
