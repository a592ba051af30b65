import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// A Message-ID of any length names its message in every store (the review of issue 19: PostgreSQL refuses an index
/// row past ~2.7 kB, so a 4 kB Message-ID stopped the mailbox on every run while SQLite took it).
@Suite("A 4 kB Message-ID is seen once on every driver")
struct LongMessageIDTests {
    static func message(id: String, body: String) -> InboundMessage {
        let raw = "From: a@b.example\r\nSubject: x\r\nMessage-ID: <\(id)>\r\n\r\n\(body)\r\n"
        return GMimeMailParser().parse(Array(raw.utf8))
    }

    @Test("its digest stands for it: short, the same for every copy, another for another Message-ID", arguments: drivers)
    func longMessageID(driver: StoreDriver) async throws {
        let long = String(repeating: "x7Q", count: 1400) + "@long.example"
        let first = Self.message(id: long, body: "one")
        let copy = Self.message(id: long, body: "the same Message-ID, other bytes")
        let other = Self.message(id: "y" + long, body: "one")
        #expect(first.seenKey.hasPrefix("message-id-sha256:") && first.seenKey.utf8.count < 100)
        #expect(first.seenKey == copy.seenKey)
        #expect(first.seenKey != other.seenKey)
        // A Message-ID of ordinary length is kept as it is.
        #expect(Self.message(id: "abc@host.example", body: "x").seenKey == "<abc@host.example>")

        let store = try await driver.makePlace().open()
        let seen = SeenMessage(key: first.seenKey, ticket: nil, sender: nil, disposition: .message(.setAside, reason: "no ticket"))
        try await store.recordSeen(seen, at: Date(timeIntervalSince1970: 1_796_000_000))
        #expect(try await store.hasSeen(copy.seenKey))
        await #expect(throws: StoreError.alreadySeen(copy.seenKey)) {
            try await store.recordSeen(
                SeenMessage(key: copy.seenKey, ticket: nil, sender: nil, disposition: .message(.setAside, reason: nil)),
                at: Date(timeIntervalSince1970: 1_796_000_001))
        }
    }

    @Test("a stored value this version does not know stops the ingest loop as the store's fault, never the message's")
    func unknownValueIsTheStores() {
        let error = StoreError.unknownValue(table: "history", column: "action", value: "team.frobnicated")
        #expect(IngestLoop<ListIngestSource>.isTemporary(error))
        #expect(IngestLoop<ListIngestSource>.isStoreTemporary(error))
    }
}
