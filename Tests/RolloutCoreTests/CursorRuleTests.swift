import RolloutCore
import Testing

@Suite("The mailbox cursor: past what is done, never past what is to retry or was not handed over")
struct CursorRuleTests {
    @Test(
        "where the cursor goes",
        arguments: [
            // (previous, asked, handled, retry, last, not handed over)
            (0, [1, 2, 3], [1, 2, 3], [], 3, []),
            (0, [1, 2, 3], [1, 2, 3], [2], 1, []),  // a message to retry holds the cursor before it
            (0, [1, 2, 3, 4], [1, 2, 4], [], 2, [3]),  // one not handed over: asked again next cycle
            (10, [11, 12], [], [], 10, [11, 12]),  // nothing handed over: stays
            (10, [], [], [], 10, []),
            (10, [11], [11], [11], 10, []),  // never moves back past the previous cursor
            (0, [5, 9], [5, 9], [], 9, []),  // gaps in the UIDs are fine
        ] as [(UInt32, [UInt32], [UInt32], [UInt32], UInt32, Set<UInt32>)])
    func next(previous: UInt32, asked: [UInt32], handled: [UInt32], retry: [UInt32], last: UInt32, missing: Set<UInt32>) {
        let result = CursorRule.next(previous: previous, asked: asked, handled: handled, retry: retry)
        #expect(result.lastUID == last)
        #expect(result.notHandedOver == missing)
    }
}
