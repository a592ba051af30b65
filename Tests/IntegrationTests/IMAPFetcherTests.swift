import Foundation
import Logging
import MailCurl
import RolloutGateway
import Testing
import TestSupport

/// IMAPFetcher against a real Dovecot on loopback. Assertions about what happened to the mail are
/// about what the server holds afterwards: its Maildir on disk.
@Suite("IMAP fetching over libcurl")
struct IMAPFetcherTests {
    static func fetcher(
        _ dovecot: DovecotServer, connections: Int = 4, processed: IMAPConfiguration.ProcessedMarker = .folder("processed"),
        password: String? = nil, url: String? = nil
    ) throws -> IMAPFetcher {
        let configuration = try IMAPConfiguration(
            url: url ?? dovecot.url, startTLS: .off,
            credentials: IMAPCredentials(username: DovecotServer.user, password: password ?? dovecot.password),
            processed: processed, connections: connections, connectTimeout: .seconds(5), commandTimeout: .seconds(10))
        return IMAPFetcher(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// A reply with CRLF line ends (as an MTA stores it), numbered, with a body of about `bodySize` bytes.
    static func message(_ number: Int, bodySize: Int = 400) -> [UInt8] {
        var text = """
            From: Mario Rossi <mario.rossi@example.org>\r
            To: EGI Staged Rollout <staged-rollout@rollout.example.org>\r
            Subject: Re: [staged-rollout #2] message \(number)\r
            Message-ID: <it-\(number)-\(UUID().uuidString)@example.org>\r
            Date: Mon, 30 Nov 2026 16:05:01 +0100\r
            \r
            accept NGI_IT-INFN-T1\r

            """
        var line = 0
        while text.utf8.count < bodySize {
            line += 1
            text += "line \(line) of message \(number): the upgrade went fine on our test node.\r\n"
        }
        return Array(text.utf8)
    }

    /// Collects what `fetch` hands over, in the order it does.
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [FetchedMessage] = []
        func add(_ message: FetchedMessage) {
            lock.lock()
            items.append(message)
            lock.unlock()
        }
        var messages: [FetchedMessage] {
            lock.lock()
            defer { lock.unlock() }
            return items
        }
    }

    static func fetchAll(_ fetcher: IMAPFetcher, sizeLimit: Int = 1 << 20) async throws -> (uidValidity: UInt32, messages: [FetchedMessage]) {
        let (uidValidity, uids) = try await fetcher.pending(mailbox: "INBOX", after: nil)
        let collector = Collector()
        try await fetcher.fetch(mailbox: "INBOX", uidValidity: uidValidity, uids: uids, sizeLimit: sizeLimit) {
            collector.add($0)
        }
        return (uidValidity, collector.messages)
    }

    @Test("every seeded message arrives byte for byte, in UID order", arguments: [1, 4])
    func fetchesInUIDOrder(connections: Int) async throws {
        // Given: sizes that vary a lot, so that downloads on several connections finish out of order
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let seeded = (1...60).map { Self.message($0, bodySize: $0 % 7 == 0 ? 60_000 : 300 + 37 * $0) }
        try dovecot.seed(seeded)
        let fetcher = try Self.fetcher(dovecot, connections: connections)

        // When
        let (uidValidity, messages) = try await Self.fetchAll(fetcher)

        // Then
        #expect(messages.count == seeded.count)
        #expect(messages.map(\.uid) == messages.map(\.uid).sorted())
        #expect(Set(messages.map(\.uid)).count == messages.count)
        for (message, expected) in zip(messages, seeded) {
            #expect(message.raw == expected, "UID \(message.uid)")
            #expect(message.size == expected.count)
            #expect(message.uidValidity == uidValidity)
            #expect(!message.tooLarge)
        }
        // Nothing left the inbox: fetching moves nothing.
        #expect(dovecot.messages()?.count == seeded.count)
    }

    @Test("messages that libcurl cannot read in a batch still arrive whole, in order; batched ones keep their flags",
        arguments: [1, 3])
    func awkwardMessages(connections: Int) async throws {
        // Given: among ordinary replies, lines that trouble libcurl's line reader: a 20 KB line (clipped in a batch),
        // many lines starting with "* " (untagged-looking), lines that look like the tagged end of the response,
        // bare LF line ends, no final line end, and a message too large to batch
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        func reply(_ number: Int, body: String) -> [UInt8] {
            Array("From: a@example.org\r\nSubject: Re: [staged-rollout #2] \(number)\r\nMessage-ID: <awk-\(number)@example.org>\r\n\r\n\(body)".utf8)
        }
        let tags = "ABCD".flatMap { letter in (1...12).map { "\(letter)\(String(format: "%03d", $0)) OK Fetch completed.\r\n" } }
        var seeded: [[UInt8]] = (1...30).map { Self.message($0) }
        seeded[3] = reply(4, body: String(repeating: "x", count: 20_000) + "\r\n")
        seeded[7] = reply(8, body: String(repeating: "* item of a list\r\n", count: 80))
        seeded[11] = reply(12, body: tags.joined())
        seeded[15] = reply(16, body: "bare\nline\nends\n")
        seeded[19] = reply(20, body: "no final line end")
        seeded[23] = Self.message(24, bodySize: 150_000)
        try dovecot.seed(seeded)
        let fetcher = try Self.fetcher(dovecot, connections: connections)

        // When
        let (_, messages) = try await Self.fetchAll(fetcher)

        // Then
        #expect(messages.count == seeded.count)
        #expect(messages.map(\.uid) == messages.map(\.uid).sorted())
        var served = seeded
        served[15] = reply(16, body: "bare\r\nline\r\nends\r\n")  // Dovecot sends CRLF line ends, as IMAP requires
        for (message, expected) in zip(messages, served) {
            #expect(message.raw == expected, "UID \(message.uid)")
        }
        // The ordinary replies went in batches (BODY.PEEK[]): still unseen. The large one was fetched by URL.
        let unseen = dovecot.messages()?.filter { !$0.flags.contains("S") }.count ?? 0
        #expect(unseen >= 25)
        #expect(dovecot.messages()?.filter { $0.flags.contains("S") }.contains { $0.bytes == seeded[23] } == true)
    }

    @Test("pending after a cursor lists only newer UIDs; a cursor at the end lists none")
    func pendingAfterCursor() async throws {
        // Given
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try dovecot.seed((1...5).map { Self.message($0) })
        let fetcher = try Self.fetcher(dovecot)
        let (uidValidity, all) = try await fetcher.pending(mailbox: "INBOX", after: nil)
        #expect(all.count == 5)

        // When
        let after2 = try await fetcher.pending(mailbox: "INBOX", after: MailboxCursor(uidValidity: uidValidity, lastUID: all[1]))
        let atEnd = try await fetcher.pending(mailbox: "INBOX", after: MailboxCursor(uidValidity: uidValidity, lastUID: all[4]))
        // `UID SEARCH UID n:*` with n above the highest UID still matches the highest: it must not come back.
        let beyond = try await fetcher.pending(mailbox: "INBOX", after: MailboxCursor(uidValidity: uidValidity, lastUID: all[4] + 10))
        try dovecot.seed([Self.message(6)])
        let newer = try await fetcher.pending(mailbox: "INBOX", after: MailboxCursor(uidValidity: uidValidity, lastUID: all[4]))

        // Then
        #expect(after2.uidValidity == uidValidity)
        #expect(after2.uids == Array(all[2...]))
        #expect(atEnd.uids.isEmpty)
        #expect(beyond.uids.isEmpty)
        #expect(newer.uids.count == 1)
        #expect(newer.uids.first.map { $0 > all[4] } == true)
    }

    @Test("markProcessed moves the messages to the processed folder, created on first use; the inbox is empty")
    func markProcessedMoves() async throws {
        // Given: more messages than one command may move (libcurl's limit on untagged `* n EXPUNGE` lines)
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let seeded = (1...150).map { Self.message($0) }
        try dovecot.seed(seeded)
        let fetcher = try Self.fetcher(dovecot)
        let (uidValidity, messages) = try await Self.fetchAll(fetcher)
        #expect(dovecot.messages(in: "processed") == nil)

        // When: two batches, as two cycles would
        try await fetcher.markProcessed(mailbox: "INBOX", uidValidity: uidValidity, uids: messages.prefix(3).map(\.uid))
        try await fetcher.markProcessed(mailbox: "INBOX", uidValidity: uidValidity, uids: messages.dropFirst(3).map(\.uid))

        // Then
        #expect(dovecot.messages(in: "INBOX")?.isEmpty == true)
        let processed = try #require(dovecot.messages(in: "processed"))
        #expect(Set(processed.map(\.bytes)) == Set(seeded))
        #expect(try await fetcher.pending(mailbox: "INBOX", after: nil).uids.isEmpty)
    }

    @Test("messages another connection moved out come as UID ranges (QRESYNC): a connection that has 900 moves to hear of still reads the rest, so moves may run while it fetches")
    func movedOutByAnotherConnection() async throws {
        // Given: a reader whose one connection has INBOX selected, and another connection that moves 900 messages out
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try dovecot.seed((1...1000).map { Self.message($0, bodySize: 100) })
        let reader = try Self.fetcher(dovecot, connections: 1)
        let (uidValidity, uids) = try await reader.pending(mailbox: "INBOX", after: nil)
        #expect(uids.count == 1000)
        #expect(reader.movesWhileFetching)
        let mover = try Self.fetcher(dovecot, connections: 1)
        try await mover.markProcessed(mailbox: "INBOX", uidValidity: uidValidity, uids: Array(uids.prefix(900)))

        // When: the reader asks for all of them on its connection (as a `* n EXPUNGE` line each, the 900 would pass
        // libcurl's limit on response lines)
        let collector = Collector()
        try await reader.fetch(mailbox: "INBOX", uidValidity: uidValidity, uids: uids, sizeLimit: 1 << 20) { collector.add($0) }

        // Then: the 100 left arrive, and the 900 are in the processed folder
        #expect(collector.messages.map(\.uid) == Array(uids.suffix(100)))
        #expect(dovecot.messages(in: "processed")?.count == 900)
    }

    @Test("200 unseen messages too large to batch: \\Seen is set in commands of 64 (with QRESYNC on, each message it sets answers a line), and all arrive whole")
    func manyLargeUnseen() async throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        // Above the 96 KiB that batched downloads take.
        let seeded = (1...200).map { Self.message($0, bodySize: 100 * 1024) }
        try dovecot.seed(seeded)
        let fetcher = try Self.fetcher(dovecot, connections: 2)

        let (_, messages) = try await Self.fetchAll(fetcher, sizeLimit: 1 << 20)

        #expect(fetcher.movesWhileFetching)
        #expect(messages.map(\.raw) == seeded)
    }

