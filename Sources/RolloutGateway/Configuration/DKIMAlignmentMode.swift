import RolloutCore

/// `inbound.dkim_alignment` as configured: the mode only. The composition root turns `relaxed` into
/// ``DKIMAlignment/relaxed(_:)`` with the Public Suffix List it loads (``Gateway/dkimAlignment``).
public enum DKIMAlignmentMode: String, Sendable, Equatable {
    case strict
    case relaxed
}
