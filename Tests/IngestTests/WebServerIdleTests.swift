import Foundation
import Logging
import NIOCore
import Testing
import WebView

@Suite("The web server closes a connection that sends nothing")
struct WebServerIdleTests {
    /// Connects to 127.0.0.1:`port`, writes `text`, and waits up to `seconds` for the server to close the connection:
    /// true when it did (end of file), false when it was still open.
    static func closed(port: Int, after text: String, within seconds: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        _ = text.withCString { send(socket, $0, strlen($0), 0) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    @Test("a request begun and never finished, and a connection that never sent a byte, are closed after the idle timeout")
    func unfinishedRequest() async throws {
        let world = try await IngestWorld.web()
        defer { world.cleanUp() }
        let (bound, announce) = AsyncStream.makeStream(of: Int.self)
        let server = WebServer(app: try world.webApp(), logger: Logger(label: "test"), port: 0, idleTimeout: .seconds(1))
        let running = Task { try await server.run { port in announce.yield(port) } }
        defer { running.cancel() }
        var ports = bound.makeAsyncIterator()
        let port = try #require(await ports.next())
        #expect(Self.closed(port: port, after: "GET / HTTP/1.1\r\nHost: x\r\n", within: 10), "the half request's connection was left open")
        #expect(Self.closed(port: port, after: "", within: 10), "a connection that never sent a byte was left open")
    }
}
