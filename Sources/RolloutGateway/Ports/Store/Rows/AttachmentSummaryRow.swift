import Foundation
import RolloutCore

/// A row of `attachments` read without its data (``AttachmentRow``'s columns, the data's length instead of the data),
/// as both SQL drivers read it for a listing (``CodingKeys`` are the columns).
public struct AttachmentSummaryRow: Codable, Sendable, Equatable {
    public var fileName: String
    public var contentType: String
    public var kind: String
    public var team: String?
    public var wellNamed: Bool
    public var problem: String?
    public var size: Int

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case fileName = "file_name"
        case contentType = "content_type"
        case kind
        case team
        case wellNamed = "well_named"
        case problem
        case size
    }

    /// The columns read, in the order of ``CodingKeys``, with `length` the SQL function that measures the data.
    public static func selection(length: String) -> String {
        CodingKeys.allCases.map { $0 == .size ? "\(length)(data) AS size" : $0.rawValue }.joined(separator: ", ")
    }

    /// The summary this row holds.
    public func summary() throws -> AttachmentSummary {
        AttachmentSummary(
            verdict: try AttachmentRow.verdict(fileName: fileName, kind: kind, team: team, wellNamed: wellNamed, problem: problem),
            contentType: contentType, size: size)
    }
}
