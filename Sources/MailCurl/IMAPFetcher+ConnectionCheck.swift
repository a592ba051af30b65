import Foundation

extension IMAPFetcher {
    /// Logs in with the configured TLS settings and credentials, selects `mailbox` and logs out, on a session like
    /// the ones `run` fetches with.
    public static func checkConnection(_ configuration: IMAPConfiguration, mailbox: String) async -> ConnectionCheck {
        await OwnThread.run("imap check \(configuration.server)") {
            do throws(CurlError) {
                let session = try IMAPSession(configuration: configuration)
                let capabilities = try session.capabilities()
                _ = try session.command("NOOP", mailbox: mailbox)
                let tls = configuration.isImplicitTLS || capabilities.contains("STARTTLS") ? "" : " (no STARTTLS offered)"
                return ConnectionCheck(.ok, "\(configuration.server): logged in as \(configuration.credentials.username), \(mailbox) selected\(tls)")
            } catch {
                return ConnectionCheck.failure(error, server: configuration.server)
            }
        }
    }
}
