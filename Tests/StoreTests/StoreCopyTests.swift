import Foundation
import PostgresTestServer
import RolloutCore
import RolloutGateway
import StorePostgres
import StoreSQLite
import Testing

/// `store copy`: SQLite to PostgreSQL and back, verified, and the copy goes on working.
@Suite("Moving an installation between stores")
struct StoreCopyTests {
    @Test("SQLite to PostgreSQL and back: the same rows, the same checksum, and the numbers go on")
    func roundTrip() async throws {
        let sqlite = try await StoreDriver.sqlite.makePlace().openForCopy()
        let original = try GatewayOverStore(sqlite)
        let (_, ticket) = try await original.staged()
        try await original.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        try await original.apply("accept NGI_IT-INFN-T1", to: ticket, as: "paolo.veronesi@cnaf.example.org", at: "2026-11-27 16:00", messageID: "<m1@test>")
        try await sqlite.saveCursor(MailboxCursor(uidValidity: 3, lastUID: 17), of: "INBOX")
        let sent = try #require(try await sqlite.pendingOutbox(at: original.clock.now, limit: 1).first)
        try await sqlite.recordDelivery(.delivered, for: sent, at: original.clock.now)
        _ = try await sqlite.keepSetAside(StoreConformanceTests.setAside("stranger", bytes: 300, at: original.clock.now), limit: 1000)

        let postgres = try await StoreDriver.postgresql.makePlace().openForCopy()
        let there = try await StoreCopy.copy(from: sqlite, to: postgres)
        #expect(there.rows["tickets"] == 2)
        #expect(there.rows["history"] == (try await sqlite.history(of: TicketID(1)).count + (try await sqlite.history(of: ticket).count)))
        #expect(try await StoreCopy.checksum(of: postgres) == there.checksum)
        #expect(try await postgres.load(ticket) == (try await sqlite.load(ticket)))
        #expect(try await postgres.hasSeen("<m1@test>"))
        #expect(try await postgres.cursor(of: "INBOX") == MailboxCursor(uidValidity: 3, lastUID: 17))
        #expect(try await postgres.outboxCounts() == (try await sqlite.outboxCounts()))
        #expect(try await postgres.timers(of: ticket) == (try await sqlite.timers(of: ticket)))
        #expect(try await postgres.reserveTicketID() == TicketID(3))
        #expect(try await postgres.setAsideMessages() == (try await sqlite.setAsideMessages()))
        // The bytes kept are counted on the new side too: the bound drops the copied message first.
        let dropped = try await postgres.keepSetAside(StoreConformanceTests.setAside("next", bytes: 800, at: original.clock.now), limit: 1000)
        #expect(dropped.map(\.key) == ["<stranger@example.org>"])

        // A store that already holds tickets is not written to.
        await #expect(throws: StoreError.self) { try await StoreCopy.copy(from: sqlite, to: postgres) }

        // Work goes on on PostgreSQL, then back to a new SQLite file.
        let moved = try GatewayOverStore(postgres, clock: original.clock)
        try await moved.apply("downtime NGI_IT-INFN-T1 on", to: ticket, as: "paolo.veronesi@cnaf.example.org", at: "2026-11-28 10:00")
        let back = try await StoreDriver.sqlite.makePlace().openForCopy()
        let returned = try await StoreCopy.copy(from: postgres, to: back)
        #expect(returned.checksum != there.checksum)
        #expect(try await StoreCopy.checksum(of: back) == returned.checksum)
        #expect(try await back.history(of: ticket).map(\.detail) == (try await postgres.history(of: ticket).map(\.detail)))
        #expect(try await back.reserveTicketID() == TicketID(4))
    }
}
