import ArchiveZIP
import Foundation
import InMemoryLogging
import Logging
import MailGMime
import RolloutCore
import RolloutGateway
import StoreSQLite
import Synchronization
import TestSupport

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let corpus = repository.appendingPathComponent("fixtures/mail")

/// Every message file of the corpus, relative to it, sorted.
func corpusFiles() -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: corpus.path)
    var files: [String] = []
    while let path = enumerator?.nextObject() as? String {
        if path.hasSuffix(".eml") { files.append(path) }
    }
    return files.sorted()
}

/// A gateway on a scratch SQLite file with the demo's people, where ticket #12 is the staged rollout of
/// EMI-1.0 SE-DPM_mysql 1.8.0-1 (release #11) with three teams assigned — the ticket the corpus replies to.
struct IngestWorld {
    let folder: String
    let clock = TestClock(Date(timeIntervalSince1970: 1_764_600_000))  // 2025-12-01, a Monday
    let logs = InMemoryLogHandler()
    let configuration: GatewayConfiguration
    let store: SQLiteTicketStore
    let gateway: Gateway
    let ingest: Ingest

    static let managers = "mario.david@lip.example.org"

    /// - Parameters:
    ///   - routing: rules put first into the demo's `notifications:` list (`  - when: …\n    to: […]\n`).
    ///   - edit: a last change to the configuration text.
    ///   - groupCommits, busyTimeout: the store's (``SQLiteTicketStore/init(path:busyTimeout:maxDeliveryAttempts:groupCommits:clock:)``).
    ///   - writer: how composed mail becomes bytes (a ``SigningMessageWriter`` for `outbox.smime`).
    init(
        extra: String = "", extraGateway: String = "", routing: String = "", edit: (String) -> String = { $0 },
        hooks: any HookRunner = NoHooks(), groupCommits: Bool = false, busyTimeout: TimeInterval = 5,
        writer: any MessageWriter = GMimeMessageWriter()
    ) async throws {
        folder = NSTemporaryDirectory() + "rollout-ingest-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var text = try String(contentsOf: repository.appendingPathComponent("fixtures/demo/gateway.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "sqlite: ../../demo-out/gateway.sqlite", with: "sqlite: \(folder)/gateway.sqlite")
            .replacingOccurrences(of: "maildir: ../../demo-out/outbox", with: "maildir: \(folder)/outbox")
        text = text.replacingOccurrences(of: "  release_tag: sw-rel\n", with: "  release_tag: sw-rel\n" + extraGateway)
        text = text.replacingOccurrences(of: "\nnotifications:\n", with: "\nnotifications:\n" + routing)
        text += "\ninbound:\n  trusted_authserv_ids: [mx.rollout.example.org]\n" + extra
        text = edit(text)
        configuration = try GatewayConfiguration.parse(text, file: repository.appendingPathComponent("fixtures/demo/gateway.yaml").path)
        store = try SQLiteTicketStore(path: configuration.storePath, busyTimeout: busyTimeout, groupCommits: groupCommits)
        let handler = logs
        let clock = self.clock
        var gateway = Gateway(
            configuration: configuration, store: store, hooks: hooks, clock: DateSource { clock.now },
            templates: try TemplateLibrary(), logger: Logger(label: "test") { _ in handler },
            signer: try configuration.replyAddressSigner(), writer: writer)
        gateway.archiver = ZIPArchiveWriter()
        self.gateway = gateway
        ingest = Ingest(gateway: gateway, parser: GMimeMailParser())
        for _ in 1...10 { _ = try await store.reserveTicketID() }
        let release = try await gateway.createRelease(
            ComponentRelease(stack: "EMI-1.0", component: "SE-DPM_mysql", version: "1.8.0-1", os: "SL5", architecture: "x86_64"),
            links: ReleaseLinks(releaseNotes: "https://wiki.egi.eu/notes", fixedBugs: "https://bugs.example.org/1", documentation: "https://docs.example.org/dpm"))
        _ = try await gateway.stageRelease(release.id, operatorName: "tester")
        _ = try await gateway.apply(
            to: TicketID(12), sender: Sender(address: EmailAddress(Self.managers), authentication: .weak),
            text: "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon", cause: .operatorAction("test set-up"))
    }

    func raw(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: corpus.appendingPathComponent(file)))
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: folder) }
}

struct NoHooks: HookRunner {
    func run(_ hook: HookRun) async throws {}
}

/// `Date:` values for the test messages, one second apart from Mon, 01 Dec 2025 15:00:00 +0100 on: two messages of
/// one person are never the same mail (``ReplayIdentity`` takes sender, date and text together).
enum MessageDates {
    private static let counter = Mutex(0)

    static func next() -> String {
        let step = counter.withLock { value in
            value += 1
            return value
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 3600)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: Date(timeIntervalSince1970: 1_764_597_600 + TimeInterval(step)))
    }
}
