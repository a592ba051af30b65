/// A ticket number. Release and staged-rollout tickets share one sequence, as RT queues do.
public struct TicketID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int

    public init(_ rawValue: Int) { self.rawValue = rawValue }

    public var description: String { "#\(rawValue)" }

    public static func < (lhs: TicketID, rhs: TicketID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The two RT-style queues a ticket can live in.
public enum Queue: String, Sendable, Codable, CaseIterable {
    /// Release tickets, owned by the release managers.
    case release = "sw-rel"
    /// Staged-rollout tickets, children of a release ticket.
    case stagedRollout = "staged-rollout"
}
