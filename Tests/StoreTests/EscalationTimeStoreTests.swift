import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// One escalation per working day holds across messages only if every store keeps when the last one went.
@Suite("Store: the time of the last escalation is kept")
struct EscalationTimeStoreTests {
    @Test("escalate by hand twice on one working day, through the store: the second is unchanged", arguments: drivers)
    func lastEscalationKept(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let test = try GatewayOverStore(try await place.open())
        let (_, ticket) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-30 09:30")
        let first = try await test.apply("escalate", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-30 10:14")
        #expect(first.results.map(\.status) == [.applied])
        let stored = try #require(try await place.open().load(ticket)?.rolloutCase.rollout)
        #expect(stored.lastEscalationAt == amsterdam("2026-11-30 10:14"))
        let second = try await test.apply("escalate", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-30 11:00")
        #expect(second.results.map(\.status) == [.unchanged])
        #expect(second.results.first?.message.contains("today at 10:14") == true)
    }
}
