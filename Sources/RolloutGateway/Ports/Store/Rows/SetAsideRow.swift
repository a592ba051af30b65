import Foundation

/// A row of `set_aside` as both SQL drivers keep it (``CodingKeys`` are the column names; `data` is read only when
/// the bytes are asked for) and made into the store's value in one place (``message(bytes:)``): sizes that cannot be
/// (negative, or more kept than received) are an error, never taken as they are.
public struct SetAsideRow: Codable, Sendable, Equatable {
    public static let table = "set_aside"

    public var id: Int64
    public var messageKey: String
    public var sender: String?
    public var subject: String
    public var reason: String
    public var source: String
    public var receivedAt: Date
    public var size: Int
    public var messageSize: Int

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case messageKey = "message_key"
        case sender
        case subject
        case reason
        case source
        case receivedAt = "received_at"
        case size
        case messageSize = "message_size"
    }

    /// The columns read, in the order of ``CodingKeys``, without the bytes.
    public static let selection = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// The set-aside message this row holds, with `bytes` (empty in listings); bytes given must be `size` of them.
    public func message(bytes: [UInt8]? = nil) throws -> SetAsideMessage {
        guard size >= 0 else { throw StoreError.unknownValue(table: Self.table, column: CodingKeys.size.rawValue, value: "\(size)") }
        guard messageSize >= size else {
            throw StoreError.unknownValue(table: Self.table, column: CodingKeys.messageSize.rawValue, value: "\(messageSize)")
        }
        if let bytes, bytes.count != size {
            throw StoreError.unknownValue(table: Self.table, column: "data", value: "\(bytes.count) bytes for a size of \(size)")
        }
        return SetAsideMessage(
            id: id, key: messageKey, sender: sender, subject: subject, reason: reason, source: source, receivedAt: receivedAt,
            bytes: bytes ?? [], size: size, messageSize: messageSize)
    }
}
