import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// `set-aside replay` of a message that is set aside again keeps its number (issue 20): every store takes the number given.
@Suite("Store: a set-aside message kept again under its own number")
struct SetAsideNumberStoreTests {
    @Test("kept with its old number after a drop, it keeps it and its place; a new message still gets a new number", arguments: drivers)
    func keptUnderItsNumber(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let start = amsterdam("2026-11-30 10:00")
        for (offset, name) in ["a", "b", "c"].enumerated() {
            _ = try await store.keepSetAside(StoreConformanceTests.setAside(name, bytes: 10, at: start.addingTimeInterval(Double(offset) * 60)), limit: 1000)
        }
        let numbers = try await store.setAsideMessages().compactMap(\.id)
        #expect(numbers.count == 3)
        // As a replay does: dropped, then kept again (with the reason of now) under the same number.
        #expect(try await store.dropSetAside(numbers[1], forgettingSeen: true))
        var again = StoreConformanceTests.setAside("b", bytes: 12, at: start.addingTimeInterval(600))
        again.id = numbers[1]
        again.reason = "still names no ticket"
        #expect(try await store.keepSetAside(again, limit: 1000).isEmpty)
        let listed = try await store.setAsideMessages()
        #expect(listed.compactMap(\.id) == numbers)
        #expect(listed.map(\.key) == ["<a@example.org>", "<b@example.org>", "<c@example.org>"])
        #expect(try await store.setAsideMessage(numbers[1])?.reason == "still names no ticket")
        // A new message is numbered after all of them.
        _ = try await store.keepSetAside(StoreConformanceTests.setAside("d", bytes: 10, at: start.addingTimeInterval(700)), limit: 1000)
        let newest = try #require(try await store.setAsideMessages().last?.id)
        #expect(newest > numbers[2])
    }
}
