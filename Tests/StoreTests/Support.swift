import Foundation
import Logging
import MailGMime
import RolloutCore
import RolloutGateway
import TestSupport

/// A wall-clock time in Amsterdam.
func amsterdam(_ text: String) -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "Europe/Amsterdam")
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.date(from: text)!
}

/// Hooks that do nothing.
struct NoHooks: HookRunner {
    func run(_ hook: HookRun) async throws {}
}

/// The demo's people; the store is the one given to the gateway, whatever this text names.
let configurationText = """
    gateway:
      address: staged-rollout@rollout.example.org
      name: EGI Staged Rollout
    store:
      sqlite: unused.sqlite
    calendar:
      time_zone: Europe/Amsterdam
    release_managers: [release-manager@egi.example.org]
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
    """

/// A gateway over a given store, with its own test clock.
struct GatewayOverStore {
    let store: any TicketStore
    let clock: TestClock
    let gateway: Gateway

    /// - Parameter extraConfiguration: appended to the configuration text (an `inbound:` section, say).
    init(
        _ store: any TicketStore, clock: TestClock = TestClock(amsterdam("2026-11-26 09:00")), hooks: any HookRunner = NoHooks(),
        extraConfiguration: String = ""
    ) throws {
        self.store = store
        self.clock = clock
        let configuration = try GatewayConfiguration.parse(
            configurationText + "\n" + extraConfiguration, file: NSTemporaryDirectory() + "store-tests.yaml")
        var logger = Logger(label: "store-tests")
        logger.logLevel = .error
        gateway = Gateway(
            configuration: configuration, store: store, hooks: hooks, clock: clock.source, templates: try TemplateLibrary(),
            logger: logger, writer: GMimeMessageWriter())
    }

    /// An ingest with this gateway's configuration and clock, working over `store` (a faulty one, say).
    func ingest(over store: any StoreTransaction & UnitOfWork, hooks: any HookRunner = NoHooks()) throws -> Ingest {
        Ingest(
            gateway: Gateway(
                configuration: gateway.configuration, store: store, hooks: hooks, clock: clock.source, templates: try TemplateLibrary(),
                logger: gateway.logger, writer: GMimeMessageWriter()),
            parser: GMimeMailParser())
    }

    /// Creates a release and stages it into a staged-rollout ticket; returns both numbers.
    func staged() async throws -> (release: TicketID, rollout: TicketID) {
        let release = try await gateway.createRelease(
            ComponentRelease(stack: "EMI-1.0", component: "SE-DPM_mysql", version: "1.8.0-1", os: "SL5", architecture: "x86_64"),
            links: ReleaseLinks(releaseNotes: "https://wiki.egi.eu/notes", fixedBugs: "https://bugs.example.org/1", documentation: "https://docs.example.org/dpm"))
        let report = try await gateway.stageRelease(release.id, operatorName: "tester")
        return (release.id, try require(report.createdTicket, "the staged-rollout ticket"))
    }

    @discardableResult
    func apply(_ text: String, to ticket: TicketID, as sender: String, at time: String, messageID: String? = nil) async throws -> EventReport {
        clock.now = amsterdam(time)
        let id = messageID ?? "<\(UUID().uuidString)@test>"
        return try await gateway.apply(
            to: ticket, sender: Sender(address: EmailAddress(sender), authentication: .strong), text: text, cause: .message(id: id),
            seen: messageID.map { SeenMessage(key: $0, ticket: ticket, sender: EmailAddress(sender), disposition: .message(.applied, reason: nil)) })
    }
}

/// `#require` outside a test function's body.
func require<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw RequireFailure(description: "\(what) is missing") }
    return value
}

struct RequireFailure: Error, CustomStringConvertible {
    let description: String
}
