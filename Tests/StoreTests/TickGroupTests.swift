import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// `tick` fires its due timers in groups, one store transaction each with every firing nested in it (issue 24): a
/// firing that fails keeps nothing and leaves its timer due while the others of its group are kept. (Two instances
/// ticking at once, each timer fired once: `StoreConformanceTests` "a due timer fires once when two instances tick".)
@Suite("tick: due timers fired in groups")
struct TickGroupTests {
    static let mario = "mario.david@lip.example.org"

    /// A gateway with `test`'s configuration and clock, working over `store` (a faulty one, say).
    static func gateway(_ test: GatewayOverStore, over store: any StoreTransaction & UnitOfWork) throws -> Gateway {
        Gateway(
            configuration: test.gateway.configuration, store: store, hooks: NoHooks(), clock: test.clock.source,
            templates: try TemplateLibrary(), logger: test.gateway.logger, writer: GMimeMessageWriter())
    }

    /// A staged rollout with two teams assigned on Friday: at Monday 15:00 their two answer deadlines and the
    /// escalation are due.
    static func twoTeamsDue(_ test: GatewayOverStore) async throws -> TicketID {
        let (_, ticket) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: mario, at: "2026-11-27 15:00")
        test.clock.now = amsterdam("2026-11-30 15:00")
        return ticket
    }

    @Test("a firing that fails in a group keeps nothing and leaves its timer due; the others of the group are committed with their notifications", arguments: [RawStore.sqlite, .postgresql])
    func memberFails(raw: RawStore) async throws {
        // Given: three timers due, the firing of one team's answer deadline failing once it is written into its group
        let (store, execute) = try await raw.make()
        let test = try GatewayOverStore(store)
        let ticket = try await Self.twoTeamsDue(test)
        let due = try await store.timers(of: ticket)
        #expect(due.count == 3)
        let failing = try #require(due.first { $0.key.kind == .answerDeadline && $0.key.team?.description.contains("FZK") == true }?.key)
        let faulty = FaultyStore(inner: store) { write in
            if case .commit(let commit) = write { return commit.firedTimer == failing }
            return false
        }
        let queued = try await store.outboxCounts().queued
        let history = try await store.history(of: ticket).count

        // When: one tick fires them in one group
        let report = try await Self.gateway(test, over: faulty).tick(groupSize: 64)

        // Then: the other two fired with their notifications; the failed one is reported, kept nothing and is still due
        #expect(Set(report.fired.map(\.key)) == Set(due.map(\.key)).subtracting([failing]))
        #expect(report.failed.map(\.timer.key) == [failing])
        #expect(report.notifications > 0)
        #expect(try await store.outboxCounts().queued == queued + report.notifications)
        #expect(try await store.timers(of: ticket).contains { $0.key == failing })
        let afterFirst = try await store.history(of: ticket)
        #expect(afterFirst.dropFirst(history).filter { $0.action == .teamNoAnswer }.map { $0.detail.contains("FZK") } == [false])

        // And the control: the next tick (its claim freed on PostgreSQL) fires it, with its own notice
        if let release = raw.releaseClaims { try await execute(release) }
        let again = try await test.gateway.tick()
        #expect(again.fired.map(\.key) == [failing])
        #expect(again.failed.isEmpty && again.notifications > 0)
        #expect(try await store.outboxCounts().queued == queued + report.notifications + again.notifications)
        #expect(try await store.history(of: ticket).dropFirst(afterFirst.count).filter { $0.action == .teamNoAnswer }.map { $0.detail.contains("FZK") } == [true])
        #expect(try await !store.timers(of: ticket).contains { $0.key == failing })
    }

    @Test("groups smaller than the timers due fire every timer once, each group committed on its own", arguments: drivers)
    func smallGroups(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let ticket = try await Self.twoTeamsDue(test)
        let queued = try await store.outboxCounts().queued

        let report = try await test.gateway.tick(groupSize: 2)

        #expect(report.fired.count == 3 && report.failed.isEmpty)
        #expect(try await store.outboxCounts().queued == queued + report.notifications)
        // Only the escalation's repeat (the next working day) is left.
        #expect(try await store.timers(of: ticket).map(\.key.kind) == [.escalation])
        #expect(try await test.gateway.tick().fired.isEmpty)
    }
}
