import Foundation
import MailCurl
import RolloutGateway

extension Environment {
    /// The SMTP adapter's settings for the configured server, its credentials read now.
    static func smtpConfiguration(_ configuration: GatewayConfiguration, _ smtp: MailServerSettings) throws -> SMTPConfiguration {
        do {
            let credentials =
                try smtp.credentialsFile.map { try SMTPConfiguration.credentials(fromFile: $0) }
                ?? SMTPConfiguration.credentials(fromEnvironment: ProcessInfo.processInfo.environment)
            return try SMTPConfiguration(
                url: smtp.url, ehloName: smtp.helo, startTLS: SMTPConfiguration.STARTTLSPolicy(rawValue: smtp.startTLS) ?? .required,
                credentials: credentials, verifyCertificates: smtp.verifyCertificates, caFile: smtp.caFile)
        } catch let error as SMTPConfigurationError {
            throw ConfigurationError(file: configuration.file, key: "smtp", line: nil, problem: error.message)
        }
    }

    /// The IMAP adapter's settings for the configured mailbox, its credentials read now.
    static func imapConfiguration(_ configuration: GatewayConfiguration, _ settings: MailServerSettings) throws -> IMAPConfiguration {
        do {
            let credentials =
                try settings.credentialsFile.map { path throws(IMAPConfigurationError) in try IMAPConfiguration.credentials(fromFile: path) }
                ?? IMAPConfiguration.credentials(fromEnvironment: ProcessInfo.processInfo.environment)
            guard let credentials else {
                throw IMAPConfigurationError("no IMAP credentials: set imap.credentials_file, or ROLLOUT_IMAP_USER and ROLLOUT_IMAP_PASSWORD")
            }
            return try IMAPConfiguration(
                url: settings.url, startTLS: IMAPConfiguration.STARTTLSPolicy(rawValue: settings.startTLS) ?? .required,
                credentials: credentials, verifyCertificates: settings.verifyCertificates, caFile: settings.caFile,
                processed: settings.processedKeyword.map { .keyword($0) } ?? .folder(settings.processedFolder ?? "processed"),
                quarantineFolder: settings.quarantineFolder, connections: settings.connections)
        } catch let error as IMAPConfigurationError {
            throw ConfigurationError(file: configuration.file, key: "imap", line: nil, problem: error.message)
        }
    }
}
