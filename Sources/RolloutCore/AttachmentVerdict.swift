import Foundation

/// What the workflow made of one attachment.
public struct AttachmentVerdict: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case report, summary, other }

    public var fileName: String
    /// What the file is, or claims by its name to be (a badly named report is still `report`).
    public var kind: Kind
    /// The team whose report it is.
    public var team: TeamName?
    public var wellNamed: Bool
    /// Why it was not taken as a report or summary, when it was not.
    public var problem: String?

    public init(fileName: String, kind: Kind, team: TeamName? = nil, wellNamed: Bool, problem: String? = nil) {
        self.fileName = fileName
        self.kind = kind
        self.team = team
        self.wellNamed = wellNamed
        self.problem = problem
    }
}
