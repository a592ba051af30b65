import Foundation
import RolloutCore

/// The fingerprint of a sent message's text, as both SQL drivers keep it in `outbox` (``CodingKeys`` are the
/// columns read) — read by position on SQLite (every reply looks its quoted text up) — and made into the core's value
/// in one place (``fingerprint()``): bytes that are not whole four-byte hashes are an error, never cut short.
public struct SentTextRow: Codable, Sendable, Equatable {
    public static let table = "outbox"

    public var id: Int64
    public var textFingerprint: Data

    public init(
        id: Int64, textFingerprint: Data
    ) {
        self.id = id
        self.textFingerprint = textFingerprint
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case textFingerprint = "text_fingerprint"
    }

    /// The columns read, in the order of ``CodingKeys``.
    public static let selection = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// The fingerprint this row holds.
    public func fingerprint() throws -> OwnTextFingerprint {
        try Self.fingerprint(stored: textFingerprint)
    }

    /// The fingerprint of a stored `text_fingerprint` value.
    public static func fingerprint(stored: Data) throws -> OwnTextFingerprint {
        guard stored.count % 4 == 0 else {
            throw StoreError.unknownValue(
                table: table, column: CodingKeys.textFingerprint.rawValue, value: "\(stored.count) bytes (not whole hashes)")
        }
        return OwnTextFingerprint(bytes: [UInt8](stored))
    }
}
