import Foundation
import PostgresNIO

/// Decodes a row shape (``TimerRow``, ``HistoryRow``: `Codable`, its coding keys the column names) from a PostgreSQL
/// row by column name, as GRDB decodes the same shape on SQLite: one shape, one mapping to the core's values, on both
/// drivers. Only flat rows: columns of text, integers, booleans, times and bytes (into `Data`).
struct PostgresRowDecoder: Decoder {
    let record: PostgresRecord
    /// Put before every column name: the columns of a joined table renamed in a SELECT (`team_answer`).
    var prefix = ""

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The shape `Row` read from `record`.
    static func decode<Row: Decodable>(_ type: Row.Type, from record: PostgresRecord, prefix: String = "") throws -> Row {
        try Row(from: PostgresRowDecoder(record: record, prefix: prefix))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns(record: record, prefix: prefix))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "a row is read by column name"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "a row is read by column name"))
    }

    /// The row's columns, by the coding keys' names.
    struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let record: PostgresRecord
        let prefix: String

        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { record.row.contains(prefix + key.stringValue) }

        func decodeNil(forKey key: Key) throws -> Bool { record.row[prefix + key.stringValue].bytes == nil }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            if T.self == Data.self { return Data(try record.bytes(prefix + key.stringValue)) as! T }
            guard let decodable = T.self as? any PostgresDecodable.Type else {
                throw DecodingError.typeMismatch(T.self, .init(codingPath: [key], debugDescription: "not a column type"))
            }
            return try column(decodable, key) as! T
        }

        private func column<Value: PostgresDecodable>(_ type: Value.Type, _ key: Key) throws -> Value {
            try record.get(prefix + key.stringValue, as: Value.self)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "a column holds no nested row"))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "a column holds no list"))
        }

        func superDecoder() throws -> any Decoder { PostgresRowDecoder(record: record, prefix: prefix) }
        func superDecoder(forKey key: Key) throws -> any Decoder { PostgresRowDecoder(record: record, prefix: prefix) }
    }
}
