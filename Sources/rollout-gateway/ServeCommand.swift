import ArchiveZIP
import ArgumentParser
import Foundation
import RolloutGateway
import WebView

/// `serve`: the ticket in a browser (issue 21 parts 4–5), behind the operator's login proxy.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web view: the rollouts, each ticket's page and the procedure's actions, behind a login proxy.",
        discussion: """
            Listens on web.listen (default 127.0.0.1:8025). The person comes from the header web.user_header, believed
            only on connections from an address of web.trusted_proxies (empty by default: every request is then
            refused with 401 until the operator lists the proxy). Actions go through the same workflow as mail.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "Listen on this port instead of web.listen's (0: any free port, printed on standard output).") var port: Int?

    func run() async throws {
        try await guarded {
            let environment = try await Environment(options, label: "serve")
            let gateway = environment.gateway
            let app = WebApp(
                gateway: gateway, templates: try WebTemplates(overridesIn: environment.configuration.templatesDirectory),
                archive: ZIPArchiveWriter(), registryNow: environment.registryNow)
            let settings = gateway.configuration.web
            if settings.trustedProxies.isEmpty {
                gateway.logger.warning("web.trusted_proxies is empty: every request will be refused (401) until the login proxy is listed")
            }
            try await WebServer(app: app, logger: gateway.logger, port: port).run { bound in
                let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
                // Written at once (not buffered): the tests and scripts wait for this line to learn the port.
                FileHandle.standardOutput.write(Data("serving http://\(host):\(bound)/\n".utf8))
            }
        }
    }
}
