/// What a source made of a message that failed (the loop logs it).
public enum IngestFailure: Sendable, Equatable {
    /// Kept aside by the source already, at `place` (a Maildir's failed/; a file left where it is): not released.
    case keptAside(place: String)
    /// To be tried again by a later run; the attempts so far.
    case retry(attempts: Int)
    /// Failed too often: released as quarantined.
    case quarantine(attempts: Int)
}
