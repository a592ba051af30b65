import Foundation
import RolloutCore
import RolloutGateway
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The hooks move packages between repositories: a hook is started with the release and nothing else of the gateway's
/// (no variable, no descriptor), its failure is reported with what it said, and one that hangs is ended together with
/// what it started.
@Suite("Hooks run as configured programs")
struct ProcessHookRunnerTests {
    let folder = NSTemporaryDirectory() + "rollout-hook-test-\(UUID().uuidString)"

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    static let run = HookRun(
        hook: .production,
        release: ReleaseTicket(
            id: TicketID(11),
            release: ComponentRelease(stack: "EMI-1.0", component: "SE-DPM_mysql", version: "1.8.0-1", os: "SL5", architecture: "x86_64"),
            links: ReleaseLinks(releaseNotes: "https://n.example.org", fixedBugs: "https://b.example.org", documentation: "https://d.example.org"),
            child: TicketID(12), outcome: .accept, createdAt: Date(timeIntervalSince1970: 1_795_788_000)))

    func runner(_ script: String, timeout: Int = 30) -> ProcessHookRunner {
        ProcessHookRunner(commands: [.production: ["/bin/sh", "-c", script]], timeoutSeconds: timeout)
    }

    @Test("a hook gets the release, PATH and the locale, and no other variable or descriptor of the gateway's")
    func environmentAndDescriptors() async throws {
        // A descriptor this process holds open without close-on-exec: a child that inherited it would list it.
        let marker = "\(folder)/marker-\(UUID().uuidString)"
        let held = open(marker, O_WRONLY | O_CREAT, 0o600)
        #expect(held >= 0)
        defer { close(held) }
        try await runner("env > '\(folder)/env'; ls -l /proc/$$/fd/ > '\(folder)/fds'").run(Self.run)

        let variables = try String(contentsOfFile: "\(folder)/env", encoding: .utf8).split(separator: "\n")
            .compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) }
        #expect(variables.contains("RG_VERSION") && variables.contains("RG_OUTCOME"))
        let allowed: Set<String> = ["PATH", "LANG", "LC_ALL", "TZ", "RG_HOOK_LOG", "PWD", "OLDPWD", "SHLVL", "_"]
        #expect(variables.filter { !$0.hasPrefix("RG_") && !allowed.contains($0) } == [])
        let values = try String(contentsOfFile: "\(folder)/env", encoding: .utf8)
        #expect(values.contains("RG_VERSION=1.8.0-1") && values.contains("RG_OUTCOME=ACCEPT") && values.contains("RG_ROLLOUT_TICKET=12"))
        // This test process has a HOME; the hook must not get it (nor anything else not named above).
        #expect(ProcessInfo.processInfo.environment["HOME"] != nil && !variables.contains("HOME"))

        let descriptors = try String(contentsOfFile: "\(folder)/fds", encoding: .utf8)
        #expect(!descriptors.contains(marker), "the hook inherited a descriptor of the gateway's")
        #expect(descriptors.contains("\(folder)/fds"), "the listing is the hook's own (its output file is open)")
    }

    @Test("a hook that fails is reported with its status and the end of what it wrote to standard error")
    func failure() async throws {
        let error = await #expect(throws: GatewayError.self) {
            try await runner("echo 'repository production is read-only' >&2; exit 3").run(Self.run)
        }
        let text = "\(error.map { $0 as any Error }.map { "\($0)" } ?? "")"
        #expect(text.contains("exited with status 3"))
        #expect(text.contains("repository production is read-only"))
    }

    @Test("a hook that wrote megabytes to standard error is reported with the end of it")
    func talkativeFailure() async throws {
        let error = await #expect(throws: GatewayError.self) {
            try await runner("head -c 20000000 /dev/zero | tr '\\0' x >&2; echo ' the last words' >&2; exit 4").run(Self.run)
        }
        let text = "\(error.map { $0 as any Error }.map { "\($0)" } ?? "")"
        #expect(text.contains("exited with status 4") && text.contains("the last words"))
        #expect(text.utf8.count < 1_000)
    }

    @Test("a program that cannot be started is a failure of the hook, named")
    func cannotStart() async throws {
        let hooks = ProcessHookRunner(commands: [.production: ["\(folder)/no-such-hook"]])
        let error = await #expect(throws: GatewayError.self) { try await hooks.run(Self.run) }
        #expect("\(error.map { $0 as any Error }.map { "\($0)" } ?? "")".contains("could not be started"))
    }

    @Test("a hook that does not finish in time is asked to stop (SIGTERM, which it can catch), then ended with what it started")
    func timeout() async throws {
        let started = Date()
        let error = await #expect(throws: GatewayError.self) {
            try await runner(
                "trap 'echo term > \"\(folder)/term\"; exit 0' TERM; "
                    + "sleep 300 & echo $! > '\(folder)/child'; wait", timeout: 1
            ).run(Self.run)
        }
        #expect("\(error.map { $0 as any Error }.map { "\($0)" } ?? "")".contains("did not finish within 1 s"))
        // Far less than the 300 s of its child: the whole suite beside it on two cores can delay the polling by seconds.
        #expect(Date().timeIntervalSince(started) < 120)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/term"), "the hook never saw SIGTERM")
        try await expectEnded(childIn: "\(folder)/child")
    }

    @Test("a program started from a thread that blocks every signal blocks none, and ignores none")
    func signalMask() throws {
        // The gateway's tasks run on threads that block most signals; a synchronous function stays on its thread.
        var all = sigset_t()
        sigfillset(&all)
        var before = sigset_t()
        #expect(pthread_sigmask(SIG_BLOCK, &all, &before) == 0)
        defer { pthread_sigmask(SIG_SETMASK, &before, nil) }
        // grep reads its own status (a shell's, read by a child it forked, is racy: dash blocks signals around fork).
        let output = open("\(folder)/signals", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        #expect(output >= 0)
        let process = try SpawnedProcess.start("/bin/grep", ["-E", "SigBlk|SigIgn", "/proc/self/status"], environment: [:], output: output)
        close(output)
        #expect(process.exitStatus(wait: true) == 0)
        let masks = try String(contentsOfFile: "\(folder)/signals", encoding: .utf8).split(separator: "\n")
            .compactMap { line in line.split(separator: "\t").last.flatMap { UInt64($0, radix: 16) } }
        #expect(masks.count == 2)
        // Signals 32 and 33 are glibc's own (thread cancellation, set-id calls): a child keeps them ignored.
        let glibcOwn: UInt64 = 1 << 31 | 1 << 32
        #expect(masks.allSatisfy { $0 & ~glibcOwn == 0 }, "blocked, ignored: \(masks.map { String($0, radix: 16) })")
    }

    @Test("a hook whose task is cancelled is ended with what it started, and reaped")
    func cancelled() async throws {
        let hooks = runner("sleep 300 & echo $! > '\(folder)/child'; wait", timeout: 600)
        let task = Task { try await hooks.run(Self.run) }
        for _ in 0..<250 where !FileManager.default.fileExists(atPath: "\(folder)/child") {
            try await Task.sleep(for: .milliseconds(20))
        }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        try await expectEnded(childIn: "\(folder)/child")
    }

    /// The hook's own child (its process id in the file `path`) is gone: no process, or one that has ended and waits
    /// to be reaped by init.
    func expectEnded(childIn path: String) async throws {
        let child = try #require(Int32(try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        var alive = true
        for _ in 0..<100 {
            let state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8))?.split(separator: ")").last?.split(separator: " ").first
            alive = state != nil && state != "Z"
            if !alive { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!alive, "the hook's child \(child) still runs")
    }
}
