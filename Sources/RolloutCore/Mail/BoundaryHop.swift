import Foundation

/// The `Received` field with which the operator's MTA took a message from outside (RFC 8601 §5): the first field,
/// walking down from the top, written by one of our hosts about a host that is not ours. Hops inside (a content
/// filter, LMTP into Dovecot) stand above it and are walked over.
///
/// What stands above the boundary was written by our hosts; what stands below it was in the message before our MTA
/// saw it. Its date is when the message arrived, its sending host the one our MTA talked to.
public struct BoundaryHop: Sendable, Equatable {
    /// The field's position among the trace fields, 0 at the top.
    public var position: Int
    public var field: ReceivedField
    /// When our MTA took the message, as it wrote it.
    public var date: Date?

    /// Finds the boundary; nil when no hop of ours took the message from outside (none of our hosts wrote a field, or
    /// a host that is not ours handled the message after ours).
    ///
    /// - Parameter internalHosts: the operator's hosts (trusted authserv-ids and `inbound.internal_hosts`), lower-cased.
    public init?(trace: [TraceField], internalHosts: Set<String>) {
        for (position, traceField) in trace.enumerated() where traceField.name == .received {
            let hop = ReceivedField(parsing: traceField.value)
            guard let host = hop.byHost, internalHosts.contains(host) else { return nil }
            if hop.fromIsInternal(internalHosts) { continue }
            self.position = position
            self.field = hop
            self.date = traceField.date
            return
        }
        return nil
    }

    /// Whether the host our MTA took the message from has one of `addresses`. Only the address our MTA saw on the
    /// connection counts: names in the `from` clause (HELO, reverse lookups) are the sender's to choose.
    public func cameFrom(_ addresses: Set<String>) -> Bool {
        !field.addresses.isEmpty && field.addresses.allSatisfy { addresses.contains($0) }
    }
}
