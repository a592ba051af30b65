import Foundation
import InMemoryLogging
import Logging
import MailGMime
import MailMaildir
import RolloutCore
import RolloutGateway
import StoreMemory
import StoreSQLite
import TestSupport

/// A scratch folder removed when the test ends.
final class ScratchFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "rollout-gateway-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { "\(path)/\(name)" }
}

/// The repository's fixtures folder, found from this file.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures").path

/// A configuration for tests: the demo's people, a store and outbox in a scratch folder.
func testConfigurationText(store: String, outbox: String, extra: String = "", hook: String? = nil) -> String {
    let hooks = hook.map { "hooks:\n  stage_rollout: [\($0)]\n  production: [\($0)]\n" } ?? ""
    return """
        gateway:
          address: staged-rollout@rollout.example.org
          name: EGI Staged Rollout
        store:
          sqlite: \(store)
        outbox:
          maildir: \(outbox)
        calendar:
          time_zone: Europe/Amsterdam
        \(hooks)release_managers: [release-manager@egi.example.org]
        stacks:
          EMI:
            managers: [mario.david@lip.example.org, joao.pina@lip.example.org]
            lists: [early-adopters-emi@lists.egi.example.org]
        teams:
          ea-NGI_IT-INFN-T1:
            members: [paolo.veronesi@cnaf.example.org]
            stacks: [EMI]
          ea-NGI_DE-FZK-LCG2:
            members: [pavel.weber@kit.example.org]
            stacks: [EMI]
        \(extra)
        """
}

/// A wall-clock time in Amsterdam.
func amsterdam(_ text: String) -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "Europe/Amsterdam")
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.date(from: text)!
}

/// Hooks recorded instead of run, or failing on purpose.
final class RecordingHooks: HookRunner, @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [HookRun.Hook] = []
    private var during: (@Sendable () async throws -> Void)?
    let failure: String?

    init(failure: String? = nil) { self.failure = failure }

    var ran: [HookRun.Hook] { lock.withLock { runs } }

    /// Runs `change` once, while the next production hook runs (another writer changing the ticket meanwhile: the
    /// hook takes minutes, and nothing holds the ticket during it).
    func meanwhile(_ change: @escaping @Sendable () async throws -> Void) { lock.withLock { during = change } }

    func run(_ hook: HookRun) async throws {
        if let failure { throw GatewayError.hookFailed(hook.hook, failure) }
        let change: (@Sendable () async throws -> Void)? = lock.withLock {
            runs.append(hook.hook)
            guard hook.hook == .production else { return nil }
            defer { during = nil }
            return during
        }
        try await change?()
    }
}

/// A gateway on a real SQLite file in a scratch folder (or on the in-memory driver), with a test clock and captured
/// logs.
struct TestGateway {
    let folder = ScratchFolder()
    let clock = TestClock(amsterdam("2026-11-26 09:00"))
    let logs = InMemoryLogHandler()
    let hooks: RecordingHooks
    let configuration: GatewayConfiguration
    let store: any TicketStore
    let gateway: Gateway

    init(extraConfiguration: String = "", hooks: RecordingHooks = RecordingHooks(), inMemory: Bool = false) throws {
        self.hooks = hooks
        let text = testConfigurationText(store: "gateway.sqlite", outbox: "outbox", extra: extraConfiguration)
        configuration = try GatewayConfiguration.parse(text, file: folder.file("gateway.yaml"))
        store = inMemory ? MemoryTicketStore() : try SQLiteTicketStore(path: configuration.storePath)
        let handler = logs
        var logger = Logger(label: "test") { _ in handler }
        logger.logLevel = .debug
        gateway = Gateway(
            configuration: configuration, store: store, hooks: hooks, clock: clock.source,
            templates: try TemplateLibrary(), logger: logger, writer: GMimeMessageWriter())
    }

    var maildir: MaildirTransport { MaildirTransport(root: configuration.outboxMaildir!) }

    /// Creates release #1 and stages it into staged-rollout ticket #2 at the clock's time.
    func staged() async throws -> TicketID {
        let release = try await gateway.createRelease(
            ComponentRelease(stack: "EMI-1.0", component: "SE-DPM_mysql", version: "1.8.0-1", os: "SL5", architecture: "x86_64"),
            links: ReleaseLinks(releaseNotes: "https://wiki.egi.eu/notes", fixedBugs: "https://bugs.example.org/1", documentation: "https://docs.example.org/dpm"))
        let report = try await gateway.stageRelease(release.id, operatorName: "tester")
        return report.createdTicket!
    }

    /// Applies `text` as mailed by `sender` at `time`; within `transaction` when one is given.
    func apply(
        _ text: String, to ticket: TicketID, as sender: String, at time: String, within transaction: (any StoreTransaction)? = nil
    ) async throws -> EventReport {
        clock.now = amsterdam(time)
        return try await (transaction.map { gateway.within($0, collecting: AfterCommit()) } ?? gateway).apply(
            to: ticket, sender: Sender(address: EmailAddress(sender), authentication: .weak), text: text,
            cause: .message(id: "<\(UUID().uuidString)@test>"))
    }

    /// The mail files delivered so far, as text.
    func delivered() throws -> [String] {
        let folder = configuration.outboxMaildir! + "/new"
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map {
            try String(contentsOfFile: "\(folder)/\($0)", encoding: .utf8)
        }
    }
}

extension String {
    /// The value of a header in a raw message (first occurrence, unfolded).
    func header(_ name: String) -> String? {
        let head = components(separatedBy: "\r\n\r\n").first ?? ""
        var value: String?
        for line in head.components(separatedBy: "\r\n") {
            if let current = value {
                if line.first == " " || line.first == "\t" { value = current + line; continue }
                return current
            }
            if line.lowercased().hasPrefix(name.lowercased() + ":") {
                value = String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
            }
        }
        return value
    }
}
