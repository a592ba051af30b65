import Foundation
import InMemoryLogging
import Logging
import MailGMime
import RolloutCore
import RolloutGateway
import StoreMemory
import TestSupport
import Testing

/// Takes every message, remembering each.
final class TakingTransport: MailTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var taken: [OutgoingMessage] = []
    var delivered: [OutgoingMessage] { lock.withLock { taken } }
    let name = "taking"
    func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        lock.withLock { taken += messages }
        return messages.map { _ in .delivered }
    }
    func delivered(to address: String) -> [OutgoingMessage] { delivered.filter { $0.recipients.contains(EmailAddress(address)) } }
}

/// The outbound volume caps at their defaults: a real rollout burst goes out in one run; an auto-responder storm is
/// held, visible per recipient, told to the managers with true numbers, and released by the operator.
@Suite("Volume caps at their defaults")
struct VolumeCapTests {
    static let manager = "mario.david@lip.example.org"
    static let otherManager = "joao.pina@lip.example.org"

    /// A gateway on the in-memory driver with `teams` EA teams of `members` people each, all assigned to ticket #2.
    struct World {
        let clock = TestClock(amsterdam("2026-11-26 09:00"))
        let logs = InMemoryLogHandler()
        let store = MemoryTicketStore()
        let gateway: Gateway
        let teams: Int
        let members: Int

        init(teams: Int, members: Int, routing: String = "") async throws {
            self.teams = teams
            self.members = members
            var text = """
                gateway:
                  address: staged-rollout@rollout.example.org
                store:
                  sqlite: unused.sqlite
                release_managers: [release-manager@egi.example.org]
                stacks:
                  EMI:
                    managers: [\(VolumeCapTests.manager), \(VolumeCapTests.otherManager)]
                    lists: [early-adopters-emi@lists.egi.example.org]
                teams:

                """
            for team in 1...teams {
                let people = (1...members).map { Self.person($0, team: team) }.joined(separator: ", ")
                text += "  ea-NGI_ZZ-SITE\(team): { members: [\(people)], stacks: [EMI] }\n"
            }
            text += routing
            let configuration = try GatewayConfiguration.parse(text, file: NSTemporaryDirectory() + "caps/gateway.yaml")
            let handler = logs
            gateway = Gateway(
                configuration: configuration, store: store, hooks: RecordingHooks(), clock: clock.source,
                templates: try TemplateLibrary(), logger: Logger(label: "test") { _ in handler }, writer: GMimeMessageWriter())
            let release = try await gateway.createRelease(
                ComponentRelease(stack: "EMI-1.0", component: "SE-DPM_mysql", version: "1.8.0-1"),
                links: ReleaseLinks(releaseNotes: "https://notes", fixedBugs: "https://bugs", documentation: "https://docs"))
            _ = try await gateway.stageRelease(release.id, operatorName: "tester")
            _ = try await gateway.apply(
                to: TicketID(2), sender: Sender(address: EmailAddress(VolumeCapTests.manager), authentication: .weak),
                text: (1...teams).map { "assign NGI_ZZ-SITE\($0)" }.joined(separator: "\n"), cause: .operatorAction("set-up"))
        }

        static func person(_ index: Int, team: Int) -> String { "person\(index).site\(team)@site\(team).example.org" }

        /// Mail from a team member, applied to ticket #2 at the clock's time.
        func reply(from person: String, _ text: String) async throws {
            _ = try await gateway.apply(
                to: TicketID(2), sender: Sender(address: EmailAddress(person), authentication: .weak), text: text,
                cause: .operatorAction("reply"))
        }
    }

