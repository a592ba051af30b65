import Foundation

extension SMTPTransport {
    /// Greets, says EHLO, STARTTLS and AUTH as `send` would, and quits: no mail is sent.
    public static func checkConnection(_ configuration: SMTPConfiguration) async -> ConnectionCheck {
        await OwnThread.run("smtp check \(configuration.server)") {
            do throws(CurlError) {
                try SMTPLoginProbe(configuration: configuration).perform()
                let login = configuration.credentials.map { " and logged in as \($0.username)" } ?? " (no login configured)"
                return ConnectionCheck(.ok, "\(configuration.server): greeted\(login), starttls \(configuration.startTLS.rawValue)")
            } catch {
                return ConnectionCheck.failure(error, server: configuration.server)
            }
        }
    }
}
