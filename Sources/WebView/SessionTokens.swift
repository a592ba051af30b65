import Crypto
import Foundation
import RolloutCore
import RolloutGateway

/// The tokens of the forms: a session is a random cookie the server hands out, and each page's forms carry a token of
/// their own — the time it was issued, a random nonce, and HMAC-SHA256(key, session, person, time, nonce) — so that a
/// page of another site, which cannot read the cookie or the page, cannot post in the person's name; a token copied
/// from one person's page does not work for another person; and a page's form is acted on once: a token is spent by
/// its first post (a reload that sends the form again, or a captured request replayed, does nothing), and expires a day
/// after it was issued. The key and the spent tokens live as long as the process: a restart asks for a reload.
public struct SessionTokens: Sendable {
    /// The HMAC key's bytes (SymmetricKey itself is not Sendable).
    private let key: [UInt8]
    /// The nonces of tokens already posted, shared by every copy of this value.
    private let spent = SpentFormTokens()

    /// The cookie that carries the session.
    public static let cookieName = "rollout_session"
    /// How long a form's token may be posted after its page was made.
    public static let lifetime: TimeInterval = 24 * 3600

    /// What a posted token turned out to be.
    public enum Redemption: Sendable, Equatable {
        /// Issued to this session and person, within its lifetime, never posted before: now spent.
        case accepted
        /// Not one this server issued to this session and person.
        case foreign
        /// Older than ``lifetime``.
        case expired
        /// Posted before.
        case spent
    }

    public init(key: [UInt8] = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) {
        self.key = key
    }

    /// A new session: 32 random bytes, hex.
    public static func newSession() -> String { randomHex(bytes: 32) }

    /// A new token for one form of `person` in `session`, issued at `now`.
    public func token(session: String, person: EmailAddress, now: Date) -> String {
        let issued = String(Int(now.timeIntervalSince1970.rounded(.down)))
        let nonce = Self.randomHex(bytes: 16)
        return "\(issued).\(nonce).\(mac(session: session, person: person, issued: issued, nonce: nonce))"
    }

    /// Checks a posted token (its MAC compared in constant time) and, when it is good, spends it.
    public func redeem(_ token: String, session: String, person: EmailAddress, now: Date) -> Redemption {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0].utf8.count <= 12, let issued = Int(parts[0]), parts[1].utf8.count == 32 else { return .foreign }
        let expected = Array(mac(session: session, person: person, issued: parts[0], nonce: parts[1]).utf8)
        let given = Array(parts[2].utf8)
        guard given.count == expected.count, zip(given, expected).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else { return .foreign }
        let age = now.timeIntervalSince1970 - Double(issued)
        // A page from a few minutes "ahead" is a clock step, not an attack; one from further ahead was never issued.
        guard age <= Self.lifetime, age >= -300 else { return .expired }
        return spent.spend(parts[1], issued: issued, oldestKept: Int(now.timeIntervalSince1970 - Self.lifetime)) ? .accepted : .spent
    }

    /// Makes a token that ``redeem(_:session:person:now:)`` accepted postable again, when nothing was done with it.
    public func refund(_ token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return }
        spent.refund(String(parts[1]))
    }

    /// Whether a session value is one this server could have handed out (64 hex digits).
    public static func isWellFormed(_ session: String) -> Bool {
        session.utf8.count == 64 && session.allSatisfy(\.isHexDigit)
    }

    private func mac(session: String, person: EmailAddress, issued: String, nonce: String) -> String {
        let text = "\(session)\u{0}\(person.key)\u{0}\(issued)\u{0}\(nonce)"
        return SHA256Hex.hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: key)))
    }

    private static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return SHA256Hex.hex((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
