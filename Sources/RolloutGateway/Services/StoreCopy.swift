import Crypto
import Foundation
import RolloutCore

/// `store copy`: moves an installation from one store to another (SQLite to PostgreSQL, and back), then proves the
/// copy: the same number of rows in every table, and the same checksum of the tickets and their history read
/// through each store's own port.
public enum StoreCopy {
    /// What was copied and how it was checked.
    public struct Report: Sendable {
        public var rows: [String: Int]
        public var checksum: String
    }

    public struct Mismatch: Error, CustomStringConvertible {
        public var description: String
    }

    public static func copy(from source: any TicketRepository & StoreTransfer, to target: any TicketRepository & StoreTransfer) async throws -> Report {
        let tables = try await source.exportTables()
        let before = try await checksum(of: source)
        try await target.importTables(tables)
        let exported = Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0.rows.count) })
        let copied = try await target.rowCounts()
        for (table, count) in exported.sorted(by: { $0.key < $1.key }) where copied[table] != count {
            throw Mismatch(description: "table \(table): \(count) rows read, \(copied[table] ?? 0) in the copy")
        }
        let after = try await checksum(of: target)
        guard before == after else {
            throw Mismatch(
                description: "the tickets and history of the copy differ from the source (checksum \(after) against \(before)); was the source written to during the copy?")
        }
        let now = try await source.rowCounts()
        guard now == exported else {
            throw Mismatch(description: "the source changed during the copy; stop the gateway's timer and mail delivery, empty the target and copy again")
        }
        return Report(rows: exported, checksum: before)
    }

    /// SHA-256 over every ticket (number, queue, status, title, parent, child) and its history (time to the second,
    /// cause, actor, authentication, action, detail), in order.
    public static func checksum(of store: any TicketRepository) async throws -> String {
        var hash = SHA256()
        func add(_ fields: [String]) {
            hash.update(data: Data((fields.joined(separator: "\u{1F}") + "\u{1E}").utf8))
        }
        for ticket in try await store.ticketSummaries() {
            add(["ticket", "\(ticket.id)", ticket.queue, ticket.status, ticket.title, "\(ticket.parent ?? 0)", "\(ticket.child ?? 0)"])
            for entry in try await store.history(of: TicketID(ticket.id)) {
                let cause: String =
                    switch entry.cause {
                    case .message(let id): "message \(id)"
                    case .operatorAction(let action): "cli \(action)"
                    case .timer(let kind): "timer \(kind.rawValue)"
                    case .registry(let name): "registry \(name)"
                    }
                add([
                    "history", "\(entry.ticket)", "\(Int64(entry.at.timeIntervalSince1970.rounded(.down)))", cause, entry.actor?.value ?? "",
                    entry.authentication?.rawValue ?? "", entry.basis?.rawValue ?? "", entry.action.rawValue, entry.detail,
                ])
            }
        }
        return "sha256:" + SHA256Hex.hex(hash.finalize())
    }
}
