import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real Dovecot (IMAP only) on a free loopback port, without systemd, with one user and a Maildir
/// that the test seeds and inspects directly on disk.
///
/// Each instance has its own `base_dir`, `state_dir`, `instance_name` and `log_path` in a scratch
/// folder. Dovecot refuses uid 0 for mail, so as root the mail belongs to Debian's `mail` user
/// (uid 8), which also runs the login and internal processes (`chroot =` for anvil and imap-login).
/// Plaintext login without TLS is allowed: tests only.
final class DovecotServer: @unchecked Sendable {
    static let user = "gateway"
    let password = "pw-\(UUID().uuidString.prefix(12))"
    let server: ServerProcess
    let directory: URL
    let configPath: String
    /// The uid and gid that own the mail (and run Dovecot's unprivileged processes).
    let mailOwner: (uid: uid_t, gid: gid_t, name: String)
    private var seeded = 0

    var port: Int { server.port }
    var url: String { "imap://127.0.0.1:\(port)" }
    /// The user's Maildir (INBOX); folders are `.name` inside it (Maildir++).
    var maildir: URL { directory.appendingPathComponent("mail/\(Self.user)/Maildir") }

    init() throws {
        let directory = try ServerFixtures.makeScratchDirectory("dovecot")
        self.directory = directory
        configPath = directory.appendingPathComponent("dovecot.conf").path
        if getuid() == 0 {
            mailOwner = (8, 8, "mail")
        } else {
            let name = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "nobody"
            mailOwner = (getuid(), getgid(), name)
        }
        let passwdPath = directory.appendingPathComponent("passwd").path
        try "\(Self.user):{PLAIN}\(password)\n".write(toFile: passwdPath, atomically: false, encoding: .utf8)
        // Seeding happens before any login: make the Maildir now, owned by the mail user.
        let mailRoot = directory.appendingPathComponent("mail")
        for sub in ["", "/\(Self.user)", "/\(Self.user)/Maildir", "/\(Self.user)/Maildir/new",
                    "/\(Self.user)/Maildir/cur", "/\(Self.user)/Maildir/tmp"]
        {
            let path = mailRoot.path + sub
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            guard chown(path, mailOwner.uid, mailOwner.gid) == 0 || getuid() != 0 else {
                throw ServerFixtures.Failure("cannot chown \(path) to the mail user")
            }
        }
        let marker = "dovecot-\(UUID().uuidString.prefix(8))"
        let configPath = configPath
        let owner = mailOwner
        server = try ServerProcess.start(
            label: "dovecot", executable: "/usr/sbin/dovecot",
            arguments: { port, directory in
                let configuration = Self.configuration(
                    port: port, directory: directory, marker: marker, owner: owner, passwd: passwdPath)
                try? configuration.write(toFile: configPath, atomically: false, encoding: .utf8)
                return ["-F", "-c", configPath]
            },
            greetingPrefixes: ["* OK"], marker: marker, goodbye: "a LOGOUT\r\n", directory: directory)
    }

    private static func configuration(
        port: Int, directory: URL, marker: String, owner: (uid: uid_t, gid: gid_t, name: String), passwd: String
    ) -> String {
        let root = directory.path
        return """
            protocols = imap
            listen = 127.0.0.1
            base_dir = \(root)/base-\(port)
            state_dir = \(root)/state
            instance_name = rollout-it-\(port)
            log_path = \(root)/dovecot.log
            login_greeting = \(marker) ready
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            first_valid_uid = \(owner.uid)
            last_valid_uid = \(owner.uid)
            first_valid_gid = \(owner.gid)
            default_internal_user = \(owner.name)
            default_login_user = \(owner.name)
            mail_location = maildir:~/Maildir
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u \(passwd)
            }
            userdb {
              driver = static
              args = uid=\(owner.uid) gid=\(owner.gid) home=\(root)/mail/%u
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = \(port)
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }

            """
    }

    // MARK: - Mail on disk

