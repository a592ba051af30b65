import Foundation

/// A row of `directory_history` as both SQL drivers keep it (``CodingKeys`` are the column names) and made into the
/// change in one place (``change()``): an action this version does not know is an error, never a default.
public struct DirectoryChangeRow: Codable, Sendable, Equatable {
    public static let table = "directory_history"

    public var at: Date
    public var action: String
    public var team: String
    public var person: String
    public var address: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case at
        case action
        case team
        case person
        case address
    }

    /// The columns read, in the order of ``CodingKeys``.
    public static let selection = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// The change this row holds.
    public func change() throws -> DirectoryChange {
        DirectoryChange(
            at: at, action: try DirectoryChange.Action(stored: action, table: Self.table, column: CodingKeys.action.rawValue), team: team,
            person: person, address: address)
    }
}
