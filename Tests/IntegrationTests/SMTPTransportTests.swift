import Foundation
import Logging
import MailCurl
import RolloutCore
import RolloutGateway
import Testing
import TestSupport

/// SMTPTransport against real servers on loopback: Postfix's smtp-sink and a misbehaving aiosmtpd.
/// Every assertion about content is about what the server received.
@Suite("SMTP delivery over libcurl")
struct SMTPTransportTests {
    static let sender = "gateway-bounces@gateway.example.org"

    static func transport(_ url: String, messageTimeout: Duration = .seconds(10)) throws -> SMTPTransport {
        let configuration = try SMTPConfiguration(
            url: url, startTLS: .off, connectTimeout: .seconds(2), messageTimeout: messageTimeout)
        return SMTPTransport(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// A notification with CRLF line ends; `body` lines are joined with CRLF.
    static func message(_ id: String, to recipients: [String], body: [String]) -> OutgoingMessage {
        let lines = [
            "From: Rollout Gateway <gateway@gateway.example.org>",
            "To: \(recipients.joined(separator: ", "))",
            "Subject: [ROLL-\(id)] Rollout notice",
            "Message-ID: <\(id)@gateway.example.org>",
            "Date: Mon, 02 Mar 2026 09:00:00 +0100",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "",
        ] + body
        return OutgoingMessage(
            messageID: "\(id)@gateway.example.org", ticket: nil, kind: .notification(.releaseStaged), sender: EmailAddress(sender),
            recipients: recipients.map(EmailAddress.init), data: Array((lines.joined(separator: "\r\n") + "\r\n").utf8),
            createdAt: Date(timeIntervalSince1970: 1_772_438_400))
    }

    @Test("a batch goes over one connection; each message arrives with its envelope, headers and body")
    func batchOverOneConnection() async throws {
        // Given
        let sink = try SMTPSink()
        defer { sink.stop() }
        let messages = (1...3).map {
            Self.message("batch-\($0)", to: ["alice@example.org", "bob@example.org"], body: ["Hello \($0),", "bye."])
        }

        // When
        let outcomes = try await Self.transport(sink.url).deliver(messages)

        // Then
        #expect(outcomes == [.delivered, .delivered, .delivered])
        ServerProcess.poll { sink.captures().count == 3 && sink.counters().sessions >= 2 }
        let captures = sink.captures()
        #expect(captures.count == 3)
        #expect(sink.counters().sessions == 2, "the greeting probe and one client connection")
        #expect(sink.counters().messages == 3)
        for n in 1...3 {
            let capture = try #require(captures.first { $0.message.contains("Message-ID: <batch-\(n)@gateway.example.org>") })
            #expect(capture.heloArgs == "gateway.example.org")
            #expect(capture.mailArgs == "<\(Self.sender)>")
            #expect(capture.rcptArgs == ["<alice@example.org>", "<bob@example.org>"])
            #expect(capture.message.contains("Subject: [ROLL-batch-\(n)] Rollout notice\n"))
            #expect(capture.message.contains("\n\nHello \(n),\nbye.\n"))
        }
        let pid = sink.server.pid
        sink.stop()
        #expect(ServerFixtures.processState(pid) == nil, "the stopped server is reaped, not a zombie")
    }

    @Test("a CRLF message arrives byte for byte, its '.' lines dot-stuffed on the wire")
    func crlfMessageIntact() async throws {
        let server = try MisbehavingSMTPServer([])
        defer { server.stop() }
        let message = Self.message("dots", to: ["carol@example.org"], body: ["one", ".", "..", ".hidden", "", "end."])

        let outcomes = try await Self.transport(server.url).deliver([message])

        #expect(outcomes == [.delivered])
        let received = try #require(server.messages().first)
        // aiosmtpd removes the dot-stuffing; a missing stuffing would have ended the data early.
        #expect(received.data == String(decoding: message.data, as: UTF8.self))
        #expect(received.data?.contains("\r\r") == false)
        #expect(received.rcpt_tos == ["carol@example.org"])
        #expect(received.mail_from == Self.sender)
    }

    @Test("an LF-only message arrives intact, with CRLF line ends")
    func lfOnlyMessageIntact() async throws {
        let server = try MisbehavingSMTPServer([])
        defer { server.stop() }
        var message = Self.message("lf", to: ["dave@example.org"], body: [])
        let text = "Subject: LF only\nMessage-ID: <lf@gateway.example.org>\n\nfirst\n.\nlast\n"
        message.data = Array(text.utf8)

        let outcomes = try await Self.transport(server.url).deliver([message])

        #expect(outcomes == [.delivered])
        let received = try #require(server.messages().first)
        #expect(received.data == text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test("421 at the greeting makes the session unavailable, naming the server: one connection, the rest not offered")
    func greeting421() async throws {
        let server = try MisbehavingSMTPServer(["--greeting-421"])
        defer { server.stop() }
        let messages = (1...3).map { Self.message("g421-\($0)", to: ["a@example.org"], body: ["x"]) }

        let outcomes = try await Self.transport(server.url).deliver(messages)

        #expect(outcomes.count == 3)
        let reason = try #require(outcomes.first?.sessionFailure)
        #expect(outcomes.allSatisfy { $0 == .sessionUnavailable(reason) }, "\(outcomes)")
        #expect(reason.hasPrefix("smtp://127.0.0.1:\(server.port): "))
        #expect(reason.contains("421"))
        #expect(server.messages().isEmpty)
        #expect(server.clientConnections() == 1)
    }

    @Test("454 4.7.0 to AUTH makes the session unavailable (libcurl says login denied, the reply code says temporary)")
    func authentication454() async throws {
        let server = try MisbehavingSMTPServer(["--auth-454"])
        defer { server.stop() }
        let configuration = try SMTPConfiguration(
            url: server.url, startTLS: .off, credentials: SMTPCredentials(username: "gateway", password: "secret"),
            connectTimeout: .seconds(2), messageTimeout: .seconds(10))
        let transport = SMTPTransport(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

        let outcomes = await transport.deliver((1...2).map { Self.message("a454-\($0)", to: ["a@example.org"], body: ["x"]) })

        guard case .sessionUnavailable(let reason) = try #require(outcomes.first) else {
            Issue.record("expected the session unavailable, got \(outcomes)")
            return
        }
        #expect(reason.contains("login deferred") && reason.contains("454 4.7.0"), "\(reason)")
        #expect(outcomes.last == .sessionUnavailable(reason))
        #expect(server.events().filter { $0.event == "auth-454" }.count == 1)
    }

    @Test("451 on DATA is a temporary failure, for every message of the batch")
    func data451() async throws {
        let server = try MisbehavingSMTPServer(["--refuse-data-451"])
        defer { server.stop() }
        let messages = (1...2).map { Self.message("d451-\($0)", to: ["a@example.org"], body: ["x"]) }

        let outcomes = try await Self.transport(server.url).deliver(messages)

        #expect(outcomes.count == 2)
        for outcome in outcomes {
            guard case .temporaryFailure(let reason) = outcome else {
                Issue.record("expected a temporary failure, got \(outcome)")
                continue
            }
            #expect(reason.hasPrefix("smtp://127.0.0.1:\(server.port): "))
            #expect(reason.contains("451"))
        }
        #expect(server.messages().isEmpty)
    }

    @Test("a 5xx to MAIL FROM (the gateway's own address) refuses the session: nothing is offered, nothing counted")
    func mailFrom5xx() async throws {
        let sink = try SMTPSink(options: ["-f", "MAIL"])
        defer { sink.stop() }

        let outcomes = try await Self.transport(sink.url).deliver([
            Self.message("p5", to: ["a@example.org"], body: ["x"]), Self.message("p6", to: ["b@example.org"], body: ["y"]),
        ])

        #expect(outcomes.count == 2)
        for outcome in outcomes {
            guard case .sessionRefused(let reason) = outcome else {
                Issue.record("expected the session refused, got \(outcomes)")
                continue
            }
            #expect(reason.hasPrefix("smtp://127.0.0.1:\(sink.port): "))
            #expect(reason.contains("500"))
        }
        #expect(sink.captures().isEmpty)
    }

    @Test("a 5xx after DATA is a permanent failure of that message")
    func afterData5xx() async throws {
        let server = try MisbehavingSMTPServer(["--refuse-data-554"])
        defer { server.stop() }

        let outcomes = try await Self.transport(server.url).deliver([Self.message("p7", to: ["a@example.org"], body: ["x"])])

        guard case .permanentFailure(let reason) = try #require(outcomes.first) else {
            Issue.record("expected a permanent failure, got \(outcomes)")
            return
        }
        #expect(reason.hasPrefix("smtp://127.0.0.1:\(server.port): "))
        #expect(reason.contains("554"))
    }

    @Test("one refused recipient among several: partiallyDelivered names exactly it, the others receive the message")
    func oneRecipientRefused() async throws {
        let server = try MisbehavingSMTPServer(["--refuse-rcpt", "bob@example.org"])
        defer { server.stop() }
        let message = Self.message(
            "partial", to: ["alice@example.org", "bob@example.org", "carol@example.org"], body: ["x"])

        let outcomes = try await Self.transport(server.url).deliver([message])

        guard case .partiallyDelivered(let refused) = try #require(outcomes.first) else {
            Issue.record("expected partiallyDelivered, got \(outcomes)")
            return
        }
        #expect(Array(refused.keys) == [EmailAddress("bob@example.org")])
        #expect(refused[EmailAddress("bob@example.org")]?.hasPrefix("550 5.1.1") == true)
        let received = try #require(server.messages().first)
        #expect(received.rcpt_tos == ["alice@example.org", "carol@example.org"])
        #expect(received.data?.contains("Message-ID: <partial@gateway.example.org>") == true)
    }

    @Test("a 421 to one message's RCPT TO is that message's (deferred), not the session's: the next message is still delivered")
    func recipient421IsTheMessages() async throws {
        let server = try MisbehavingSMTPServer(["--rcpt-421", "bob@example.org"])
        defer { server.stop() }
        let messages = [
            Self.message("put-off", to: ["bob@example.org"], body: ["x"]),
            Self.message("after-it", to: ["alice@example.org"], body: ["y"]),
        ]

        let outcomes = try await Self.transport(server.url).deliver(messages)

        #expect(outcomes.count == 2)
        guard case .temporaryFailure(let reason) = outcomes.first else {
            Issue.record("expected the message's temporary failure, got \(outcomes)")
            return
        }
        #expect(reason.contains("421"))
        #expect(outcomes.last == .delivered)
        #expect(server.messages().map(\.rcpt_tos) == [["alice@example.org"]])
    }

    @Test("every recipient refused with 5xx is a permanent failure; the next message is still delivered")
    func allRecipientsRefused() async throws {
        let server = try MisbehavingSMTPServer(["--refuse-rcpt", "bob@example.org", "--refuse-rcpt", "eve@example.org"])
        defer { server.stop() }
        let messages = [
            Self.message("none", to: ["bob@example.org", "eve@example.org"], body: ["x"]),
            Self.message("next", to: ["alice@example.org"], body: ["y"]),
        ]

        let outcomes = try await Self.transport(server.url).deliver(messages)

        #expect(outcomes.count == 2)
        guard case .permanentFailure(let reason) = outcomes.first else {
            Issue.record("expected a permanent failure, got \(outcomes)")
            return
        }
        #expect(reason.contains("bob@example.org: 550"))
        #expect(reason.contains("eve@example.org: 550"))
        #expect(outcomes.last == .delivered)
        #expect(server.messages().map(\.rcpt_tos) == [["alice@example.org"]])
    }

    @Test("a connection dropped in DATA fails that message temporarily; the next one goes over a new connection")
    func droppedConnection() async throws {
        let server = try MisbehavingSMTPServer(["--drop-in-data", "1"])
        defer { server.stop() }
        let messages = [
            Self.message("dropped", to: ["a@example.org"], body: ["x"]),
            Self.message("after", to: ["a@example.org"], body: ["y"]),
        ]

        let outcomes = try await Self.transport(server.url).deliver(messages)

        #expect(outcomes.count == 2)
        guard case .temporaryFailure(let reason) = outcomes.first else {
            Issue.record("expected a temporary failure, got \(outcomes)")
            return
        }
        #expect(reason.hasPrefix("smtp://127.0.0.1:\(server.port): "))
        #expect(outcomes.last == .delivered)
        let received = server.messages()
        #expect(received.count == 1)
        #expect(received.first?.data?.contains("Message-ID: <after@gateway.example.org>") == true)
        #expect(server.clientConnections() == 2)
    }

    @Test("an unreachable port makes the session unavailable, with a one-line reason naming the server")
    func unreachable() async throws {
        let port = try freeLoopbackPort()
        let messages = (1...2).map { Self.message("u\($0)", to: ["a@example.org"], body: ["x"]) }

        let outcomes = try await Self.transport("smtp://127.0.0.1:\(port)/gateway.example.org").deliver(messages)

        #expect(outcomes.count == 2)
        for outcome in outcomes {
            guard case .sessionUnavailable(let reason) = outcome else {
                Issue.record("expected the session unavailable, got \(outcome)")
                continue
            }
            #expect(reason.hasPrefix("smtp://127.0.0.1:\(port): "))
            #expect(!reason.contains("\n") && !reason.contains("\r"))
            #expect(reason.lowercased().contains("connect"))
        }
    }

    @Test("a server slower than the message timeout is a temporary failure")
    func slowServer() async throws {
        let server = try MisbehavingSMTPServer(["--slow-data", "10"])
        defer { server.stop() }

        let outcomes = try await Self.transport(server.url, messageTimeout: .milliseconds(800)).deliver([
            Self.message("slow", to: ["a@example.org"], body: ["x"])
        ])

        guard case .temporaryFailure(let reason) = try #require(outcomes.first) else {
            Issue.record("expected a temporary failure, got \(outcomes)")
            return
        }
        #expect(reason.hasPrefix("smtp://127.0.0.1:\(server.port): "))
        // libcurl says "server response timeout" (its SMTP reply timer) or "Operation timed out".
        #expect(reason.lowercased().contains("timeout") || reason.lowercased().contains("timed out"))
    }
}

