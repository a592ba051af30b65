import Foundation

/// Links every release carries (SPEC §3): release notes, fixed bugs, documentation.
public struct ReleaseLinks: Hashable, Sendable, Codable {
    public var releaseNotes: String
    public var fixedBugs: String
    public var documentation: String

    public init(releaseNotes: String, fixedBugs: String, documentation: String) {
        self.releaseNotes = releaseNotes
        self.fixedBugs = fixedBugs
        self.documentation = documentation
    }
}
