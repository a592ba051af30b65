import Crypto
import Foundation
import RolloutCore

/// Signed reply addresses, `<local>+<token>@<domain>` (SPEC §5 "Threading", "How sure we are of the sender").
///
/// Each person gets a token of their own: `t12-p3fa9-<ticket MAC><recipient MAC>`. The ticket MAC names the ticket;
/// the recipient MAC binds it to the address the copy went to, so the token makes strong only a reply from that very
/// address. A list's copy gets `t12-l3fa9-<ticket MAC>`: it names the ticket and makes nobody strong, however many
/// people read the list. `3fa9` names the key: the first key signs, every configured key verifies, so keys can be
/// rotated. MACs are HMAC-SHA256, truncated, compared in constant time.
public struct ReplyAddressSigner: Sendable {
    /// One secret with its short public name.
    struct Key: Sendable {
        let secret: [UInt8]
        let id: String

        init(_ bytes: [UInt8]) {
            secret = bytes
            id = SHA256Hex.hex(Array(SHA256.hash(data: Array("rollout-gateway key id:".utf8) + bytes).prefix(2)))
        }

        func mac(_ text: String, bytes: Int) -> String {
            SHA256Hex.hex(Array(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: secret)).prefix(bytes)))
        }
    }

    /// Newest first; the bounce addresses (``BounceAddress``) are signed with the same keys.
    let keys: [Key]
    /// The keys before this scheme signed `t<N>-<16 hex>` for the whole ticket: still read, as list tokens.
    private let legacyKeys: [[UInt8]]
    public let base: EmailAddress

    /// - Parameters:
    ///   - secrets: the keys, newest first (each at least 16 bytes), read from files; never from the configuration.
    ///   - base: the gateway's plain address; its local part and domain frame the token.
    public init(secrets: [[UInt8]], base: EmailAddress) throws {
        guard !secrets.isEmpty else { throw GatewayError.invalidInput("no reply-address secret given") }
        for secret in secrets where secret.count < 16 {
            throw GatewayError.invalidInput("a reply-address secret is \(secret.count) bytes; expected at least 16 random bytes")
        }
        self.keys = secrets.map(Key.init)
        self.legacyKeys = secrets
        self.base = base
    }

    /// One key.
    public init(secret: [UInt8], base: EmailAddress) throws {
        try self.init(secrets: [secret], base: base)
    }

    /// Reads a secret from a file (surrounding white space ignored).
    public static func secret(fromFile path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else {
            throw GatewayError.invalidInput("cannot read the reply-address secret file \(path); expected a readable file of at least 16 random bytes")
        }
        var bytes = [UInt8](data)
        let blank: Set<UInt8> = [0x0A, 0x0D, 0x20, 0x09]
        while let last = bytes.last, blank.contains(last) { bytes.removeLast() }
        while let first = bytes.first, blank.contains(first) { bytes.removeFirst() }
        guard bytes.count >= 16 else {
            throw GatewayError.invalidInput("the reply-address secret file \(path) holds \(bytes.count) bytes; expected at least 16 random bytes")
        }
        guard Set(bytes).count > 1 else {
            throw GatewayError.invalidInput("the reply-address secret file \(path) repeats one byte; expected random bytes (head -c 32 /dev/urandom)")
        }
        return bytes
    }

    var localPart: String { String(base.value.split(separator: "@").first ?? "") }

    private func ticketMAC(_ key: Key, _ ticket: TicketID) -> String { key.mac("ticket:\(ticket.rawValue)", bytes: 6) }

    private func recipientMAC(_ key: Key, _ ticket: TicketID, _ recipient: EmailAddress) -> String {
        key.mac("ticket:\(ticket.rawValue)|to:\(recipient.key)", bytes: 6)
    }

    /// The reply address issued to one person: `staged-rollout+t12-p3fa9-<24 hex digits>@rollout.example.org`.
    public func address(for ticket: TicketID, recipient: EmailAddress) -> EmailAddress {
        let key = keys[0]
        let token = "t\(ticket.rawValue)-p\(key.id)-\(ticketMAC(key, ticket))\(recipientMAC(key, ticket, recipient))"
        return EmailAddress("\(localPart)+\(token)@\(base.domain)")
    }

    /// The reply address put on a list's copy: names the ticket, makes nobody strong.
    public func listAddress(for ticket: TicketID) -> EmailAddress {
        let key = keys[0]
        return EmailAddress("\(localPart)+t\(ticket.rawValue)-l\(key.id)-\(ticketMAC(key, ticket))@\(base.domain)")
    }

    /// What an address says about the ticket and the sender.
    public enum Reading: Equatable, Sendable {
        /// Not one of our signed addresses (another address, or our plain one).
        case notSigned
        /// A person's token: `issuedToSender` when it was issued to the address the message came from.
        case person(TicketID, issuedToSender: Bool)
        /// A list's token, or one signed before tokens were per person: the ticket only.
        case list(TicketID)
        /// Our local part and domain with a token that does not verify under any configured key (mangled, forged,
        /// or signed with a key since removed).
        case invalid(String)

        public var ticket: TicketID? {
            switch self {
            case .person(let ticket, _), .list(let ticket): ticket
            case .notSigned, .invalid: nil
            }
        }
    }

    /// Checks an address against the configured keys, comparing in constant time.
    ///
    /// - Parameter sender: the address the message came from, checked against a person's token.
    public func read(_ address: EmailAddress, sender: EmailAddress?) -> Reading {
        let parts = address.value.lowercased().split(separator: "@")
        guard parts.count == 2, String(parts[1]) == base.domain.lowercased(),
            let plus = parts[0].firstIndex(of: "+"), String(parts[0][..<plus]) == localPart.lowercased()
        else { return .notSigned }
        let token = String(parts[0][parts[0].index(after: plus)...])
        // A return path, signed (`b-`, ``BounceAddress``) or not (`bounces-`), is no reply token.
        if token.hasPrefix("bounces-") || token.hasPrefix(BounceAddress.prefix) { return .notSigned }
        let fields = token.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 2, fields[0].hasPrefix("t"), let number = Int(fields[0].dropFirst()), number > 0 else {
            return .invalid(token)
        }
        let ticket = TicketID(number)
        if fields.count == 2 { return readLegacy(ticket, mac: String(fields[1]), token: token) }
        guard fields.count == 3, let kind = fields[1].first, kind == "p" || kind == "l" else { return .invalid(token) }
        let keyID = String(fields[1].dropFirst())
        let mac = String(fields[2])
        for key in keys where key.id == keyID {
            let ticketPart = ticketMAC(key, ticket)
            if kind == "l" {
                if Self.equal(mac, ticketPart) { return .list(ticket) }
                continue
            }
            guard mac.count == 2 * ticketPart.count, Self.equal(String(mac.prefix(ticketPart.count)), ticketPart) else { continue }
            let issued = sender.map { Self.equal(String(mac.suffix(ticketPart.count)), recipientMAC(key, ticket, $0)) } ?? false
            return .person(ticket, issuedToSender: issued)
        }
        return .invalid(token)
    }

    private func readLegacy(_ ticket: TicketID, mac: String, token: String) -> Reading {
        for key in legacyKeys {
            let code = HMAC<SHA256>.authenticationCode(for: Data("ticket:\(ticket.rawValue)".utf8), using: SymmetricKey(data: key))
            if Self.equal(mac, SHA256Hex.hex(Array(code.prefix(8)))) { return .list(ticket) }
        }
        return .invalid(token)
    }

    /// Compares two strings in time independent of where they differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension GatewayConfiguration {
    /// The signer for the configured secret files, or nil when none is configured. The files were checked when the
    /// configuration was loaded.
    public func replyAddressSigner() throws -> ReplyAddressSigner? {
        guard !secretFiles.isEmpty else { return nil }
        return try ReplyAddressSigner(secrets: secretFiles.map(ReplyAddressSigner.secret(fromFile:)), base: address)
    }
}
