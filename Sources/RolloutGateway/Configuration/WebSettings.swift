import Foundation

/// The web view's settings (`web:`): where `serve` listens, and whom it believes about the person.
///
/// The person comes from a header that the operator's reverse proxy sets after its own login (EGI Check-in through
/// Apache mod_auth_openidc); the header is believed only on a connection from one of ``trustedProxies`` — never
/// from a client because it is local. Empty by default: nobody is believed until the operator lists the proxy.
public struct WebSettings: Sendable, Equatable {
    /// The address `serve` listens on.
    public var host: String
    public var port: Int
    /// The proxies' addresses, as IP literals in their canonical form (`127.0.0.1`, `::1`).
    public var trustedProxies: [String]
    /// The header that carries the person's mail address.
    public var userHeader: String

    public static let defaultUserHeader = "X-Remote-User"
    public static let defaults = WebSettings(host: "127.0.0.1", port: 8025, trustedProxies: [], userHeader: defaultUserHeader)

    public init(host: String, port: Int, trustedProxies: [String], userHeader: String) {
        self.host = host
        self.port = port
        self.trustedProxies = trustedProxies
        self.userHeader = userHeader
    }

    init(_ raw: ConfigurationFile.Web?) throws {
        self = .defaults
        guard let raw else { return }
        if let listen = raw.listen {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (1...65535).contains(port),
                let host = Self.canonicalAddress(String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
            else {
                throw ConfigurationProblem(["web", "listen"], "'\(listen)' is not an address to listen on; expected IP:PORT, e.g. 127.0.0.1:8025 or [::1]:8025")
            }
            self.host = host
            self.port = port
        }
        trustedProxies = try (raw.trustedProxies ?? []).enumerated().map { index, text in
            guard let address = Self.canonicalAddress(text.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationProblem(
                    ["web", "trusted_proxies", String(index)], "'\(text)' is not an IP address; expected the reverse proxy's address, e.g. 127.0.0.1")
            }
            return address
        }
        if let header = raw.userHeader {
            guard !header.isEmpty, header.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ConfigurationProblem(["web", "user_header"], "'\(header)' is not a header name; expected letters, digits and -, e.g. X-Remote-User")
            }
            userHeader = header
        }
    }

    /// An IP literal in the form the socket layer reports peers in, or nil when `text` is none (IPv4-mapped IPv6
    /// addresses are read as the IPv4 address they carry).
    public static func canonicalAddress(_ text: String) -> String? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return string(family: AF_INET, &v4, length: Int(INET_ADDRSTRLEN)) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let canonical = string(family: AF_INET6, &v6, length: Int(INET6_ADDRSTRLEN))
        if let canonical, canonical.hasPrefix("::ffff:"), canonical.contains(".") { return String(canonical.dropFirst("::ffff:".count)) }
        return canonical
    }

    private static func string(family: Int32, _ address: UnsafeRawPointer, length: Int) -> String? {
        var buffer = [CChar](repeating: 0, count: length)
        guard inet_ntop(family, address, &buffer, socklen_t(length)) != nil else { return nil }
        return String(cString: buffer)
    }
}
