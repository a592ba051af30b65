import Foundation
import RolloutCore
import RolloutGateway
import StoreSQLite
import Testing
import TestSupport

@Suite("SQLite store: fingerprints of sent text (issue 12)")
struct SentTextStoreTests {
    /// The fingerprint of what a queued message says, from its bytes.
    private func fingerprint(of message: OutgoingMessage) -> OwnTextFingerprint {
        OutgoingMessage.textFingerprint(of: message.data)
    }

    @Test("each outbox row keeps its text's fingerprint, found by Message-ID and by ticket and recipient")
    func storedWithTheRow() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        _ = try await test.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let queued = try await test.store.pendingOutbox(at: amsterdam("2026-12-31 00:00"), limit: 1000)
        let toPaolo = try #require(queued.first { $0.kind.rawValue == "team-assigned" && $0.recipients.contains(EmailAddress("paolo.veronesi@cnaf.example.org")) })
        #expect(SentMessageText.text(of: toPaolo.data).contains("accept NGI_IT-INFN-T1"))

        let byID = try await test.store.sentTextFingerprints(messageIDs: ["<\(toPaolo.messageID)>"], ticket: nil, recipient: nil, limit: 20)
        #expect(byID == [fingerprint(of: toPaolo)])
        let recent = try await test.store.sentTextFingerprints(
            messageIDs: [], ticket: ticket, recipient: EmailAddress("Paolo.Veronesi@cnaf.example.org"), limit: 20)
        #expect(recent.contains(fingerprint(of: toPaolo)))
        let toPavel = queued.filter { $0.ticket == ticket && $0.recipients.contains(EmailAddress("pavel.weber@kit.example.org")) }
        #expect(!toPavel.isEmpty)
        #expect(!recent.contains { found in toPavel.contains { fingerprint(of: $0) == found } })
        let none = try await test.store.sentTextFingerprints(messageIDs: ["nobody@nowhere"], ticket: nil, recipient: nil, limit: 20)
        #expect(none.isEmpty)
    }

    @Test("a message committed within a transaction gets its fingerprint with its bytes")
    func committedInTransaction() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        try await test.store.withTransaction { transaction in
            _ = try await test.apply(
                "assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00", within: transaction)
        }
        let queued = try await test.store.pendingOutbox(at: amsterdam("2026-12-31 00:00"), limit: 1000)
        let toPaolo = try #require(queued.first { $0.kind.rawValue == "team-assigned" && $0.recipients.contains(EmailAddress("paolo.veronesi@cnaf.example.org")) })
        let found = try await test.store.sentTextFingerprints(messageIDs: [toPaolo.messageID], ticket: nil, recipient: nil, limit: 0)
        #expect(found == [fingerprint(of: toPaolo)])
        #expect(!found[0].isEmpty)
    }

    @Test("opening a store made before fingerprints existed fingerprints the messages it already holds")
    func migrationBackfills() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        _ = try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let queued = try await test.store.pendingOutbox(at: amsterdam("2026-12-31 00:00"), limit: 1000)
        let toPaolo = try #require(queued.first { $0.kind.rawValue == "team-assigned" && $0.recipients.contains(EmailAddress("paolo.veronesi@cnaf.example.org")) })
        // Take the store back to before the migration, with the sqlite3 shell (another program, as an older gateway).
        try sqlite(test.configuration.storePath, """
            DROP INDEX outbox_own_words;
            DROP INDEX outbox_by_ticket;
            ALTER TABLE outbox DROP COLUMN text_fingerprint;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v6: fingerprints%' OR identifier LIKE 'v14: %' OR identifier LIKE 'v15: %';
            """)
        #expect(try sqlite(test.configuration.storePath, "SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'text_fingerprint';") == "0")

        let reopened = try SQLiteTicketStore(path: test.configuration.storePath)
        let found = try await reopened.sentTextFingerprints(messageIDs: [toPaolo.messageID], ticket: nil, recipient: nil, limit: 0)
        #expect(found == [fingerprint(of: toPaolo)])
        #expect(try sqlite(test.configuration.storePath, "SELECT count(*) FROM outbox WHERE text_fingerprint IS NULL;") == "0")
    }

    @discardableResult
    private func sqlite(_ path: String, _ sql: String) throws -> String {
        let result = try ChildProcess.run("/usr/bin/sqlite3", [path, sql])
        #expect(result.status == 0, "sqlite3 \(sql): \(result.errors)")
        return String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
