/// How far a server mailbox counts as read (the IMAP cursor), from what one cycle did with the UIDs it asked for.
///
/// The cursor moves past what is done or quarantined, never past a message still to retry, nor past one the fetcher
/// did not hand over (reported gone): if it is still there, the next cycle asks for it again. It never moves back.
public enum CursorRule {
    /// The last UID that counts as read, and the UIDs asked for but not handed over.
    ///
    /// - Parameters:
    ///   - previous: the cursor before the cycle (0 for a new mailbox or a new UIDVALIDITY).
    ///   - asked: the UIDs asked of the fetcher.
    ///   - handled: the UIDs handed over and dealt with (done, quarantined, or to retry).
    ///   - retry: the UIDs that failed and are to be tried again.
    public static func next(previous: UInt32, asked: [UInt32], handled: [UInt32], retry: [UInt32])
        -> (lastUID: UInt32, notHandedOver: Set<UInt32>)
    {
        let notHandedOver = Set(asked).subtracting(handled)
        let firstOpen = (retry + notHandedOver).min()
        let last = firstOpen.map { $0 - 1 } ?? handled.max() ?? previous
        return (max(previous, last), notHandedOver)
    }
}
