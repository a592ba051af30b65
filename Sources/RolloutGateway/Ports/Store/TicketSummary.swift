import Foundation
import RolloutCore

/// One line of `tickets list`.
public struct TicketSummary: Sendable, Equatable, Codable {
    public var id: Int
    public var queue: String
    public var status: String
    public var title: String
    public var parent: Int?
    public var child: Int?

    public init(id: Int, queue: String, status: String, title: String, parent: Int?, child: Int?) {
        self.id = id
        self.queue = queue
        self.status = status
        self.title = title
        self.parent = parent
        self.child = child
    }
}
