import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("Set-aside store, on SQLite and in memory")
struct SetAsideStoreTests {
    static func entry(_ name: String, bytes: Int, at date: Date) -> SetAsideMessage {
        SetAsideMessage(
            key: "<\(name)@example.org>", sender: "\(name)@example.org", subject: "about \(name)", reason: "names no ticket",
            source: "stdin", receivedAt: date, bytes: Array(repeating: UInt8(ascii: "x"), count: bytes))
    }

    @Test("kept once per key, listed oldest first without bytes, bounded by dropping the oldest", arguments: [false, true])
    func keepsAndBounds(inMemory: Bool) async throws {
        let test = try TestGateway(inMemory: inMemory)
        let store = test.store
        let start = amsterdam("2026-11-30 10:00")
        #expect(try await store.keepSetAside(Self.entry("a", bytes: 400, at: start), limit: 1000).isEmpty)
        #expect(try await store.keepSetAside(Self.entry("a", bytes: 400, at: start), limit: 1000).isEmpty)  // same key
        #expect(try await store.keepSetAside(Self.entry("b", bytes: 400, at: start.addingTimeInterval(60)), limit: 1000).isEmpty)
        let dropped = try await store.keepSetAside(Self.entry("c", bytes: 400, at: start.addingTimeInterval(120)), limit: 1000)
        #expect(dropped.map(\.key) == ["<a@example.org>"])
        let listed = try await store.setAsideMessages()
        #expect(listed.map(\.key) == ["<b@example.org>", "<c@example.org>"])
        #expect(listed.allSatisfy { $0.bytes.isEmpty && $0.size == 400 })
        let b = try #require(listed.first?.id)
        #expect(try await store.setAsideMessage(b)?.bytes.count == 400)
        // the newest is kept even when it alone exceeds the bound
        let big = try await store.keepSetAside(Self.entry("d", bytes: 5000, at: start.addingTimeInterval(180)), limit: 1000)
        #expect(big.map(\.key) == ["<b@example.org>", "<c@example.org>"])
        #expect(try await store.setAsideMessages().map(\.key) == ["<d@example.org>"])
    }

    @Test("dropped with forgettingSeen, its message may be ingested again", arguments: [false, true])
    func dropForgetsSeen(inMemory: Bool) async throws {
        let test = try TestGateway(inMemory: inMemory)
        let store = test.store
        let now = amsterdam("2026-11-30 10:00")
        try await store.recordSeen(SeenMessage(key: "<a@example.org>", ticket: nil, sender: nil, disposition: "set-aside"), at: now, outbox: [])
        _ = try await store.keepSetAside(Self.entry("a", bytes: 10, at: now), limit: 1000)
        let id = try #require(try await store.setAsideMessages().first?.id)
        #expect(try await store.dropSetAside(id, forgettingSeen: true))
        #expect(try await store.hasSeen("<a@example.org>") == false)
        #expect(try await store.setAsideMessages().isEmpty)
        #expect(try await store.dropSetAside(id, forgettingSeen: false) == false)
    }
}