    /// Puts messages into INBOX the way an MTA does (write into `tmp/`, rename into `new/`), in order:
    /// Dovecot gives new files UIDs in the order of the time stamp that starts their names.
    func seed(_ messages: [[UInt8]]) throws {
        let tmp = maildir.appendingPathComponent("tmp").path
        let new = maildir.appendingPathComponent("new").path
        for message in messages {
            seeded += 1
            let name = "\(1_700_000_000 + seeded).M\(seeded)P\(getpid()).rollout-test"
            let temporary = "\(tmp)/\(name)"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw ServerFixtures.Failure("cannot create \(temporary): errno \(errno)") }
            let written = message.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if getuid() == 0 { fchown(fd, mailOwner.uid, mailOwner.gid) }
            close(fd)
            guard written == message.count else { throw ServerFixtures.Failure("short write to \(temporary)") }
            guard rename(temporary, "\(new)/\(name)") == 0 else { throw ServerFixtures.Failure("rename into new/ failed") }
        }
    }

    /// A message's file in a folder, with its Maildir flags (`S` seen, `T` deleted, `a`… keywords).
    struct StoredMessage {
        let name: String
        let bytes: [UInt8]
        var flags: String {
            guard let range = name.range(of: ":2,", options: .backwards) else { return "" }
            return String(name[range.upperBound...])
        }
    }

    /// The messages of a folder (`INBOX`, or a folder name such as `processed`), in file-name order; `nil` when
    /// the folder does not exist on disk.
    func messages(in folder: String = "INBOX") -> [StoredMessage]? {
        let root = folder == "INBOX" ? maildir : maildir.appendingPathComponent(".\(folder)")
        guard FileManager.default.fileExists(atPath: root.path) else { return nil }
        var result: [StoredMessage] = []
        for sub in ["new", "cur"] {
            let path = root.appendingPathComponent(sub).path
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                guard let data = FileManager.default.contents(atPath: "\(path)/\(name)") else { continue }
                result.append(StoredMessage(name: name, bytes: Array(data)))
            }
        }
        return result.sorted { $0.name < $1.name }
    }

    /// The Maildir flag letter Dovecot gave a keyword in `dovecot-keywords` (`0 $Kw` → `a`).
    func keywordLetter(_ keyword: String, in folder: String = "INBOX") -> Character? {
        let root = folder == "INBOX" ? maildir : maildir.appendingPathComponent(".\(folder)")
        let text = (try? String(contentsOf: root.appendingPathComponent("dovecot-keywords"), encoding: .utf8)) ?? ""
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[1] == keyword, let index = Int(parts[0]), (0..<26).contains(index) {
                return Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(index)))
            }
        }
        return nil
    }

    /// Gives INBOX a new UIDVALIDITY, as recreating the mailbox would (`doveadm mailbox update --uid-validity`).
    func changeUIDValidity(to value: UInt32) throws {
        let out = directory.appendingPathComponent("doveadm.out").path
        let pid = try ServerFixtures.spawn(
            "/usr/bin/doveadm",
            ["-c", configPath, "mailbox", "update", "-u", Self.user, "--uid-validity", "\(value)", "INBOX"],
            stdout: out, stderr: out)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        guard status == 0 else {
            throw ServerFixtures.Failure("doveadm failed: \((try? String(contentsOfFile: out, encoding: .utf8)) ?? "")")
        }
    }

    // MARK: - Stopping

    /// The master's descendants (login, imap, auth, log… processes), read from `/proc`.
    private func descendants() -> [pid_t] {
        var parents: [pid_t: pid_t] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { parents[pid] = parent }
        }
        var result: [pid_t] = []
        var frontier = [server.pid]
        while let parent = frontier.popLast() {
            let children = parents.filter { $0.value == parent }.map(\.key)
            result += children
            frontier += children
        }
        return result
    }

    /// Kills the whole instance at once (SIGKILL to the master and every child), as a crash would, and reaps the master.
    func kill() {
        let children = descendants()
        Glibc.kill(server.pid, SIGKILL)
        for child in children { Glibc.kill(child, SIGKILL) }
        server.stop(removingDirectory: false)
    }

    /// Stops Dovecot (SIGTERM, then SIGKILL), waits until the master has exited and been reaped, kills any
    /// child left behind, and removes the scratch folder.
    func stop() {
        let children = descendants()
        server.stop(removingDirectory: false)
        for child in children where ServerFixtures.processState(child).map({ $0 != "Z" }) == true {
            Glibc.kill(child, SIGKILL)
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
