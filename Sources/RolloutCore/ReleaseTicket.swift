import Foundation

/// A release ticket in queue `sw-rel`.
public struct ReleaseTicket: Sendable, Equatable {
    public var id: TicketID
    public var release: ComponentRelease
    public var links: ReleaseLinks
    public var status: ReleaseStatus
    /// `sw-rel` normally, `sw-rel-sr` while the staged rollout owns it.
    public var owner: String
    public var child: TicketID?
    public var outcome: Outcome?
    public var documentID: String?
    public var createdAt: Date

    public init(
        id: TicketID, release: ComponentRelease, links: ReleaseLinks, status: ReleaseStatus = .inVerification,
        owner: String = "sw-rel", child: TicketID? = nil, outcome: Outcome? = nil, documentID: String? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.release = release
        self.links = links
        self.status = status
        self.owner = owner
        self.child = child
        self.outcome = outcome
        self.documentID = documentID
        self.createdAt = createdAt
    }

    public var title: String { TicketTitle.release(release) }
}
