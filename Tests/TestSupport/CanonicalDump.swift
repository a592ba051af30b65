import Crypto
import Foundation
import RolloutGateway

/// A store's content in a form that does not depend on its driver (issue 19): the same decisions give the same dump
/// on memory, SQLite and PostgreSQL. Made from ``StoreTransfer/exportTables()`` (or the memory store's equivalent).
///
/// Kept: tickets, their teams and GGUS links, history, timers, seen messages, attachments, and outbox rows with the
/// SHA-256 of their bytes. Normalised, and nothing else:
/// - the second in a generated Message-ID (`rg.<ticket>.<template>.<second>.<hash>@…`), in rows and in bytes, and the
///   `Date:` field of the bytes: what the clock said, not what was decided;
/// - every stored time to the whole second: memory keeps a `Date` whole, SQLite to the millisecond, PostgreSQL to
///   the microsecond;
/// - database row numbers (`history.id`, `outbox.id`, `attachments.id`): they count allocations, and PostgreSQL's
///   sequences are not given back when a transaction (a savepoint) is undone. History is numbered within its ticket
///   in the order it was written instead; outbox rows and attachments are sorted by their content.
///
/// Left out: what a driver keeps for itself (`updated_at` and `row_version` of a ticket, `seen_at`, `received_at`,
/// `settled_at`, `last_error`, the sent-text fingerprints, the per-minute answer counts, mailbox cursors).
public struct CanonicalDump: Sendable, Equatable {
    /// Each table's rows as lines (`column=value`, …), sorted.
    public private(set) var tables: [String: [String]]

    /// The tables compared, and the columns of each.
    public static let columns: [(table: String, columns: [String])] = [
        (
            "tickets",
            [
                "id", "queue", "status", "stack", "component", "version", "os", "arch", "release_notes", "fixed_bugs",
                "documentation", "owner", "parent_id", "child_id", "outcome", "document_id", "summary", "escalation_due_at",
                "escalations_sent", "all_reports_announced", "last_escalation_at", "created_at",
            ]
        ),
        (
            "ticket_teams",
            [
                "ticket_id", "position", "team", "assigned_at", "volunteered", "answer_deadline", "answer", "answered_at",
                "answered_by", "testing_minimum_end", "testing_maximum_end", "extended_days", "downtime", "report", "reported_at",
                "unassigned_at",
            ]
        ),
        ("ggus_links", ["ticket_id", "position", "ggus_ticket"]),
        (
            "history",
            [
                "ticket_id", "at", "cause_kind", "cause", "actor", "authentication", "authentication_basis", "action", "detail",
                "written_at",
            ]
        ),
        ("timers", ["ticket_id", "kind", "team", "due_at", "state"]),
        ("messages_seen", ["message_key", "ticket_id", "sender", "disposition"]),
        ("attachments", ["ticket_id", "file_name", "content_type", "size", "kind", "team", "well_named", "problem", "data"]),
        (
            "outbox",
            [
                "ticket_id", "kind", "message_id", "sender", "recipients", "data", "created_at", "attempts", "next_attempt_at",
                "sent_at", "failed_at",
            ]
        ),
    ]

    public init(_ exported: [StoreTable]) throws {
        tables = [:]
        for (name, columns) in Self.columns {
            guard let table = exported.first(where: { $0.name == name }) else { throw Missing(description: "no table \(name)") }
            let positions = try columns.map { column in
                guard let position = table.columns.firstIndex(of: column) else { throw Missing(description: "no column \(name).\(column)") }
                return position
            }
            var rows = table.rows
            if name == "history" { rows = try Self.writtenOrder(rows, of: table) }
            var lines = rows.map { row in zip(columns, positions).map { "\($0)=\(Self.text(row[$1]))" }.joined(separator: " ") }
            if name == "history" {
                var written: [String: Int] = [:]
                lines = zip(rows, lines).map { row, line in
                    let ticket = Self.text(row[positions[0]])
                    written[ticket, default: 0] += 1
                    return String(format: "#%04d ", written[ticket]!) + line
                }
            }
            tables[name] = lines.sorted()
        }
    }

    /// History rows in the order they were written (by `id`, whose gaps do not matter).
    private static func writtenOrder(_ rows: [[StoreValue]], of table: StoreTable) throws -> [[StoreValue]] {
        guard let id = table.columns.firstIndex(of: "id") else { throw Missing(description: "no column history.id") }
        return rows.sorted { first, second in
            if case .integer(let a) = first[id], case .integer(let b) = second[id] { return a < b }
            return false
        }
    }

    /// The rows of each table found in one dump and not in the other (at most `limit` of each side per table), with the
    /// row counts: empty when the dumps are the same.
    public func differences(from other: CanonicalDump, names: (String, String), limit: Int = 6) -> [String] {
        var report: [String] = []
        for (name, _) in Self.columns {
            let mine = tables[name] ?? []
            let theirs = other.tables[name] ?? []
            guard mine != theirs else { continue }
            let onlyMine = Self.subtracting(theirs, from: mine)
            let onlyTheirs = Self.subtracting(mine, from: theirs)
            report.append("\(name): \(mine.count) rows on \(names.0), \(theirs.count) on \(names.1)")
            report += onlyMine.prefix(limit).map { "  only on \(names.0): \($0)" }
            report += onlyTheirs.prefix(limit).map { "  only on \(names.1): \($0)" }
        }
        return report
    }

    /// `lines` less `removed`, counting repeats (a multiset difference), in order.
    private static func subtracting(_ removed: [String], from lines: [String]) -> [String] {
        var left = Dictionary(removed.map { ($0, 1) }, uniquingKeysWith: +)
        return lines.filter { line in
            guard let count = left[line], count > 0 else { return true }
            left[line] = count - 1
            return false
        }
    }

    /// Row counts per table, for a summary.
    public var rowCounts: [String: Int] { tables.mapValues(\.count) }

    // MARK: Values

    private static func text(_ value: StoreValue) -> String {
        switch value {
        case .null: "∅"
        case .integer(let number): "\(number)"
        case .real(let number): "\(number)"
        case .bool(let flag): "\(flag)"
        case .date(let date): second(date)
        case .text(let text): normalised(text).debugDescription
        case .bytes(let bytes): "sha256:" + SHA256.hash(data: Array(normalised(String(decoding: bytes, as: UTF8.self)).utf8)).map { String(format: "%02x", $0) }.joined()
        }
    }

    private static func second(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    private static let generatedMessageID = try! NSRegularExpression(pattern: #"(rg\.[0-9]+\.[A-Za-z0-9_-]+\.)[0-9]+\."#)
    private static let dateField = try! NSRegularExpression(pattern: #"(?m)^Date: [^\r\n]*"#)

    /// Text with the second of each generated Message-ID and its `Date:` field taken out.
    static func normalised(_ text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        let withoutStamps = generatedMessageID.stringByReplacingMatches(in: text, range: range, withTemplate: "$1(second).")
        return dateField.stringByReplacingMatches(
            in: withoutStamps, range: NSRange(withoutStamps.startIndex..., in: withoutStamps), withTemplate: "Date: (date)")
    }

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }
}
