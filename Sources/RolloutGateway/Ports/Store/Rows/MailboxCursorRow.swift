import Foundation

/// A row of `mailbox_cursors` as both SQL drivers keep it (``CodingKeys`` are the column names) and made into the
/// cursor in one place (``cursor()``): a UIDVALIDITY or UID outside IMAP's 32 bits is an error (it once stopped the
/// process), never cut to fit.
public struct MailboxCursorRow: Codable, Sendable, Equatable {
    public static let table = "mailbox_cursors"

    public var uidValidity: Int64
    public var lastUID: Int64

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case uidValidity = "uid_validity"
        case lastUID = "last_uid"
    }

    /// The columns read, in the order of ``CodingKeys``.
    public static let selection = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// The cursor this row holds.
    public func cursor() throws -> MailboxCursor {
        MailboxCursor(uidValidity: try Self.uid(uidValidity, .uidValidity), lastUID: try Self.uid(lastUID, .lastUID))
    }

    private static func uid(_ value: Int64, _ column: CodingKeys) throws -> UInt32 {
        guard let uid = UInt32(exactly: value) else { throw StoreError.unknownValue(table: table, column: column.rawValue, value: "\(value)") }
        return uid
    }
}
