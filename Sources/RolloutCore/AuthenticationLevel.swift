import Foundation

/// How sure the gateway is of a sender (SPEC §5).
public enum AuthenticationLevel: String, Sendable, Codable, Equatable {
    /// The reply address issued to this sender, an aligned DKIM or DMARC pass from our own hosts, or a signature.
    case strong
    /// Only the From address vouches.
    case weak
    /// A local operator on the command line.
    case local
}
