import Foundation
internal import CCurl

/// What `config check --connect` found on one server: it answered and took the login, or the exact failure and
/// whether it is the configuration's (wrong password, TLS required and not offered, a bad certificate: 78) or
/// passing (a server down, a 4xx reply: 75).
public struct ConnectionCheck: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        case ok, configurationFailure, temporaryFailure
    }

    public let verdict: Verdict
    /// One line: what was done, or the failure in libcurl's (and the server's) words.
    public let detail: String

    public init(_ verdict: Verdict, _ detail: String) {
        self.verdict = verdict
        self.detail = detail
    }

    /// libcurl failures that the configuration must change to fix; every other one may pass by itself.
    static let configurationCodes: Set<UInt32> = [
        CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR, CURLE_USE_SSL_FAILED,
        CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CONNECT_ERROR,
        CURLE_REMOTE_FILE_NOT_FOUND,
    ].reduce(into: Set<UInt32>()) { $0.insert($1.rawValue) }

    /// The verdict on a libcurl failure: a 4xx reply is temporary whatever libcurl calls it (`454 4.7.0` to AUTH),
    /// a 5xx one the configuration's.
    static func failure(_ error: CurlError, server: String) -> ConnectionCheck {
        let detail = "\(server): \(error)"
        if (400...499).contains(error.responseCode) { return ConnectionCheck(.temporaryFailure, detail) }
        if (500...599).contains(error.responseCode) || configurationCodes.contains(error.code) {
            return ConnectionCheck(.configurationFailure, detail)
        }
        return ConnectionCheck(.temporaryFailure, detail)
    }

}
