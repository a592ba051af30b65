import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// `serve`: Hummingbird 2 carrying every request to ``WebApp`` (the adapter: it reads the request, the app decides).
public struct WebServer: Sendable {
    public let app: WebApp
    public let logger: Logger
    /// The port to listen on instead of `web.listen`'s (0: any free one).
    public let port: Int?
    /// The most bytes of a posted form (a comment is text, not a report: reports come by mail).
    public static let maxBodyBytes = 256 * 1024
    /// How long a connection may send nothing, in a request or between requests, before it is closed: without it,
    /// anyone who can reach the port holds connections open (a request never finished) until `serve` accepts no one.
    public let idleTimeout: TimeAmount

    public init(app: WebApp, logger: Logger, port: Int? = nil, idleTimeout: TimeAmount = .seconds(30)) {
        self.app = app
        self.logger = logger
        self.port = port
        self.idleTimeout = idleTimeout
    }

    /// Serves on the configured `web.listen` until cancelled; `onRunning` is told the port bound (for tests on port 0).
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let settings = app.settings
        let web = app
        let responder = CallbackResponder<WebRequestContext> { request, context in
            var request = request
            let body = try await request.collectBody(upTo: Self.maxBodyBytes)
            var headers: [String: [String]] = [:]
            for field in request.headers { headers[field.name.canonicalName, default: []].append(field.value) }
            let query = WebRequest.decodeForm(request.uri.query ?? "").compactMapValues(\.first)
            let path = request.uri.path.removingPercentEncoding ?? request.uri.path
            let answer = await web.respond(
                to: WebRequest(
                    method: request.method.rawValue, path: path, query: query, headers: headers, peer: context.remoteAddress?.ipAddress,
                    body: Array(buffer: body)))
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        let application = Application(
            responder: responder,
            server: .http1(configuration: HTTP1Channel.Configuration(idleTimeout: idleTimeout)),
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: port ?? settings.port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.runService()
    }
}
