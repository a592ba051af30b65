import Foundation
import RolloutCore
import RolloutGateway
import StoreMemory
import TestSupport
import Testing

/// Issue 19: the same input means the same on every driver. The mixed workload (``MixedWorkload``) run on memory,
/// SQLite in groups of 1 and of 64, and PostgreSQL gives one canonical dump (``CanonicalDump``).
@Suite("Canonical dump: the mixed workload leaves the same store on every driver")
struct CanonicalDumpTests {
    /// One run of the workload: on which driver, in groups of how many messages.
    struct Run: Sendable, CustomTestStringConvertible {
        let driver: StoreDriver
        let groupSize: Int
        var testDescription: String { "\(driver.name), groups of \(groupSize)" }
    }

    static let workload = MixedWorkload.spread
    static let messages = Result { try workload.messages() }
    static let denseMessages = Result { try MixedWorkload.dense.messages() }

    /// The workload's store on `driver`, dumped.
    static func dump(_ run: Run, _ workload: MixedWorkload = workload) async throws
        -> (dump: CanonicalDump, report: IngestLoop<ListIngestSource>.Report, failures: [Int])
    {
        let store = try await run.driver.makePlace().open()
        let messages = workload.name == "dense" ? denseMessages : messages
        let (report, source) = try await workload.run(try messages.get(), on: store, groupSize: run.groupSize)
        let tables: [StoreTable] =
            if let memory = store as? MemoryTicketStore {
                memory.exportTables()
            } else {
                try await #require(store as? any StoreTransfer).exportTables()
            }
        return (try CanonicalDump(tables), report, await source.failed)
    }

    /// The references: memory, in groups of 64.
    static let reference = Task { try await dump(Run(driver: .memory, groupSize: 64)) }
    static let denseReference = Task { try await dump(Run(driver: .memory, groupSize: 64), .dense) }

    @Test("the reference run does what the workload promises: ≥ 20 tickets touched, every command answered, relays, reports, duplicates")
    func workloadCoversTheMix() async throws {
        let (dump, report, failures) = try await Self.reference.value
        #expect(failures.isEmpty)
        #expect(report.total == Self.workload.count)
        let history = dump.tables["history"] ?? []
        let touched = Set(history.filter { $0.contains("cause_kind=\"message\"") }.compactMap { $0.split(separator: " ").dropFirst().first })
        #expect(touched.count >= 20)
        for action in ["\"comment\"", "\"comment.held\"", "\"team.accepted\"", "\"team.rejected\"", "\"team.downtime\"", "\"ggus\"", "\"team.extended\"", "\"report\""] {
            #expect(history.contains { $0.contains("action=\(action)") }, "no history action \(action)")
        }
        let seen = dump.tables["messages_seen"] ?? []
        #expect(seen.contains { $0.contains("disposition=\"duplicate") }, "no duplicate")
        #expect(!(dump.tables["attachments"] ?? []).isEmpty, "no report kept")
        let transcripts = (dump.tables["outbox"] ?? []).filter { $0.contains("kind=\"transcript\"") }
        #expect(transcripts.count >= report.answered && report.answered > 0)
        print("mixed workload on memory: \(report.dispositions), answered \(report.answered); rows \(dump.rowCounts.sorted { $0.key < $1.key })")
    }

    static let runs = [
        Run(driver: .memory, groupSize: 1), Run(driver: .sqlite, groupSize: 1), Run(driver: .sqlite, groupSize: 64),
        Run(driver: .postgresql, groupSize: 64),
    ]

    @Test("the same canonical dump as memory's", arguments: [MixedWorkload.spread, .dense], runs)
    func sameDump(workload: MixedWorkload, run: Run) async throws {
        let reference = try await (workload.name == "dense" ? Self.denseReference : Self.reference).value
        let started = Date()
        let (dump, report, failures) = try await Self.dump(run, workload)
        print("\(workload.name) workload on \(run.testDescription): \(String(format: "%.1f", Date().timeIntervalSince(started))) s; rows \(dump.rowCounts.sorted { $0.key < $1.key })")
        #expect(failures == reference.failures)
        #expect(report.answered == reference.report.answered)
        let differences = dump.differences(from: reference.dump, names: (run.testDescription, "memory"))
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }
}
