import RolloutCore
import RolloutGateway

/// Who a request of the web view comes from, decided from the connection's peer and the identity header alone (SPEC
/// §5 for the web: the operator's reverse proxy vouches for the person). Pure: the adapter hands the facts in.
///
/// The header is believed only on a connection from a listed proxy: a client that reaches `serve` directly — on
/// loopback too — could write any header it likes.
public enum WebIdentity: Equatable, Sendable {
    /// A person the configuration knows, vouched for by a trusted proxy.
    case person(EmailAddress)
    /// Not vouched for (HTTP 401), and why.
    case unauthenticated(String)
    /// Vouched for, but not anyone the gateway knows (HTTP 403), and why.
    case forbidden(String)

    /// - Parameters:
    ///   - peer: the connection's remote IP address, as the socket gives it (nil when it has none, a Unix socket).
    ///   - headerValues: every value of `settings.userHeader` in the request (a proxy that appends instead of
    ///     replacing would leave the client's own value beside its own: more than one is refused).
    public static func decide(peer: String?, headerValues: [String], settings: WebSettings, registry: Registry) -> WebIdentity {
        switch signedIn(peer: peer, headerValues: headerValues, settings: settings) {
        case .failure(let why): return .unauthenticated(why.text)
        case .success(let address):
            guard registry.knows(address) else {
                return .forbidden(
                    "\(address) is not a team member, a stack manager or a release manager in the gateway's configuration; ask the operator to add you")
            }
            return .person(address)
        }
    }

    /// Why a request is not signed in, as told to its client.
    public struct NotSignedIn: Error {
        public var text: String
    }

    /// The address the login proxy vouches for, before anyone's rights are read: the connection from a listed proxy,
    /// one header with one plain address.
    public static func signedIn(peer: String?, headerValues: [String], settings: WebSettings) -> Result<EmailAddress, NotSignedIn> {
        func refused(_ text: String) -> Result<EmailAddress, NotSignedIn> { .failure(NotSignedIn(text: text)) }
        guard let peer, let canonical = WebSettings.canonicalAddress(peer), settings.trustedProxies.contains(canonical) else {
            return refused(
                "this page is reached through the gateway's login proxy only; the connection came from \(peer ?? "an unknown address"), which web.trusted_proxies does not list"
            )
        }
        guard headerValues.count <= 1 else {
            return refused("the login proxy sent \(headerValues.count) \(settings.userHeader) headers; it must replace the client's, not add to it")
        }
        let value = headerValues.first?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !value.isEmpty else {
            return refused("the login proxy sent no \(settings.userHeader) header: sign in again")
        }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !value.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "<" || $0 == ">" || ($0.asciiValue ?? 32) < 32 })
        else {
            return refused("the login proxy's \(settings.userHeader) header is not a mail address; it must carry the person's address")
        }
        return .success(EmailAddress(value))
    }
}
