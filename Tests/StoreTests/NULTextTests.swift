import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import StoreMemory
import TestSupport
import Testing

/// U+0000 in mail text means one thing on every driver (issue 19 review): where mail text enters (the parser's text
/// decoding) it becomes U+FFFD, so no store sees it — SQLite would keep it, PostgreSQL refuses it in text.
@Suite("Store conformance: NUL in mail text")
struct NULTextTests {
    /// Paolo's reply to the staged rollout in UTF-16LE, whose text holds a U+0000 (a charset in which a NUL character
    /// is not a NUL byte).
    static func reply(to rollout: TicketID) -> [UInt8] {
        let text = "Still testing.\u{0} Looks fine so far.\n"
        let body = Data(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).base64EncodedString(options: .lineLength76Characters)
        return Array(
            """
            From: Paolo Veronesi <\(TransactionConformanceTests.paolo)>\r
            To: staged-rollout@rollout.example.org\r
            Subject: Re: [staged-rollout #\(rollout.rawValue)] Please test\r
            Message-ID: <nul-in-text@cnaf.example.org>\r
            Date: Fri, 27 Nov 2026 16:00:00 +0100\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-16le\r
            Content-Transfer-Encoding: base64\r
            \r
            \(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n"))\r

            """.utf8)
    }

    /// The store on `driver` after the reply, dumped, and the messages the loop could not apply.
    static func dump(_ driver: StoreDriver) async throws -> (dump: CanonicalDump, failed: [Int]) {
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (_, rollout) = try await test.staged()
        try await test.apply(
            "assign NGI_IT-INFN-T1", to: rollout, as: TransactionConformanceTests.mario, at: "2026-11-27 15:00", messageID: "<assign@lip.example.org>")
        test.clock.now = amsterdam("2026-11-27 16:05")
        let raw = reply(to: rollout)
        let source = ListIngestSource()
        let loop = IngestLoop(ingest: Ingest(gateway: test.gateway, parser: GMimeMailParser()), source: source, groupSize: 1)
        try await loop.run { try await loop.add(0, size: raw.count, source: "test", read: { raw }) }
        let tables: [StoreTable] =
            if let memory = store as? MemoryTicketStore {
                memory.exportTables()
            } else {
                try await #require(store as? any StoreTransfer).exportTables()
            }
        return (try CanonicalDump(tables), await source.failed)
    }

    @Test("a reply whose text holds U+0000 is applied with U+FFFD in its place, and leaves the same canonical dump as memory's", arguments: migratingDrivers)
    func sameMeaning(driver: StoreDriver) async throws {
        let reference = try await Self.dump(.memory)
        let (dump, failed) = try await Self.dump(driver)
        #expect(reference.failed.isEmpty)
        #expect(failed.isEmpty)
        let rows = dump.tables.values.joined()
        #expect(rows.contains { $0.contains("\u{FFFD}") }, "the text was not kept with U+FFFD")
        #expect(!rows.contains { $0.unicodeScalars.contains("\u{0}") })
        let differences = dump.differences(from: reference.dump, names: (driver.name, "memory"))
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }
}
