import Foundation
import RolloutGateway
import Testing
import WebView

/// Requests to a ``WebApp`` as the login proxy would carry them (from 127.0.0.1, the header set), keeping the
/// session cookie the app hands out.
final class WebClient: @unchecked Sendable {
    let app: WebApp
    let person: String
    let peer: String
    private(set) var cookie: String?

    init(_ app: WebApp, person: String, peer: String = "127.0.0.1") {
        self.app = app
        self.person = person
        self.peer = peer
    }

    func request(_ method: String, _ path: String, query: [String: String] = [:], form: [(String, String)] = []) async -> WebResponse {
        var headers = ["x-remote-user": [person]]
        if let cookie { headers["cookie"] = ["\(SessionTokens.cookieName)=\(cookie)"] }
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let response = await app.respond(
            to: WebRequest(method: method, path: path, query: query, headers: headers, peer: peer, body: Array(body.utf8)))
        if let set = response.header("Set-Cookie"), let value = set.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last {
            cookie = String(value)
        }
        return response
    }

    func get(_ path: String, query: [String: String] = [:]) async -> WebResponse { await request("GET", path, query: query) }

    /// Posts a form of the ticket page with the token the page carries.
    func post(_ ticket: Int, _ fields: [(String, String)]) async throws -> WebResponse {
        let page = await get("/tickets/\(ticket)")
        let token = try #require(Self.csrf(in: page.text), "the page carries a form token")
        return await request("POST", "/tickets/\(ticket)", form: [("csrf", token)] + fields)
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }
}
