import Foundation
import GRDB
@testable import StoreSQLite

/// A store file migrated to the current schema in a scratch folder, removed with it: for reading SQLite's plans.
final class MigratedSQLiteFile {
    let folder = NSTemporaryDirectory() + "rollout-plan-\(UUID().uuidString)"
    let queue: DatabaseQueue

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        queue = try DatabaseQueue(path: "\(folder)/gateway.sqlite")
        try Schema.migrator.migrate(queue)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// `EXPLAIN QUERY PLAN` of `sql`, its details one per line.
    func plan(_ sql: String, _ arguments: StatementArguments) throws -> String {
        try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: "\n")
        }
    }
}
