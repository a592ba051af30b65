import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Postfix's `smtp-sink`, capturing each transaction to a file, with `-c` session counters on stdout.
final class SMTPSink: @unchecked Sendable {
    /// One captured transaction: smtp-sink's `X-…` headers, then the message as received (LF line ends).
    struct Capture {
        let text: String
        var heloArgs: String? { header("X-Helo-Args").first }
        var mailArgs: String? { header("X-Mail-Args").first }
        var rcptArgs: [String] { header("X-Rcpt-Args") }
        /// The message after smtp-sink's `Received:` header (3 lines).
        var message: String {
            let lines = text.components(separatedBy: "\n")
            guard let received = lines.firstIndex(where: { $0.hasPrefix("Received: ") }) else { return text }
            return lines[(received + 3)...].joined(separator: "\n")
        }
        func header(_ name: String) -> [String] {
            text.components(separatedBy: "\n").filter { $0.hasPrefix("\(name): ") }.map {
                String($0.dropFirst(name.count + 2))
            }
        }
    }

    let server: ServerProcess
    let dumpDirectory: URL
    private let marker = "sink-\(UUID().uuidString.prefix(8))"

    var port: Int { server.port }
    var url: String { "smtp://127.0.0.1:\(port)/gateway.example.org" }

    /// Starts smtp-sink; `options` adds misbehaviour (`-f MAIL`: hard-reject MAIL FROM, …).
    init(options: [String] = []) throws {
        let directory = try ServerFixtures.makeScratchDirectory("smtp-sink")
        dumpDirectory = directory.appendingPathComponent("dump")
        try FileManager.default.createDirectory(at: dumpDirectory, withIntermediateDirectories: true)
        guard chmod(dumpDirectory.path, 0o777) == 0 else { throw ServerFixtures.Failure("chmod dump directory") }
        let dump = dumpDirectory.path
        let marker = marker
        server = try ServerProcess.start(
            label: "smtp-sink", executable: "/usr/sbin/smtp-sink",
            arguments: { port, _ in
                (getuid() == 0 ? ["-u", "nobody"] : []) + options + ["-c", "-h", marker, "-d", "\(dump)/%Y%m%d%H%M%S.",
                                                            "127.0.0.1:\(port)", "64"]
            },
            greetingPrefixes: ["220 "], marker: marker, goodbye: "QUIT\r\n", directory: directory)
    }

    /// The transactions captured so far, in no particular order.
    func captures() -> [Capture] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dumpDirectory.path)) ?? []
        return names.sorted().compactMap {
            (try? String(contentsOfFile: dumpDirectory.appendingPathComponent($0).path, encoding: .utf8)).map(Capture.init)
        }
    }

    /// The latest `-c` counters: sessions ended, QUITs, messages (the greeting probe counts as one session).
    func counters() -> (sessions: Int, quits: Int, messages: Int) {
        let last = server.standardOutput().split(whereSeparator: { $0 == "\r" || $0 == "\n" }).last.map(String.init) ?? ""
        var values: [String: Int] = [:]
        for field in last.split(separator: " ") {
            let pair = field.split(separator: "=")
            if pair.count == 2, let value = Int(pair[1]) { values[String(pair[0])] = value }
        }
        return (values["sess"] ?? 0, values["quit"] ?? 0, values["mesg"] ?? 0)
    }

    func stop() { server.stop() }
}

/// `Tests/servers/misbehaving_smtp.py` under aiosmtpd: misbehaves as told, logs connections and messages.
final class MisbehavingSMTPServer: @unchecked Sendable {
    struct Event: Decodable {
        let event: String
        let peer: [PeerPart]?
        let mail_from: String?
        let rcpt_tos: [String]?
        let data: String?
        /// When the server logged it, in monotonic seconds.
        let at: Double?
    }

    enum PeerPart: Decodable {
        case text(String)
        case number(Int)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) { self = .number(number) } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    let server: ServerProcess
    private let logURL: URL

    var port: Int { server.port }
    var url: String { "smtp://127.0.0.1:\(port)/gateway.example.org" }

    /// Starts the script with the given behaviour flags (see its docstring).
    init(_ behaviour: [String]) throws {
        let directory = try ServerFixtures.makeScratchDirectory("aiosmtpd")
        let logURL = directory.appendingPathComponent("events.jsonl")
        self.logURL = logURL
        let script = ServerFixtures.serversDirectory.appendingPathComponent("misbehaving_smtp.py").path
        let marker = "mis-\(UUID().uuidString.prefix(8))"
        server = try ServerProcess.start(
            label: "aiosmtpd", executable: "/usr/bin/python3",
            arguments: { port, _ in
                [script, "--port", "\(port)", "--hostname", marker, "--log", logURL.path] + behaviour
            },
            greetingPrefixes: ["220 ", "421 ", "554 "], marker: marker, goodbye: "QUIT\r\n", directory: directory)
    }

    /// Everything logged so far; the first `connect` is the fixture's greeting probe.
    func events() -> [Event] {
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? decoder.decode(Event.self, from: Data($0.utf8)) }
    }

    /// The messages accepted so far.
    func messages() -> [Event] { events().filter { $0.event == "message" } }

    /// Connections made by clients other than the greeting probe.
    func clientConnections() -> Int { max(0, events().filter { $0.event == "connect" }.count - 1) }

    func stop() { server.stop() }
}
