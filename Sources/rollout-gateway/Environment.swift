import Foundation
import Logging
import MailMaildir
import RolloutCore
import RolloutGateway
import StoreSQLite

/// The composition root: configuration, store, clock, hooks and templates wired into a ``Gateway``.
struct Environment {
    let configuration: GatewayConfiguration
    let gateway: Gateway

    init(_ options: GlobalOptions, label: String) throws {
        var logger = Logger(label: "rollout-gateway") { KeyValueLogHandler(label: $0) }
        logger.logLevel = options.verbose ? .debug : .info
        logger[metadataKey: "run"] = "\(label)"
        let configuration = try GatewayConfiguration.load(from: options.configurationPath)
        self.configuration = configuration
        let templates = try TemplateLibrary(overridesIn: configuration.templatesDirectory)
        let clock = try options.fixedNow().map(DateSource.constant) ?? .system
        let store = try SQLiteTicketStore(path: configuration.storePath, maxDeliveryAttempts: configuration.maxDeliveryAttempts)
        gateway = Gateway(
            configuration: configuration, store: store,
            hooks: ProcessHookRunner(commands: configuration.hooks, timeoutSeconds: configuration.hookTimeoutSeconds),
            clock: clock, templates: templates, logger: logger,
            signer: try configuration.secretFile.map { path in
                try ReplyAddressSigner(secret: ReplyAddressSigner.secret(fromFile: path), base: configuration.address)
            })
    }
}
