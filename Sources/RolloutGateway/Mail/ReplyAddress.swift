import Crypto
import Foundation
import RolloutCore

/// Signed reply addresses, `<local>+<token>@<domain>` (SPEC §5): the token names the ticket and
/// carries an HMAC-SHA256 over it with a server secret, so a reply to it identifies its ticket even
/// without a subject tag, and a forged or altered token is recognised.
public struct ReplyAddressSigner: Sendable {
    private let secret: [UInt8]
    public let base: EmailAddress

    /// - Parameters:
    ///   - secret: the server secret (at least 16 bytes), read from a file; never from the configuration itself.
    ///   - base: the gateway's plain address; its local part and domain frame the token.
    public init(secret: [UInt8], base: EmailAddress) throws {
        guard secret.count >= 16 else {
            throw GatewayError.invalidInput("the reply-address secret is \(secret.count) bytes; expected at least 16 random bytes")
        }
        self.secret = secret
        self.base = base
    }

    /// Reads the secret from a file (surrounding white space ignored).
    public static func secret(fromFile path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayError.invalidInput("cannot read the reply-address secret file \(path); expected a readable file of at least 16 random bytes")
        }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
        return bytes
    }

    private var localPart: String { String(base.value.split(separator: "@").first ?? "") }

    private func signature(_ ticket: TicketID) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("ticket:\(ticket.rawValue)".utf8), using: SymmetricKey(data: secret))
        return mac.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The reply address for a ticket: `staged-rollout+t12-<16 hex digits>@rollout.example.org`.
    public func address(for ticket: TicketID) -> EmailAddress {
        EmailAddress("\(localPart)+t\(ticket.rawValue)-\(signature(ticket))@\(base.domain)")
    }

    /// What an address says about the ticket.
    public enum Reading: Equatable, Sendable {
        /// Not one of our signed addresses (another address, or our plain one).
        case notSigned
        case valid(TicketID)
        /// Our local part and domain with a token that does not verify.
        case forged(String)
    }

    /// Checks an address against this signer, comparing in constant time.
    public func read(_ address: EmailAddress) -> Reading {
        let parts = address.value.lowercased().split(separator: "@")
        guard parts.count == 2, String(parts[1]) == base.domain,
            let plus = parts[0].firstIndex(of: "+"), String(parts[0][..<plus]) == localPart.lowercased()
        else { return .notSigned }
        let token = String(parts[0][parts[0].index(after: plus)...])
        guard token.hasPrefix("t"), let dash = token.firstIndex(of: "-"),
            let number = Int(token[token.index(after: token.startIndex)..<dash]), number > 0
        else { return .forged(token) }
        let expected = Array(signature(TicketID(number)).utf8)
        let given = Array(token[token.index(after: dash)...].utf8)
        guard expected.count == given.count, zip(expected, given).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            return .forged(token)
        }
        return .valid(TicketID(number))
    }
}

extension GatewayConfiguration {
    /// The signer for the configured secret file, or nil when no secret is configured.
    public func replyAddressSigner() throws -> ReplyAddressSigner? {
        try secretFile.map { path in try ReplyAddressSigner(secret: ReplyAddressSigner.secret(fromFile: path), base: address) }
    }
}
