import Foundation

/// A request as the web view reads it, whatever server carried it: the adapter (``WebServer``) fills it in.
public struct WebRequest: Sendable {
    public var method: String
    /// The path, percent-decoded.
    public var path: String
    public var query: [String: String]
    /// Header values by lower-cased name, in the order they came.
    public var headers: [String: [String]]
    /// The connection's remote IP address.
    public var peer: String?
    /// The body of a POST (`application/x-www-form-urlencoded`).
    public var body: [UInt8]

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: [String]] = [:], peer: String?, body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.peer = peer
        self.body = body
    }

    public func header(_ name: String) -> [String] { headers[name.lowercased()] ?? [] }

    /// The value of a cookie, from every `Cookie` header.
    public func cookie(_ name: String) -> String? {
        for header in header("cookie") {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0] == name { return parts[1] }
            }
        }
        return nil
    }

    /// The posted form: each field's values in order (`teams=a&teams=b`); a field whose percent-encoding is broken
    /// is left out (the form then misses it and says so).
    public var form: [String: [String]] { Self.decodeForm(String(decoding: body, as: UTF8.self)) }

    /// Reads `application/x-www-form-urlencoded` text (also a query string).
    public static func decodeForm(_ text: String) -> [String: [String]] {
        var form: [String: [String]] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = parts[0], let value = parts.count == 2 ? parts[1] : "" else { continue }
            form[name, default: []].append(value)
        }
        return form
    }
}