    @Test("a burst of 200 replies from 100 people in 50 teams within the hour goes out in one run, nothing held")
    func burstGoesOut() async throws {
        // Given the set-up's mail sent, then 200 replies within an hour: each person accepts for their team, and
        // answers again (one in five with a comment, relayed to every watcher; the others repeat their acceptance)
        let world = try await World(teams: 50, members: 2)
        let transport = TakingTransport()
        _ = try await world.gateway.send(through: transport)
        let before = transport.delivered.count
        let start = world.clock.now
        var index = 0
        for team in 1...50 {
            for member in 1...2 {
                let person = World.person(member, team: team)
                world.clock.now = start.addingTimeInterval(Double(index) * 17)
                try await world.reply(from: person, "accept NGI_ZZ-SITE\(team)")
                world.clock.now = start.addingTimeInterval(Double(index) * 17 + 8)
                let again = index % 5 == 0 ? "Installed on our test node \(team)-\(member), no problems so far." : "accept NGI_ZZ-SITE\(team)"
                try await world.reply(from: person, again)
                index += 1
            }
        }
        let queued = try await world.store.outboxCounts().queued
        #expect(queued > 2_000, "per-person copies: each comment goes to every watcher")

        // When send runs at the end of the hour
        world.clock.now = start.addingTimeInterval(3500)
        let report = try await world.gateway.send(through: transport)

        // Then everything went out at once: nothing held, nothing left, no notice about caps
        #expect(report.held == 0 && report.heldMail.isEmpty)
        #expect(report.delivered == queued && report.stillQueued == 0)
        #expect(transport.delivered.count - before == queued)
        // each manager: 50 acceptances, over the old default of 30 a person, and 20 relays; the ticket: 2,000 relay
        // copies, over the old default of 200 a ticket
        let toManager = transport.delivered(to: Self.manager)
        #expect(toManager.filter { $0.kind == .notification(.teamAccepted) }.count == 50)
        #expect(toManager.filter { $0.kind == .notification(.conversation) }.count == 20)
        #expect(transport.delivered.filter { $0.kind == .notification(.conversation) }.count == 20 * 101)
        #expect(!transport.delivered.contains { $0.kind == .notification(.volumeCapped) })
    }

    @Test("an auto-responder storm hits the per-recipient cap: held mail is visible per recipient, told with true numbers, released after a look")
    func stormIsHeld() async throws {
        // Given relays routed to the managers, and 70 out-of-office responders answering five times each in the hour
        let world = try await World(
            teams: 70, members: 1, routing: "notifications:\n  - when: conversation\n    to: [managers]\n")
        let transport = TakingTransport()
        _ = try await world.gateway.send(through: transport)
        let start = world.clock.now
        for round in 1...5 {
            for team in 1...70 {
                world.clock.now = start.addingTimeInterval(Double((round - 1) * 70 + team) * 10)
                try await world.reply(from: World.person(1, team: team), "I am out of the office until Monday (auto-reply \(round)).")
            }
        }

        // When send runs
        world.clock.now = start.addingTimeInterval(3550)
        let report = try await world.gateway.send(through: transport)

        // Then each manager got 300 relays (the default cap), and 50 each wait, marked held and listed per recipient
        for manager in [Self.manager, Self.otherManager] {
            #expect(transport.delivered(to: manager).filter { $0.kind == .notification(.conversation) }.count == 300)
        }
        #expect(report.held == 100)
        #expect(report.heldMail.map(\.recipient.value).sorted() == [Self.otherManager, Self.manager].sorted())
        #expect(report.heldMail.allSatisfy { $0.count == 50 && $0.tickets == [TicketID(2)] })
        #expect(report.heldMail.allSatisfy { $0.nextTry == world.clock.now.addingTimeInterval(15 * 60) })
        #expect(report.heldMail[0].summary.contains(": 50 held (ticket #2), next try "))
        // in one log line, however many recipients
        let heldLines = world.logs.entries.filter { $0.message.description == "outbound mail held by the volume caps" }
        #expect(heldLines.count == 1)
        #expect(heldLines.first?.metadata["held"]?.description == "100" && heldLines.first?.metadata["recipients"]?.description == "2")
        // and the managers' notice gives the true number, all 100 held, and to whom
        let notices = transport.delivered.filter { $0.kind == .notification(.volumeCapped) }
        #expect(notices.count == 2)
        let notice = String(decoding: notices[0].data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
            .replacingOccurrences(of: "\r\n", with: " ")
        #expect(notice.contains("holds back 100 messages"), "\(notice)")
        #expect(notice.contains(Self.manager) && notice.contains(Self.otherManager))

        // When the operator releases one manager's held mail after looking
        let released = try await world.gateway.releaseHeld(to: EmailAddress(Self.manager))
        let after = try await world.gateway.send(through: transport, releasing: released)

        // Then those 50 go out whatever the caps say, the release is logged, the other manager's stay held
        #expect(released.count == 50 && after.released == 50 && after.held == 0)
        #expect(transport.delivered(to: Self.manager).filter { $0.kind == .notification(.conversation) }.count == 350)
        #expect(after.heldMail.map(\.recipient.value) == [Self.otherManager])
        let release = try #require(world.logs.entries.first { $0.message.description == "held mail released by the operator" })
        #expect(release.metadata["released"]?.description == "50")
        #expect(release.metadata["to"]?.description == Self.manager)
    }
}
