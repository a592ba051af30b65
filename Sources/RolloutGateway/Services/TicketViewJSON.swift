import Foundation

/// The JSON of `tickets show --json` (and `tickets list --json`, `/tickets/N.json`): snake_case keys, sorted, ISO 8601
/// times, indented. The schema is documented in the README.
public enum TicketViewJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// A ticket's view as JSON bytes.
    public static func encode(_ view: TicketView) throws -> Data { try encoder().encode(view) }
}
