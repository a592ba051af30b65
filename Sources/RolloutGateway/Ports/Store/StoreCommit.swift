import Foundation
import RolloutCore

/// Everything one event causes, written in one transaction.
public struct StoreCommit: Sendable {
    /// The case as it was loaded (its versions are checked), or nil for a fired timer without a case.
    public var base: StoredCase
    public var decision: Decision
    public var outbox: [OutgoingMessage]
    public var seen: SeenMessage?
    public var attachments: [StoredAttachment]
    /// The timer whose firing this is; marked fired in the same transaction.
    public var firedTimer: TimerKey?
    /// When the fired timer was due, as it was read: a repeating timer (the escalation) is scheduled again under the
    /// same key when it fires, so the key alone cannot tell a second firing of the same due time from the next one.
    public var firedTimerDueAt: Date?

    public init(
        base: StoredCase, decision: Decision, outbox: [OutgoingMessage], seen: SeenMessage? = nil,
        attachments: [StoredAttachment] = [], firedTimer: TimerKey? = nil, firedTimerDueAt: Date? = nil
    ) {
        self.base = base
        self.decision = decision
        self.outbox = outbox
        self.seen = seen
        self.attachments = attachments
        self.firedTimer = firedTimer
        self.firedTimerDueAt = firedTimerDueAt
    }
}
