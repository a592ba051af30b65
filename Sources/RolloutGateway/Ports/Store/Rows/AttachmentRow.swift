import Foundation
import RolloutCore

/// A row of `attachments` as both SQL drivers keep it (``CodingKeys`` are the column names) and made into the store's
/// value in one place (``attachment()``): a kind or team this version does not know is an error, never a default.
public struct AttachmentRow: Codable, Sendable, Equatable {
    public static let table = "attachments"

    public var fileName: String
    public var contentType: String
    public var kind: String
    public var team: String?
    public var wellNamed: Bool
    public var problem: String?
    public var data: Data

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case fileName = "file_name"
        case contentType = "content_type"
        case kind
        case team
        case wellNamed = "well_named"
        case problem
        case data
    }

    /// The columns read, in the order of ``CodingKeys``.
    public static let selection = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// The attachment this row holds.
    public func attachment() throws -> StoredAttachment {
        StoredAttachment(
            verdict: try Self.verdict(fileName: fileName, kind: kind, team: team, wellNamed: wellNamed, problem: problem),
            contentType: contentType, bytes: [UInt8](data))
    }

    /// The verdict of the row's columns (``AttachmentSummaryRow`` reads the same ones).
    static func verdict(fileName: String, kind: String, team: String?, wellNamed: Bool, problem: String?) throws -> AttachmentVerdict {
        AttachmentVerdict(
            fileName: fileName, kind: try AttachmentVerdict.Kind(stored: kind, table: table, column: CodingKeys.kind.rawValue),
            team: try TeamName.storedIfAny(team, table: table, column: CodingKeys.team.rawValue), wellNamed: wellNamed, problem: problem)
    }
}
