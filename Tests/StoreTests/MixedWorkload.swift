import Foundation
import Logging
import MailGMime
import RolloutCore
import RolloutGateway
import TestSupport
import Testing

/// Issue 19's mixed workload, the same on every driver: `tickets` staged rollouts with `teams` teams of one member
/// each (as benchmarks/staged-ticket.sh's `stage_many_tickets` stages them), then `count` mails written by
/// benchmarks/generate_replies.py --mixed (seeded): accept, reject, downtime, ggus and plain conversation (relayed)
/// from the teams, extend from a stack manager, reports, duplicates. Run through the real ``Ingest`` and
/// ``IngestLoop`` with a ``TestClock``: the clock moves on by an uneven step (not whole milliseconds) after every
/// `chunk` messages, the same times on every driver, whatever its group size.
struct MixedWorkload: Sendable, CustomTestStringConvertible {
    var name: String
    var seed = 19
    var teams = 48
    var tickets = 24
    var count = 512
    /// A group of 64 fills before the clock moves.
    var chunk = 64
    /// How far the clock moves after each chunk: 10 minutes and a fraction of a millisecond, so that the hour windows
    /// (answers, relays) slide over the run and a stored time may be rounded.
    var step: TimeInterval = 600.123_456_7
    /// `inbound.replies_per_hour`.
    var repliesPerHour = 1_000_000_000

    var testDescription: String { name }

    /// Every command mail answered: 48 teams over 24 tickets, the answer limit raised.
    static let spread = MixedWorkload(name: "spread")
    /// Each sender writes often: one team per ticket, at most 6 answers a sender and hour, 5 relays (the default): the
    /// hour windows decide what is answered and relayed. The clock moves by whole 10 minutes from a time with a
    /// fraction of a microsecond, so that the last chunk falls exactly an hour after the first: the window's edge lies
    /// on times each driver stored with its own precision.
    static let dense = MixedWorkload(name: "dense", seed: 20, teams: 24, count: 448, step: 600, repliesPerHour: 6)

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let managers = EmailAddress("mario.david@lip.example.org")

    /// The mails, in the order they are handed over (written by the benchmark's generator; fails without python3).
    func messages() throws -> [[UInt8]] {
        let folder = NSTemporaryDirectory() + "rollout-mixed-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let python = try ChildProcess.run(
            "/usr/bin/python3",
            [
                Self.repository.appendingPathComponent("benchmarks/generate_replies.py").path, "--mixed", "\(seed)", "\(teams)", "\(tickets)",
                "\(count)", folder,
            ])
        guard python.status == 0 else { throw WorkloadError(description: "generate_replies.py --mixed exited \(python.status): \(python.errors)") }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/new").sorted()
        guard names.count == count else { throw WorkloadError(description: "generate_replies.py wrote \(names.count) mails, not \(count)") }
        return try names.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/new/" + $0))) }
    }

    /// The demo configuration with the bench teams, every command mail answered.
    func configuration() throws -> GatewayConfiguration {
        let demo = Self.repository.appendingPathComponent("fixtures/demo/gateway.yaml")
        var text = try String(contentsOf: demo, encoding: .utf8)
        let benchTeams = (0..<teams).map { "  ea-NGI_BENCH-SITE\($0):\n    members: [bench.\($0)@site-\($0).example.org]\n    stacks: [EMI]\n" }
        text = text.replacingOccurrences(of: "\nteams:\n", with: "\nteams:\n" + benchTeams.joined())
            .replacingOccurrences(of: "sqlite: ../../demo-out/gateway.sqlite", with: "sqlite: \(NSTemporaryDirectory())unused.sqlite")
        text += "\ninbound:\n  replies_per_hour: \(repliesPerHour)\n"
        return try GatewayConfiguration.parse(text, file: demo.path)
    }

    /// Stages the tickets, ingests `messages` in groups of `groupSize`, and gives what the loop did.
    func run(_ messages: [[UInt8]], on store: any TicketStore, groupSize: Int) async throws -> (report: IngestLoop<ListIngestSource>.Report, source: ListIngestSource) {
        let configuration = try configuration()
        let clock = TestClock(Self.date("2026-11-27T10:00:00.250+01:00"))
        var logger = Logger(label: "mixed-workload")
        logger.logLevel = .critical
        let gateway = Gateway(
            configuration: configuration, store: store, hooks: NoHooks(), clock: clock.source, templates: try TemplateLibrary(),
            logger: logger, signer: try configuration.replyAddressSigner(), writer: GMimeMessageWriter())
        for j in 0..<tickets {
            let release = try await gateway.createRelease(
                ComponentRelease(stack: "EMI-1.0", component: "SE-bench-\(j)", version: "1.0-1", os: "SL5", architecture: "x86_64"),
                links: ReleaseLinks(releaseNotes: "a", fixedBugs: "b", documentation: "c"))
            let staged = try await gateway.stageRelease(release.id, operatorName: "test")
            let rollout = try require(staged.createdTicket, "staged ticket \(j)")
            let assigned = stride(from: j, to: teams, by: tickets).map { "NGI_BENCH-SITE\($0)" }
            _ = try await gateway.apply(
                to: rollout, sender: Sender(address: Self.managers, authentication: .weak), text: "assign " + assigned.joined(separator: " "),
                cause: .operatorAction("test set-up"))
        }
        clock.now = Self.date("2026-11-30T16:05:00.123+01:00").addingTimeInterval(0.000_456_7)
        let source = ListIngestSource()
        let loop = IngestLoop(ingest: Ingest(gateway: gateway, parser: GMimeMailParser()), source: source, groupSize: groupSize)
        try await loop.run {
            for (index, bytes) in messages.enumerated() {
                if index > 0, index % chunk == 0 {
                    try await loop.settle()
                    clock.now = clock.now.addingTimeInterval(step)
                }
                try await loop.add(index, size: bytes.count, source: "mixed \(index)") { bytes }
            }
        }
        return (loop.report, source)
    }

    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)!
    }

    struct WorkloadError: Error, CustomStringConvertible {
        let description: String
    }
}
