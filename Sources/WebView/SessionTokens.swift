import Crypto
import Foundation
import RolloutCore
import RolloutGateway

/// The per-session CSRF token of the forms: a session is a random cookie the server hands out, and each form carries
/// HMAC-SHA256(key, session, person), so that a page of another site — which cannot read the cookie or the page —
/// cannot post in the person's name, and a token copied from one person's page does not work for another person.
/// The key lives as long as the process: a restart asks for a reload, nothing more.
public struct SessionTokens: Sendable {
    /// The HMAC key's bytes (SymmetricKey itself is not Sendable).
    private let key: [UInt8]

    /// The cookie that carries the session.
    public static let cookieName = "rollout_session"

    public init(key: [UInt8] = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) {
        self.key = key
    }

    /// A new session: 32 random bytes, hex.
    public static func newSession() -> String {
        var generator = SystemRandomNumberGenerator()
        return SHA256Hex.hex((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The token of the forms of `person` in `session`.
    public func token(session: String, person: EmailAddress) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(session)\u{0}\(person.key)".utf8), using: SymmetricKey(data: key))
        return SHA256Hex.hex(mac)
    }

    /// Whether a posted token is the one of this session and person (compared in constant time).
    public func verify(_ token: String, session: String, person: EmailAddress) -> Bool {
        let expected = Array(self.token(session: session, person: person).utf8)
        let given = Array(token.utf8)
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Whether a session value is one this server could have handed out (64 hex digits).
    public static func isWellFormed(_ session: String) -> Bool {
        session.utf8.count == 64 && session.allSatisfy(\.isHexDigit)
    }
}