    @Test("a pooled connection that missed 300 flag changes by another connection (a line per message, even with QRESYNC) catches up before its next command: it reads them, then moves them all")
    func pooledConnectionCatchesUp() async throws {
        // Given: a mover whose one connection has INBOX selected, and another connection that then sets \\Seen on
        // 300 messages (the planner does, for messages too large to batch)
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try dovecot.seed((1...300).map { Self.message($0, bodySize: 100 * 1024) })  // above the 96 KiB batches take
        let mover = try Self.fetcher(dovecot, connections: 1)
        let (uidValidity, uids) = try await mover.pending(mailbox: "INBOX", after: nil)
        let reader = try Self.fetcher(dovecot, connections: 1)
        let (_, read) = try await Self.fetchAll(reader)
        #expect(read.count == 300)

        // When: the mover reads them, then moves them out, on its pooled connection
        let collector = Collector()
        try await mover.fetch(mailbox: "INBOX", uidValidity: uidValidity, uids: uids, sizeLimit: 1 << 20) { collector.add($0) }
        #expect(collector.messages.count == 300)
        try await mover.markProcessed(mailbox: "INBOX", uidValidity: uidValidity, uids: uids)

        // Then
        #expect(dovecot.messages(in: "INBOX")?.isEmpty == true)
        #expect(dovecot.messages(in: "processed")?.count == 300)
    }