extension SMTPTransportTests {
    @Test("after a timeout the next message goes over a new connection, without waiting for the slow server")
    func nextMessageAfterTimeout() async throws {
        // A stall three times anything a loaded machine adds: waiting for it cannot pass for slowness.
        let server = try MisbehavingSMTPServer(["--slow-data", "30", "--slow-count", "1"])
        defer { server.stop() }
        let messages = [
            Self.message("slow-first", to: ["a@example.org"], body: ["x"]),
            Self.message("quick-second", to: ["b@example.org"], body: ["y"]),
        ]
        let outcomes = try await Self.transport(server.url, messageTimeout: .milliseconds(800)).deliver(messages)

        // The server stalls 30 s: the second message and every QUIT reaching it well before that shows nothing waited
        // for the stalled reply. Told by the server's own clock, so that a test process waiting for a thread to run
        // on (the whole suite runs on two cores) cannot pass for waiting on the server, nor hide it.
        let events = server.events()
        let stalled = try #require(events.first { $0.event == "message" }?.at)
        let second = try #require(events.last { $0.event == "message" }?.at)
        #expect(second - stalled < 25, "the next message did not wait for the stalled reply")
        let quits = events.filter { $0.event == "quit" }.compactMap(\.at).filter { $0 > stalled }
        #expect(!quits.isEmpty)
        #expect(quits.allSatisfy { $0 - stalled < 25 }, "no QUIT waited for the stalled reply")
        #expect(outcomes.count == 2)
        if case .temporaryFailure = outcomes.first {} else { Issue.record("expected a temporary failure, got \(outcomes)") }
        #expect(outcomes.last == .delivered)
        // The first message reached the server before its reply stalled; the second came on its own connection.
        let received = server.messages()
        #expect(received.map(\.rcpt_tos) == [["a@example.org"], ["b@example.org"]])
        #expect(received.last?.data?.contains("Message-ID: <quick-second@gateway.example.org>") == true)
        #expect(server.clientConnections() == 2)
    }
}

extension SMTPTransportTests {
    @Test("a message without recipients, or with a CR/LF in an address, is refused before anything is sent")
    func badEnvelope() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        var noRecipients = Self.message("none", to: ["a@example.org"], body: ["x"])
        noRecipients.recipients = []
        let injected = Self.message("inject", to: ["a@example.org>\r\nRCPT TO:<b@example.org"], body: ["x"])

        let outcomes = try await Self.transport(sink.url).deliver([noRecipients, injected])

        #expect(outcomes.count == 2)
        for outcome in outcomes {
            if case .permanentFailure = outcome {} else { Issue.record("expected a permanent failure, got \(outcome)") }
        }
        #expect(sink.captures().isEmpty)
    }
}
