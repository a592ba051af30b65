import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The `rollout-gateway` binary as cron, systemd and an MTA run it: exit statuses, the run lock, the metrics file.
@Suite("The command line as cron, systemd and an MTA see it")
struct CLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built executable, beside the test bundle.
    static var binary: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("rollout-gateway").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return repository.appendingPathComponent(".build/debug/rollout-gateway").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        let result = try ChildProcess.run(binary, arguments, stdin: stdin, environment: environment)
        return Result(status: result.status, stdout: String(decoding: result.output, as: UTF8.self), stderr: result.errors)
    }

    /// A scratch configuration: the demo's people, a store and outbox in `folder`.
    static func configuration(in folder: URL, extra: String = "") throws -> String {
        var text = try String(contentsOf: repository.appendingPathComponent("fixtures/demo/gateway.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "sqlite: ../../demo-out/gateway.sqlite", with: "sqlite: \(folder.path)/gateway.sqlite")
            .replacingOccurrences(of: "maildir: ../../demo-out/outbox", with: "maildir: \(folder.path)/outbox")
            .replacingOccurrences(of: "./hooks/", with: repository.appendingPathComponent("fixtures/demo/hooks").path + "/")
        let path = folder.appendingPathComponent("gateway.yaml").path
        try (text + extra).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func scratch() throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("rollout-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("a configuration mistake exits 78 naming file, key and line; a refused command 65")
    func configurationErrorExit() throws {
        let folder = try Self.scratch()
        let broken = folder.appendingPathComponent("broken.yaml").path
        try "gateway:\n  address: staged-rollout@rollout.example.org\n  colour: blue\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let result = try Self.run(["config", "check", "--config", broken])
        #expect(result.status == 78)
        #expect(result.stderr.contains("\(broken):3: gateway.colour: unknown key"))
        // One message on standard input (an MTA's pipe): 75, so that the MTA keeps it queued instead of bouncing it.
        let piped = try Self.run(["ingest", "--config", broken], stdin: Data("From: a@b.example\r\nMessage-ID: <c@d>\r\n\r\nhi\r\n".utf8))
        #expect(piped.status == 75)
        #expect(piped.stderr.contains("\(broken):3: gateway.colour: unknown key"))
        let config = try Self.configuration(in: folder)
        try Self.run(["release", "new", "-c", config, "--stack", "CA", "--version", "1.38", "--release-notes", "a", "--fixed-bugs", "b", "--documentation", "c"], environment: ["RG_HOOK_LOG": folder.appendingPathComponent("hooks.log").path])
        let refused = try Self.run(["apply", "-c", config, "--ticket", "1", "--as", "someone@example.org", "resolve"])
        #expect(refused.status == 65)
        #expect(refused.stdout.contains("refused"))
    }

    @Test("a log line: UTC time to the second, level, message, then its metadata sorted by key, values with blanks quoted")
    func logLineForm() throws {
        let folder = try Self.scratch()
        let config = try Self.configuration(in: folder)
        let mail = Data("From: someone@elsewhere.example.org\r\nSubject: hello\r\nMessage-ID: <log@b>\r\n\r\nhello\r\n".utf8)
        let before = Date()
        let stored = try Self.run(["ingest", "-c", config], stdin: mail)
        let after = Date()
        let line = try #require(stored.stderr.split(separator: "\n").first { $0.contains(" message set-aside ") })
        let parts = line.split(separator: " ", maxSplits: 3)
        let time = try #require(ISO8601DateFormatter().date(from: String(parts[0])))
        #expect(parts[0].count == 20 && parts[0].hasSuffix("Z"), "\(line)")
        #expect(time >= before.addingTimeInterval(-1) && time <= after, "\(line)")
        #expect(parts[1] == "info" && parts[2] == "message")
        let fields = parts[3].dropFirst("set-aside ".count)
        // Keys are the words before a `=` that are not inside a quoted value.
        var keys: [Substring] = []
        var quoted = false
        for word in fields.split(separator: " ") {
            if !quoted, let equals = word.firstIndex(of: "=") { keys.append(word[..<equals]) }
            if word.filter({ $0 == "\"" }).count % 2 == 1 { quoted.toggle() }
        }
        #expect(keys == ["action", "kind", "message-id", "reason", "run", "sender", "ticket"], "the event's and the handler's (run), sorted: \(line)")
        #expect(fields.contains("message-id=<log@b>") && fields.contains("sender=someone@elsewhere.example.org"), "\(line)")
        #expect(fields.contains(#"reason=""#), "a reason with blanks is quoted: \(line)")
    }

    @Test("ingest on standard input: 0 when applied or set aside; 75 when the store cannot be used, so the MTA retries")
    func ingestExitStatus() throws {
        let folder = try Self.scratch()
        let config = try Self.configuration(in: folder)
        let mail = Data("From: someone@elsewhere.example.org\r\nSubject: hello\r\nMessage-ID: <a@b>\r\n\r\nhello\r\n".utf8)
        let stored = try Self.run(["ingest", "-c", config], stdin: mail)
        #expect(stored.status == 0)
        #expect(stored.stderr.contains("message set-aside"))
        // The store's folder is gone: a temporary failure for the MTA.
        let gone = try Self.configuration(in: folder).replacingOccurrences(of: "gateway.yaml", with: "gone.yaml")
        let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: folder.path + "/gateway.sqlite", with: "/nonexistent/gateway.sqlite")
        try text.write(toFile: gone, atomically: true, encoding: .utf8)
        let failed = try Self.run(["ingest", "-c", gone], stdin: mail)
        #expect(failed.status == 75)
        #expect(failed.stderr.contains("/nonexistent/gateway.sqlite"))
    }

    @Test("ingest on standard input: a row the store's schema refuses is the store's fault, 75 (never 70, which an MTA bounces); the message applies once the store is right")
    func ingestBrokenConstraintIsTemporary() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try Self.configuration(in: folder)
        let first = Data("From: someone@elsewhere.example.org\r\nSubject: hello\r\nMessage-ID: <first@b>\r\n\r\nhello\r\n".utf8)
        #expect(try Self.run(["ingest", "-c", config], stdin: first).status == 0)
        // A store that refuses a row: a trigger raising a constraint error on every message recorded.
        let database = folder.appendingPathComponent("gateway.sqlite").path
        func sqlite(_ statement: String) throws {
            let result = try ChildProcess.run("/usr/bin/sqlite3", [database, statement])
            #expect(result.status == 0, "sqlite3 \(statement): \(result.errors)")
        }
        try sqlite("CREATE TRIGGER refuse BEFORE INSERT ON messages_seen BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;")
        let second = Data("From: someone@elsewhere.example.org\r\nSubject: hello again\r\nMessage-ID: <second@b>\r\n\r\nhello\r\n".utf8)
        let refused = try Self.run(["ingest", "-c", config], stdin: second)
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(refused.stderr.contains("constraint"))
        try sqlite("DROP TRIGGER refuse;")
        let retried = try Self.run(["ingest", "-c", config], stdin: second)
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stderr.contains("message set-aside"))
    }

    @Test("send with a wrong SMTP password exits 78 with one line naming the server; the mail stays queued")
    func wrongSMTPPasswordExit() throws {
        let server = try MisbehavingSMTPServer(["--auth", "gateway:right-password"])
        defer { server.stop() }
        let folder = try Self.scratch()
        let credentials = folder.appendingPathComponent("smtp").path
        try "gateway:wrong".write(toFile: credentials, atomically: true, encoding: .utf8)
        let config = try Self.configuration(
            in: folder,
            extra: "\nsmtp:\n  url: smtp://127.0.0.1:\(server.port)\n  starttls: \"off\"\n  credentials_file: \(credentials)\n")
        let hooks = ["RG_HOOK_LOG": folder.appendingPathComponent("hooks.log").path]
        try Self.run(["release", "new", "-c", config, "--stack", "CA", "--version", "1.38", "--release-notes", "a", "--fixed-bugs", "b", "--documentation", "c"], environment: hooks)
        try Self.run(["release", "stage", "-c", config, "1"], environment: hooks)
        let send = try Self.run(["send", "-c", config])
        #expect(send.status == 78)
        let refusals = send.stderr.split(separator: "\n").filter { $0.contains("refused the session") }
        #expect(refusals.count == 1)
        #expect(refusals.first?.contains("smtp://127.0.0.1:\(server.port)") == true)
        #expect(!send.stderr.contains("wrong"))  // the password is not logged
        #expect(send.stdout.contains("failed 0"))
        #expect(server.messages().isEmpty)
        // The password fixed, the same mail goes out.
        try "gateway:right-password".write(toFile: credentials, atomically: true, encoding: .utf8)
        let again = try Self.run(["send", "-c", config])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!server.messages().isEmpty)
        #expect(again.stdout.contains("still queued 0"))
    }

    @Test("send killed while a message is in flight repeats that one message only: each delivery is recorded as it happens")
    func sendKilledRepeatsOnlyTheMessageInFlight() async throws {
        // Given the notifications of a staged and assigned ticket (four or more) and a server that takes two seconds to
        // answer each message's data
        let slow = try MisbehavingSMTPServer(["--slow-data", "2"])
        defer { slow.stop() }
        let folder = try Self.scratch()
        let hooks = ["RG_HOOK_LOG": folder.appendingPathComponent("hooks.log").path]
        let smtp = { (port: Int) in "\nsmtp:\n  url: smtp://127.0.0.1:\(port)\n  starttls: \"off\"\n" }
        let config = try Self.configuration(in: folder, extra: smtp(slow.port))
        try Self.run(["release", "new", "-c", config, "--stack", "EMI-1.0", "--component", "SE-DPM_mysql", "--version", "1.8.0-1", "--release-notes", "a", "--fixed-bugs", "b", "--documentation", "c"], environment: hooks)
        try Self.run(["release", "stage", "-c", config, "1"], environment: hooks)
        try Self.run(["apply", "-c", config, "--ticket", "2", "--as", "mario.david@lip.example.org", "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon"])
        // When send is killed while the server holds the third message's reply
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["send", "-c", config]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        // (a blocking wait: the test's own thread must not wait for a turn of the shared pool)
        while slow.messages().count < 3, Date() < deadline { usleep(20_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = slow.messages().compactMap(\.data).map(Self.messageID)
        #expect(before.count == 3, "the third message was not reached in time")
        // and send runs again to the end, against a prompt server
        let prompt = try MisbehavingSMTPServer([])
        defer { prompt.stop() }
        try (String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: ":\(slow.port)", with: ":\(prompt.port)"))
            .write(toFile: config, atomically: true, encoding: .utf8)
        let finish = try Self.run(["send", "-c", config])
        #expect(finish.status == 0, "\(finish.stderr)")
        // Then every notification arrived (none is left queued), and only the one in flight (the third) twice
        #expect(finish.stdout.contains("still queued 0"))
        let after = prompt.messages().compactMap(\.data).map(Self.messageID)
        #expect(Set(before + after).count >= 4)
        #expect(after.count == Set(before + after).count - 2)
        #expect(Set(before).intersection(after) == [before[2]])
    }

    /// The Message-ID header of a message's text.
    static func messageID(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix("message-id:") }.map(String.init) ?? ""
    }

    @Test("set-aside: a stranger's message on standard input is kept; list, show and drop it")
    func setAsideCommands() throws {
        let folder = try Self.scratch()
        let config = try Self.configuration(in: folder)
        let mail = "From: someone@elsewhere.example.org\r\nSubject: hello there\r\nMessage-ID: <kept@elsewhere.example.org>\r\n\r\nplease keep me\r\n"
        #expect(try Self.run(["ingest", "-c", config], stdin: Data(mail.utf8)).status == 0)
        let list = try Self.run(["set-aside", "list", "-c", config])
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("1\t") == true)
        #expect(lines.first?.contains("someone@elsewhere.example.org\thello there\t") == true)
        let json = try Self.run(["set-aside", "list", "--json", "-c", config])
        #expect(json.stdout.contains("\"source\" : \"stdin\""))
        let show = try Self.run(["set-aside", "show", "--raw", "-c", config, "1"])
        #expect(show.stdout == mail)
        // Through a pipe, as an operator pipes it to less: why it was set aside comes first, then the message.
        let described = try Self.run(["set-aside", "show", "-c", config, "1"])
        let reason = try #require(described.stdout.range(of: "Reason: "), "\(described.stdout)")
        let message = try #require(described.stdout.range(of: mail), "\(described.stdout)")
        #expect(reason.lowerBound < message.lowerBound)
        #expect(described.stdout.hasPrefix("Set aside: "))
        #expect(try Self.run(["set-aside", "replay", "-c", config, "7"]).status == 65)
        // Replayed while its cause remains, it is set aside again under the same number.
        #expect(try Self.run(["set-aside", "replay", "-c", config, "1"]).status == 65)
        let again = try Self.run(["set-aside", "list", "-c", config]).stdout.split(separator: "\n")
        #expect(again.count == 1)
        #expect(again.first?.hasPrefix("1\t") == true)
        #expect(try Self.run(["set-aside", "drop", "-c", config, "1"]).status == 0)
        #expect(try Self.run(["set-aside", "list", "-c", config]).stdout.isEmpty)
    }

    @Test("run: a second run waits for the lock, then exits 0 doing nothing; the metrics file is written atomically")
    func runLockAndMetrics() throws {
        let folder = try Self.scratch()
        let metrics = folder.appendingPathComponent("rollout_gateway.prom").path
        let config = try Self.configuration(in: folder, extra: "\nmetrics:\n  textfile: \(metrics)\n")
        let first = try Self.run(["run", "-c", config])
        #expect(first.status == 0)
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("# TYPE rollout_gateway_run_exit_status gauge\nrollout_gateway_run_exit_status 0"))
        #expect(text.contains("rollout_gateway_run_messages{disposition=\"applied\"} 0"))
        #expect(first.stderr.contains("run done"))

        // Hold the lock as a running cycle would.
        let lock = open(folder.appendingPathComponent("gateway.sqlite.lock").path, O_RDWR | O_CREAT, 0o600)
        #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
        let second = try Self.run(["run", "-c", config, "--wait", "1"])
        flock(lock, LOCK_UN)
        close(lock)
        #expect(second.status == 0)
        #expect(second.stderr.contains("another run holds the lock"))
    }

    @Test("the systemd units pass systemd-analyze verify")
    func systemdUnits() throws {
        let folder = try Self.scratch()
        let units = ["rollout-gateway.service", "rollout-gateway.timer", "rollout-gateway-web.service"]
        for unit in units {
            var text = try String(contentsOf: Self.repository.appendingPathComponent("systemd/\(unit)"), encoding: .utf8)
            // verify checks that ExecStart exists: point it at the built binary.
            text = text.replacingOccurrences(of: "/usr/local/bin/rollout-gateway", with: Self.binary)
            try text.write(to: folder.appendingPathComponent(unit), atomically: true, encoding: .utf8)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = ["verify"] + units.map { folder.appendingPathComponent($0).path }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.isEmpty, "\(output)")
    }

    @Test("serve with a configuration mistake exits 78, which the web unit does not restart on; a store outage it does")
    func webUnitStopsOnConfigurationError() throws {
        let folder = try Self.scratch()
        let broken = folder.appendingPathComponent("broken.yaml").path
        try "gateway:\n  address: staged-rollout@rollout.example.org\n  colour: blue\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let result = try Self.run(["serve", "--config", broken, "--port", "0"])
        #expect(result.status == 78, "\(result.stderr)")
        let unit = try String(contentsOf: Self.repository.appendingPathComponent("systemd/rollout-gateway-web.service"), encoding: .utf8)
        #expect(unit.contains("\nRestart=on-failure\n"))
        let prevented = unit.split(separator: "\n").filter { $0.hasPrefix("RestartPreventExitStatus=") }
            .flatMap { $0.dropFirst("RestartPreventExitStatus=".count).split(separator: " ").map(String.init) }
        #expect(prevented.contains(String(result.status)), "\(prevented)")
        // A store that cannot be reached may come back: those statuses stay restarted.
        #expect(!prevented.contains("74") && !prevented.contains("75"), "\(prevented)")
    }

    @Test("the README's command list names every command the binary has")
    func readmeCommandList() throws {
        let help = try Self.run(["--help"])
        #expect(help.status == 0)
        let listing: String = help.stdout.components(separatedBy: "SUBCOMMANDS:").last ?? ""
        var subcommands: [String] = []
        // A command's line is indented by two spaces; its description's continuation lines by more.
        for line in listing.split(separator: "\n") where line.hasPrefix("  ") && !line.hasPrefix("   ") {
            guard let word = line.split(separator: " ").first.map(String.init), !["help", "See"].contains(word) else { continue }
            subcommands.append(word)
        }
        #expect(subcommands.contains("run"))
        #expect(subcommands.count >= 12, "\(help.stdout)")
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Commands").dropFirst().first?.components(separatedBy: "\n## ").first)
        for name in subcommands { #expect(section.contains("rollout-gateway \(name) ") || section.contains("rollout-gateway \(name)\n"), "README lacks \(name)") }
    }
}
