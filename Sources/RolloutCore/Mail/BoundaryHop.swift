import Foundation

/// The `Received` field with which the operator's MTA took a message from outside (RFC 8601 §5): the first field,
/// walking down from the top, written by one of our hosts about a host that is not ours. Hops inside (a content
/// filter, LMTP into Dovecot) stand above it and are walked over.
///
/// What stands above the boundary was written by our hosts; what stands below it was in the message before our MTA
/// saw it. Its date is when the message arrived, its sending host the one our MTA talked to.
public struct BoundaryHop: Sendable, Equatable {
    /// The field's position among the trace fields (`Authentication-Results` included), 0 at the top.
    public var position: Int
    /// The field's number among the `Received` fields only, 1 at the top: "Received #2" is the second `Received` line
    /// a reader counts in the header, whatever other trace fields stand between.
    public var number: Int
    public var field: ReceivedField
    /// When the receiving host took the message, as it wrote it.
    public var date: Date?
    /// Whether one of our hosts took the message here from outside. False when the walk stopped at a hop received by
    /// a host that is not ours: then what stands above was not written by us, what stands below cannot be placed,
    /// and no field counts.
    public var isOurs: Bool

    /// Walks the `Received` fields top down over our own hops; nil when none of them took the message from outside
    /// and no foreign host stopped the walk (the message has no hop of ours at all).
    ///
    /// - Parameter internalHosts: the operator's hosts (trusted authserv-ids and `inbound.internal_hosts`), lower-cased.
    public init?(trace: [TraceField], internalHosts: Set<String>) {
        var number = 0
        for (position, traceField) in trace.enumerated() where traceField.name == .received {
            number += 1
            let hop = ReceivedField(parsing: traceField.value)
            let ours = hop.byHost.map(internalHosts.contains) ?? false
            if ours, hop.fromIsInternal(internalHosts) { continue }
            self.position = position
            self.number = number
            self.field = hop
            self.date = traceField.date
            self.isOurs = ours
            return
        }
        return nil
    }

    /// Our MTA's boundary hop only: nil when no host of ours took the message from outside.
    public static func ours(trace: [TraceField], internalHosts: Set<String>) -> BoundaryHop? {
        BoundaryHop(trace: trace, internalHosts: internalHosts).flatMap { $0.isOurs ? $0 : nil }
    }

    /// Whether the host our MTA took the message from has one of `addresses`. Only the address our MTA saw on the
    /// connection counts: names in the `from` clause (HELO, reverse lookups) are the sender's to choose.
    public func cameFrom(_ addresses: Set<String>) -> Bool {
        isOurs && !field.addresses.isEmpty && field.addresses.allSatisfy { addresses.contains($0) }
    }
}
