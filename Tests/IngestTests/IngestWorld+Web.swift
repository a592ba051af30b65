import ArchiveZIP
import RolloutGateway
import WebView

extension IngestWorld {
    /// The login proxy of the web tests: loopback, listed as trusted.
    static let webSettings = "web:\n  trusted_proxies: [127.0.0.1]\n"

    /// A world whose configuration lists the tests' proxy.
    static func web() async throws -> IngestWorld { try await IngestWorld(extra: webSettings) }

    /// The web view over this world's gateway (its store, clock and templates).
    func webApp() throws -> WebApp {
        WebApp(gateway: gateway, templates: try WebTemplates(overridesIn: configuration.templatesDirectory), archive: ZIPArchiveWriter())
    }

    /// A browser of `person` behind the proxy.
    func browser(_ person: String) throws -> WebClient { WebClient(try webApp(), person: person) }
}