    @Test("keyword mode: moves never run beside a fetch, whatever the server offers (a keyword is a line per message to every other connection)")
    func keywordModeMovesAlone() async throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try dovecot.seed([Self.message(1)])
        let fetcher = try Self.fetcher(dovecot, processed: .keyword("$RolloutProcessed"))
        _ = try await fetcher.pending(mailbox: "INBOX", after: nil)
        #expect(fetcher.movesWhileFetching == false)
    }

    @Test("keyword mode leaves the messages in INBOX with the keyword; quarantine moves others to their folder")
    func keywordModeAndQuarantine() async throws {
        // Given
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let seeded = (1...6).map { Self.message($0) }
        try dovecot.seed(seeded)
        let fetcher = try Self.fetcher(dovecot, processed: .keyword("$RolloutProcessed"))
        let (uidValidity, messages) = try await Self.fetchAll(fetcher)
        let handled = messages.prefix(4).map(\.uid)
        let failed = messages.dropFirst(4).map(\.uid)

        // When
        try await fetcher.markProcessed(mailbox: "INBOX", uidValidity: uidValidity, uids: handled)
        try await fetcher.quarantine(mailbox: "INBOX", uidValidity: uidValidity, uids: failed)

        // Then
        let letter = try #require(dovecot.keywordLetter("$RolloutProcessed"))
        let inbox = try #require(dovecot.messages(in: "INBOX"))
        #expect(inbox.count == 4)
        #expect(inbox.allSatisfy { $0.flags.contains(letter) })
        #expect(Set(inbox.map(\.bytes)) == Set(seeded.prefix(4)))
        let quarantined = try #require(dovecot.messages(in: "quarantine"))
        #expect(Set(quarantined.map(\.bytes)) == Set(seeded.suffix(2)))
        #expect(quarantined.allSatisfy { !$0.flags.contains(letter) })
        #expect(dovecot.messages(in: "processed") == nil)
    }

    @Test("of a message above the size limit only the header block is fetched")
    func tooLargeIsNotDownloaded() async throws {
        // Given
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let seeded = [Self.message(1), Self.message(2, bodySize: 200_000), Self.message(3)]
        try dovecot.seed(seeded)
        let fetcher = try Self.fetcher(dovecot)

        // When
        let (_, messages) = try await Self.fetchAll(fetcher, sizeLimit: 100_000)

        // Then
        try #require(messages.count == 3)
        #expect(messages[0].raw == seeded[0])
        #expect(messages[1].tooLarge)
        #expect(messages[1].size == seeded[1].count)
        // Only the header block: it ends at the first empty line and holds none of the 200 KB body.
        let headerEnd = try #require(seeded[1].indices.first { seeded[1][$0...].starts(with: Array("\r\n\r\n".utf8)) })
        #expect(messages[1].raw == Array(seeded[1][..<(headerEnd + 4)]))
        #expect(messages[2].raw == seeded[2])
    }

    @Test("after a UIDVALIDITY change, pending lists every UID under the new UIDVALIDITY")
    func uidValidityChange() async throws {
        // Given
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try dovecot.seed((1...4).map { Self.message($0) })
        let fetcher = try Self.fetcher(dovecot)
        let (oldValidity, uids) = try await fetcher.pending(mailbox: "INBOX", after: nil)
        let cursor = MailboxCursor(uidValidity: oldValidity, lastUID: try #require(uids.last))
        #expect(try await fetcher.pending(mailbox: "INBOX", after: cursor).uids.isEmpty)

        // When
        let newValidity = oldValidity &+ 1000
        try dovecot.changeUIDValidity(to: newValidity)
        let (validity, all) = try await fetcher.pending(mailbox: "INBOX", after: cursor)

        // Then
        #expect(validity == newValidity)
        #expect(all.count == 4)
        // A fetch or move under the old UIDVALIDITY touches nothing.
        await #expect(throws: MailFetchError.self) {
            try await fetcher.markProcessed(mailbox: "INBOX", uidValidity: oldValidity, uids: uids)
        }
        #expect(dovecot.messages()?.count == 4)
    }

    @Test("a wrong password is a configuration error naming the server, never the password")
    func wrongPassword() async throws {
        // Given
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let password = "wrong-\(UUID().uuidString.prefix(8))"
        let fetcher = try Self.fetcher(dovecot, password: password)

        // When
        let error = await #expect(throws: MailFetchError.self) {
            _ = try await fetcher.pending(mailbox: "INBOX", after: nil)
        }

        // Then
        #expect(error?.kind == .configuration)
        #expect(error?.description.hasPrefix("imap://127.0.0.1:\(dovecot.port): ") == true)
        #expect(error?.description.contains("login") == true)
        #expect(error?.description.contains(password) == false)
        #expect(error?.description.contains(where: \.isNewline) == false)
    }

    @Test("an unknown mailbox is a configuration error, for pending and for fetch")
    func unknownMailbox() async throws {
        // Given
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try dovecot.seed([Self.message(1)])
        let fetcher = try Self.fetcher(dovecot)

        // When
        let pendingError = await #expect(throws: MailFetchError.self) {
            _ = try await fetcher.pending(mailbox: "Nope", after: nil)
        }
        let fetchError = await #expect(throws: MailFetchError.self) {
            try await fetcher.fetch(mailbox: "Nope", uidValidity: 1, uids: [1], sizeLimit: 1 << 20) { _ in }
        }

        // Then
        #expect(pendingError?.kind == .configuration)
        #expect(pendingError?.description.contains("Nope") == true)
        #expect(fetchError?.kind == .configuration)
        #expect(fetchError?.description.contains("Nope") == true)
        // The fetcher still works for the right mailbox after those refusals (libcurl dropped the connection).
        #expect(try await Self.fetchAll(fetcher).messages.count == 1)
    }

    @Test("nothing listening is a temporary failure naming the server")
    func nothingListening() async throws {
        // Given
        let port = try freeLoopbackPort()
        let configuration = try IMAPConfiguration(
            url: "imap://127.0.0.1:\(port)", startTLS: .off, credentials: IMAPCredentials(username: "u", password: "p"),
            connectTimeout: .seconds(2), commandTimeout: .seconds(5))
        let fetcher = IMAPFetcher(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

        // When
        let error = await #expect(throws: MailFetchError.self) {
            _ = try await fetcher.pending(mailbox: "INBOX", after: nil)
        }

        // Then
        #expect(error?.kind == .temporary)
        #expect(error?.description.hasPrefix("imap://127.0.0.1:\(port): ") == true)
    }

    @Test("Dovecot killed in the middle of a fetch: a temporary failure, every message still on the server")
    func serverKilledDuringFetch() async throws {
        // Given
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        // More messages than the fetcher downloads ahead of `handle` (IMAPFetcher.windowPerConnection per connection)
        let seeded = (1...1200).map { Self.message($0) }
        try dovecot.seed(seeded)
        let fetcher = try Self.fetcher(dovecot, connections: 4)
        let (uidValidity, uids) = try await fetcher.pending(mailbox: "INBOX", after: nil)
        let collector = Collector()

        // When
        let error = await #expect(throws: MailFetchError.self) {
            try await fetcher.fetch(mailbox: "INBOX", uidValidity: uidValidity, uids: uids, sizeLimit: 1 << 20) { message in
                collector.add(message)
                if collector.messages.count == 10 { dovecot.kill() }
            }
        }

        // Then
        #expect(error?.kind == .temporary)
        #expect(error?.description.hasPrefix("imap://127.0.0.1:\(dovecot.port): ") == true)
        let handed = collector.messages
        #expect(handed.count >= 10 && handed.count < seeded.count)
        #expect(handed.map(\.uid) == Array(uids.prefix(handed.count)))
        #expect(dovecot.messages()?.count == seeded.count)
        #expect(dovecot.messages(in: "processed") == nil)
    }

    @Test("an error thrown by handle stops the fetch and comes back as is")
    func handleErrorStops() async throws {
        // Given
        struct Stop: Error {}
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        // (two too large to batch, fetched by URL, which sets \Seen)
        try dovecot.seed((1...40).map { Self.message($0, bodySize: $0 == 8 || $0 == 20 ? 150_000 : 400) })
        let fetcher = try Self.fetcher(dovecot, connections: 3)
        let (uidValidity, uids) = try await fetcher.pending(mailbox: "INBOX", after: nil)
        let collector = Collector()

        // When
        await #expect(throws: Stop.self) {
            try await fetcher.fetch(mailbox: "INBOX", uidValidity: uidValidity, uids: uids, sizeLimit: 1 << 20) { message in
                collector.add(message)
                if collector.messages.count == 5 { throw Stop() }
            }
        }

        // Then: exactly the first five were handed over, and no flag changed (batches are fetched with BODY.PEEK[];
        // the fetch took \Seen off the large ones again)
        #expect(collector.messages.map(\.uid) == Array(uids.prefix(5)))
        #expect(dovecot.messages()?.filter { $0.flags.contains("S") }.count == 0)
        // and the connections are fine for the next call
        #expect(try await Self.fetchAll(fetcher).messages.count == 40)
    }
}
