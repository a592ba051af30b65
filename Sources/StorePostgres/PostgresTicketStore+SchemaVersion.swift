import Foundation
import PostgresNIO
import RolloutGateway

extension PostgresTicketStore {
    /// The database's schema version (0 when no migration ran yet) and this binary's, read over a connection of its own
    /// without migrating or creating anything: what `config check --connect` reports, so that checking a new binary
    /// against the database of running instances changes nothing under them.
    public func schemaVersions() async throws -> (database: Int, binary: Int) {
        do {
            return try await withDirectConnection { connection in
                var exists = false
                for try await (found) in try await connection.query(
                    "SELECT to_regclass('schema_migrations') IS NOT NULL", logger: PostgresConnection.quiet
                ).decode(Bool.self) {
                    exists = found
                }
                var version = 0
                if exists {
                    for try await (latest) in try await connection.query(
                        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: PostgresConnection.quiet
                    ).decode(Int.self) {
                        version = latest
                    }
                }
                return (version, PostgresSchema.latestVersion)
            }
        } catch {
            throw translate(error)
        }
    }
}
