import Foundation
import GRDB
import RolloutCore
import RolloutGateway
@testable import StorePostgres
@testable import StoreSQLite
import Testing

/// The look-up of a ticket's latest own words walks a partial index that leaves out answers and relays (SQLite v14,
/// PostgreSQL 7): its list of kinds is written into the schema, so it must stay the list the gateway means, and the
/// query must name it so that SQLite uses the index.
@Suite("A ticket's latest own words: the partial index and its kinds")
struct PartialIndexKindsTests {
    @Test("the index's kinds are the answers and the relays of other people's words, on both SQL drivers")
    func kinds() {
        let meant = (OutboxKind.answers + OutboxKind.relaysOthersWords).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        #expect(SQLiteTicketStore.notOwnWordsKinds == meant)
        #expect(PostgresSchema.notOwnWordsKinds == meant)
    }

    @Test("SQLite reads a ticket's latest own words through outbox_own_words, not through every message of the ticket")
    func sqlitePlan() throws {
        let folder = NSTemporaryDirectory() + "rollout-own-words-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let queue = try DatabaseQueue(path: "\(folder)/gateway.sqlite")
        try Schema.migrator.migrate(queue)
        let plan = try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteTicketStore.latestOwnWordsSQL, arguments: [2, "\nx@example.org\n", 20])
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(plan.contains("USING INDEX outbox_own_words"), "\(plan)")
    }
}
