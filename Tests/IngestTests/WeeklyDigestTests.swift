import Foundation
import RolloutCore
import RolloutGateway
import TestSupport
import Testing

/// The managers' weekly digest (issue 21 #3): `workflow.digest`, sent by `tick` once per week per manager.
@Suite("The weekly digest")
struct WeeklyDigestTests {
    static let digestConfig: @Sendable (String) -> String = {
        $0.replacingOccurrences(of: "\nworkflow:\n", with: "\nworkflow:\n  digest: {day: mon, time: \"09:00\"}\n")
    }

    static func digests(_ world: IngestWorld) async throws -> [OutgoingMessage] {
        try await world.store.pendingOutbox(at: world.clock.now.addingTimeInterval(86400 * 30), limit: 100_000).filter { $0.kind == .weeklyDigest }
    }

    @Test("the configuration: absent is off; a bad day or time is named")
    func configuration() async throws {
        let off = try await IngestWorld()
        defer { off.cleanUp() }
        #expect(off.configuration.digest == nil)
        let on = try await IngestWorld(edit: Self.digestConfig)
        defer { on.cleanUp() }
        #expect(on.configuration.digest == DigestSchedule(weekday: 2, hour: 9, minute: 0))
        for bad in ["{day: someday, time: \"09:00\"}", "{day: mon, time: \"9\"}", "{day: mon, time: \"25:00\"}"] {
            await #expect(throws: (any Error).self) {
                try await IngestWorld(edit: { $0.replacingOccurrences(of: "\nworkflow:\n", with: "\nworkflow:\n  digest: \(bad)\n") })
            }
        }
    }

    @Test("tick sends one digest per manager with something open, once per week; managers with nothing open get none")
    func oncePerWeek() async throws {
        let world = try await IngestWorld(edit: Self.digestConfig)
        defer { world.cleanUp() }
        // The world starts on Monday 2025-12-01 16:00 in Amsterdam: this week's digest (09:00) is due.
        _ = try await world.gateway.tick()
        var sent = try await Self.digests(world)
        // EMI-1.0's managers have ticket 12 open; no other stack has a rollout.
        #expect(Set(sent.flatMap(\.recipients)) == [EmailAddress("mario.david@lip.example.org"), EmailAddress("joao.pina@lip.example.org")])
        let text = String(decoding: try #require(sent.first).data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
        #expect(text.contains("#12 Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1"))
        #expect(text.contains("waits for answers from"))

        // Again the same week, an hour later: nothing more.
        world.clock.now = world.clock.now.addingTimeInterval(3600)
        let again = try await world.gateway.tick()
        #expect(again.digests.sent.isEmpty)
        #expect(try await Self.digests(world).count == 2)

        // The next Monday at 09:40: one more each, and the overdue answers counted.
        world.clock.now = world.clock.now.addingTimeInterval(7 * 86400 - 7 * 3600)
        _ = try await world.gateway.tick()
        sent = try await Self.digests(world)
        #expect(sent.count == 4)
        let second = String(decoding: sent[3].data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
        #expect(second.contains("overdue answers: 3"))
    }

    /// Runs SQL on the store's SQLite file from another connection (Python's sqlite3).
    static func sql(_ world: IngestWorld, _ statement: String) throws {
        let run = try ChildProcess.run(
            "/usr/bin/python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", world.configuration.storePath, statement])
        try #require(run.status == 0, "\(run.errors)")
    }

    @Test("the week's mark and the digest's outbox row commit together: when the row cannot be written, no mark is left (so the next tick sends it)")
    func markAndMailTogether() async throws {
        let world = try await IngestWorld(edit: Self.digestConfig)
        defer { world.cleanUp() }
        let manager = EmailAddress("mario.david@lip.example.org")
        // The store refuses the digest's outbox row, as a full disk or a crash at that write would.
        try Self.sql(world, "CREATE TRIGGER no_digest BEFORE INSERT ON outbox WHEN NEW.kind = 'weekly-digest' BEGIN SELECT RAISE(ABORT, 'no room'); END;")
        await #expect(throws: (any Error).self) { try await world.gateway.sendWeeklyDigests() }
        #expect(try await world.store.hasSeen("rg-weekly-digest 2025-12-01 \(manager.key)") == false)
        #expect(try await Self.digests(world).isEmpty)
    }
}
