import Foundation
import RolloutCore

extension GatewayConfiguration {
    /// Converts the decoded file, naming the key of the first problem found.
    init(_ raw: ConfigurationFile, file: String) throws {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        func path(_ value: String) -> String {
            value.hasPrefix("/") ? value : folder.appendingPathComponent(value).standardizedFileURL.path
        }
        func address(_ text: String, _ key: [String]) throws -> EmailAddress {
            guard EmailAddress.isPlainMailbox(text) else { throw ConfigurationProblem(key, "'\(text)' is not an e-mail address; expected local@domain") }
            return EmailAddress(text)
        }

        self.file = file
        self.address = try address(raw.gateway.address, ["gateway", "address"])
        self.displayName = raw.gateway.name ?? "Staged Rollout"
        for (key, value) in [("tag", raw.gateway.tag), ("release_tag", raw.gateway.releaseTag)] {
            if let value, value.isEmpty || value.contains(where: { $0.isWhitespace || "[]#".contains($0) }) {
                throw ConfigurationProblem(["gateway", key], "'\(value)' cannot be a subject tag; expected one word without spaces, [, ] or #")
            }
        }
        self.tags = [.stagedRollout: raw.gateway.tag ?? Queue.stagedRollout.rawValue, .release: raw.gateway.releaseTag ?? Queue.release.rawValue]
        self.secretFiles = try Self.secretFiles(raw.gateway, path: path)
        self.store = try Self.store(raw.store, path: path)
        if let mib = raw.store.sqliteMapMiB {
            guard raw.store.sqlite != nil else { throw ConfigurationProblem(["store", "sqlite_map_mib"], "applies to store.sqlite only") }
            guard (0...65_536).contains(mib) else {
                throw ConfigurationProblem(["store", "sqlite_map_mib"], "\(mib) is not a size from 0 to 65536 MiB")
            }
            self.sqliteMapBytes = mib << 20
        }
        self.outboxMaildir = raw.outbox?.maildir.map(path)
        self.outboxSigning = Self.outboxSigning(raw.outbox?.smime, path: path)
        self.maxDeliveryAttempts = raw.outbox?.maxAttempts ?? 10
        self.templatesDirectory = raw.templates.map(path)
        self.perRecipientPerHour = try Self.positive(raw.outbox?.perRecipientPerHour, default: Self.defaultPerRecipientPerHour, ["outbox", "per_recipient_per_hour"])
        self.digest = try raw.workflow?.digest.map { try $0.schedule(weekdays: Self.weekdays) }
        self.maxAttachmentBytes = try Self.positive(raw.outbox?.maxAttachmentBytes, default: Self.defaultMaxAttachmentBytes, ["outbox", "max_attachment_bytes"])
        self.perTicketPerHour = try Self.positive(raw.outbox?.perTicketPerHour, default: Self.defaultPerTicketPerHour, ["outbox", "per_ticket_per_hour"])
        self.smtp = try raw.smtp.map { try Self.server($0, key: "smtp", schemes: ["smtp", "smtps"], path: path) }
        self.imap = try raw.imap.map { try Self.server($0, key: "imap", schemes: ["imap", "imaps"], path: path) }
        self.metricsTextfile = raw.metrics?.textfile.map(path)
        self.web = try WebSettings(raw.web)
        self.trustedAuthservIDs = raw.inbound?.trustedAuthservIDs ?? []
        self.internalHosts = raw.inbound?.internalHosts ?? []
        let alignment = raw.inbound?.dkimAlignment ?? DKIMAlignmentMode.strict.rawValue
        guard let dkimAlignment = DKIMAlignmentMode(rawValue: alignment) else {
            throw ConfigurationProblem(["inbound", "dkim_alignment"], "'\(alignment)' is no DKIM alignment; expected strict or relaxed")
        }
        self.dkimAlignment = dkimAlignment
        let allowed: [AuthenticationBasis] = [.token, .dkim, .dmarc, .signature]
        self.strongBases = Set(
            try (raw.inbound?.strongBy ?? [AuthenticationBasis.token.rawValue, AuthenticationBasis.signature.rawValue]).enumerated().map { index, name in
                guard let basis = AuthenticationBasis(rawValue: name), allowed.contains(basis) else {
                    throw ConfigurationProblem(
                        ["inbound", "strong_by", String(index)], "'\(name)' cannot make a sender strong; expected token, dkim, dmarc or signature")
                }
                return basis
            })
        self.smime = try Self.smime(raw.inbound?.smime, path: path)
        self.openpgp = try Self.openpgp(raw.inbound?.openpgp, path: path)
        self.maxMessageBytes = try Self.positive(raw.inbound?.maxMessageBytes, default: 25 << 20, ["inbound", "max_message_bytes"])
        self.repliesPerHour = try Self.positive(raw.inbound?.repliesPerHour, default: 20, ["inbound", "replies_per_hour"])
        self.setAsideMaxBytes = try Self.positive(raw.inbound?.setAsideMaxBytes, default: 256 << 20, ["inbound", "set_aside_max_bytes"])
        self.ticketFilesMaxBytes = try Self.positive(raw.inbound?.ticketFilesMaxBytes, default: 100 << 20, ["inbound", "ticket_files_max_bytes"])
        self.maxMessageAge = try Self.duration(raw.inbound?.maxAge, default: 3 * 86_400, ["inbound", "max_age"])
        self.listHosts = try (raw.inbound?.listHosts ?? []).enumerated().map { index, host in
            guard let address = ReceivedField.addressLiteral(Substring(host.trimmingCharacters(in: .whitespaces))) else {
                throw ConfigurationProblem(
                    ["inbound", "list_hosts", String(index)],
                    "'\(host)' is not an IP address; expected the address the lists' server connects from, e.g. 192.0.2.9")
            }
            return address
        }

        var hooks: [HookRun.Hook: [String]] = [:]
        for (hook, argv, key) in [(HookRun.Hook.stageRollOut, raw.hooks?.stageRollout, "stage_rollout"), (.production, raw.hooks?.production, "production")] {
            guard let argv else { continue }
            guard let program = argv.first, !program.isEmpty else {
                throw ConfigurationProblem(["hooks", key], "is empty; expected a command as a list: [program, argument, …]")
            }
            // A bare name would be run from whatever folder the gateway was started in (cron's, the MTA's, a shell's
            // in /tmp): the spawn takes a path, it searches no PATH.
            guard program.hasPrefix("/") || program.hasPrefix("./") else {
                throw ConfigurationProblem(
                    ["hooks", key, "0"], "'\(program)' is not a path; write the program absolute (/usr/local/bin/\(program)) or relative to this file (./\(program))")
            }
            hooks[hook] = argv.map { $0.hasPrefix("./") ? path($0) : $0 }
        }
        self.hooks = hooks
        self.hookTimeoutSeconds = raw.hooks?.timeoutSeconds ?? 300

        let calendar = try Self.calendar(raw.calendar)
        let workflow = raw.workflow
        var policy = WorkflowPolicy(
            calendar: calendar,
            answerWorkingDays: try Self.positive(workflow?.answerWorkingDays, default: 1, ["workflow", "answer_working_days"]),
            escalationLimit: try Self.positive(workflow?.escalationLimit, default: 3, ["workflow", "escalation_limit"]),
            testingMinimumDays: try Self.positive(workflow?.testingMinimumDays, default: 5, ["workflow", "testing_minimum_days"]),
            testingMaximumDays: try Self.positive(workflow?.testingMaximumDays, default: 7, ["workflow", "testing_maximum_days"]),
            strongAuthenticationVerbs: Set(
                try (workflow?.strongAuthentication ?? Self.defaultStrongVerbs.map(\.rawValue)).enumerated().map { index, verb in
                    guard let found = Verb(rawValue: verb.lowercased()) else {
                        throw ConfigurationProblem(
                            ["workflow", "strong_authentication", String(index)],
                            "'\(verb)' is not a command verb; expected one of \(Verb.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return found
                }))
        policy.relaysPerSenderPerHour = try Self.positive(
            raw.outbox?.relaysPerSenderPerHour, default: 5, ["outbox", "relays_per_sender_per_hour"])
        self.gocdb = try raw.gocdb.map { try GOCDBSettings.validated($0, path: path) }
        policy.betaDowntimeCheckMinutes = self.gocdb?.refreshMinutes
        if let reminders = raw.gocdb?.reminders {
            policy.downtimeReminderLimit = try Self.positive(reminders, default: 5, ["gocdb", "reminders"])
        }
        guard policy.testingMinimumDays <= policy.testingMaximumDays else {
            throw ConfigurationProblem(["workflow", "testing_maximum_days"], "is shorter than testing_minimum_days")
        }

        var teams: [EATeam] = []
        for (name, team) in raw.teams.sorted(by: { $0.key < $1.key }) {
            guard let teamName = TeamName(name), name.lowercased().hasPrefix("ea-") else {
                throw ConfigurationProblem(["teams", name], "'\(name)' is not a team name; expected ea-<NGI>-<Site-name>, e.g. ea-NGI_IT-INFN-T1")
            }
            let members = try team.members.enumerated().map { try address($1, ["teams", name, "members", String($0)]) }
            guard !members.isEmpty || raw.directory != nil else {
                throw ConfigurationProblem(["teams", name, "members"], "is empty; a team needs at least one member (or a directory: section)")
            }
            for stack in team.stacks ?? [] where raw.stacks.keys.first(where: { $0.lowercased() == stack.lowercased() }) == nil {
                throw ConfigurationProblem(["teams", name, "stacks"], "'\(stack)' is not a configured stack; expected one of \(raw.stacks.keys.sorted().joined(separator: ", "))")
            }
            teams.append(EATeam(name: teamName, members: members, stacks: team.stacks ?? []))
        }
        var stacks: [String: StackPeople] = [:]
        for (name, stack) in raw.stacks {
            let managers = try stack.managers.enumerated().map { try address($1, ["stacks", name, "managers", String($0)]) }
            let lists = try (stack.lists ?? []).enumerated().map { try address($1, ["stacks", name, "lists", String($0)]) }
            stacks[name] = StackPeople(managers: managers, lists: lists)
        }
        let releaseManagers = try raw.releaseManagers.enumerated().map { try address($1, ["release_managers", String($0)]) }
        let registry = Registry(teams: teams, stacks: stacks, releaseManagers: releaseManagers)
        if raw.directory == nil, let (name, _) = raw.stacks.first(where: { $0.value.managersGroup != nil }) {
            throw ConfigurationProblem(["stacks", name, "managers_group"], "names a directory group, but there is no directory: section")
        }
        self.directory = try raw.directory.map { try DirectorySettings($0, managersGroups: raw.stacks.compactMapValues(\.managersGroup), resolve: path) }

        var overrides: [NotificationRule] = []
        for (index, rule) in (raw.notifications ?? []).enumerated() {
            let key = ["notifications", String(index)]
            guard let kind = NotificationKind(rawValue: rule.when) else {
                throw ConfigurationProblem(key + ["when"], "'\(rule.when)' is not an event; expected one of \(NotificationKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let roles = try rule.to.enumerated().map { roleIndex, text in
                guard let role = RecipientRole(configValue: text) else {
                    throw ConfigurationProblem(key + ["to", String(roleIndex)], "'\(text)' is not a recipient; expected \(RecipientRole.configValues)")
                }
                return role
            }
            overrides.append(NotificationRule(kind: kind, recipients: roles, template: rule.template))
        }
        self.workflow = WorkflowContext(
            registry: registry, policy: policy, routing: NotificationRouting.defaults.overriding(with: overrides),
            gatewayAddresses: [self.address])
    }

    private static func server(
        _ raw: ConfigurationFile.Server, key: String, schemes: [String], path: (String) -> String
    ) throws -> MailServerSettings {
        guard let url = URLComponents(string: raw.url), let scheme = url.scheme?.lowercased(), schemes.contains(scheme),
            url.host?.isEmpty == false
        else {
            throw ConfigurationProblem([key, "url"], "'\(raw.url)' is not a server URL; expected \(schemes.map { "\($0)://host:port" }.joined(separator: " or "))")
        }
        guard url.user == nil, url.password == nil else {
            throw ConfigurationProblem([key, "url"], "the URL carries credentials; put them in credentials_file (or the environment), never in the configuration")
        }
        let policy = raw.starttls ?? "required"
        guard ["required", "opportunistic", "off"].contains(policy) else {
            throw ConfigurationProblem([key, "starttls"], "'\(policy)' is not a STARTTLS policy; expected required, opportunistic or off")
        }
        if raw.processedFolder != nil, raw.processedKeyword != nil {
            throw ConfigurationProblem([key, "processed_keyword"], "set either processed_folder or processed_keyword, not both")
        }
        return MailServerSettings(
            url: raw.url, helo: raw.helo, startTLS: policy, verifyCertificates: raw.verifyCertificates ?? true,
            caFile: raw.caFile.map(path), credentialsFile: raw.credentialsFile.map(path), mailbox: raw.mailbox ?? "INBOX",
            processedFolder: raw.processedKeyword == nil ? (raw.processedFolder ?? "processed") : nil,
            processedKeyword: raw.processedKeyword, quarantineFolder: raw.quarantineFolder ?? "quarantine",
            connections: try positive(raw.connections, default: 2, [key, "connections"]),
            maxAttempts: try positive(raw.maxAttempts, default: 5, [key, "max_attempts"]))
    }

    private static func store(_ raw: ConfigurationFile.Store, path: (String) -> String) throws -> StoreSettings {
        switch (raw.sqlite, raw.postgresql) {
        case (let file?, nil):
            return .sqlite(path: path(file))
        case (nil, let postgresql?):
            let key = ["store", "postgresql"]
            let (host, port, user, database): (String, Int, String, String)
            switch PostgreSQLSettings.parse(url: postgresql.url) {
            case .success(let parts): (host, port, user, database) = parts
            case .failure(let problem): throw ConfigurationProblem(key + ["url"], problem.message)
            }
            let mode = postgresql.tls ?? PostgreSQLSettings.TLSMode.require.rawValue
            guard let tls = PostgreSQLSettings.TLSMode(rawValue: mode) else {
                throw ConfigurationProblem(key + ["tls"], "'\(mode)' is not a TLS mode; expected require, prefer or disable")
            }
            if postgresql.caFile != nil, tls == .disable {
                throw ConfigurationProblem(key + ["ca_file"], "is given with tls: disable; expected tls: require (or prefer) to use it")
            }
            return .postgresql(
                PostgreSQLSettings(
                    host: host, port: port, user: user, database: database, passwordFile: postgresql.passwordFile.map(path), tls: tls,
                    caFile: postgresql.caFile.map(path),
                    claimSeconds: try positive(postgresql.claimSeconds, default: 300, key + ["claim_seconds"]),
                    connections: try positive(postgresql.connections, default: 4, key + ["connections"])))
        case (_?, _?):
            throw ConfigurationProblem(["store", "postgresql"], "is given together with store.sqlite; expected exactly one of sqlite: PATH or postgresql: { url: … }")
        case (nil, nil):
            throw ConfigurationProblem(["store"], "names no store; expected exactly one of sqlite: PATH or postgresql: { url: postgresql://USER@HOST:PORT/DATABASE }")
        }
    }

    /// The verbs that need a strong sender when `workflow.strong_authentication` is not given: those that run a
    /// hook or decide the rollout's outcome (SPEC §5).
    public static let defaultStrongVerbs: [Verb] = [.status, .outcome, .docid, .resolve]

    /// The verbs whose command runs a repository hook: `config check` warns when one does not need a strong sender.
    public static let hookVerbs: [Verb] = [.status, .resolve]

    /// A duration written `<N>d`, `<N>h` or `<N>m` (`3d`, `72h`), in seconds.
    private static func duration(_ value: String?, default fallback: TimeInterval, _ key: [String]) throws -> TimeInterval {
        guard let value else { return fallback }
        let text = value.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: TimeInterval] = ["d": 86_400, "h": 3_600, "m": 60]
        guard let unit = text.last.flatMap({ units[$0] }), let number = Int(text.dropLast()), number > 0 else {
            throw ConfigurationProblem(key, "'\(value)' is not a duration; expected a positive whole number with d, h or m, e.g. 3d or 72h")
        }
        return TimeInterval(number) * unit
    }

    private static func positive(_ value: Int?, default fallback: Int, _ key: [String]) throws -> Int {
        guard let value else { return fallback }
        guard value > 0 else { throw ConfigurationProblem(key, "\(value) is not a positive whole number") }
        return value
    }

    static let weekdays = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]

    private static func calendar(_ raw: ConfigurationFile.Calendar?) throws -> BusinessCalendar {
        var calendar = BusinessCalendar()
        guard let raw else { return calendar }
        if let zone = raw.timeZone {
            guard let timeZone = TimeZone(identifier: zone) else {
                throw ConfigurationProblem(["calendar", "time_zone"], "'\(zone)' is not a known time zone; expected an IANA name such as Europe/Amsterdam")
            }
            calendar.timeZone = timeZone
        }
        if let hours = raw.workingHours {
            let parts = hours.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
            let minutes = parts.compactMap { part -> Int? in
                let hm = part.split(separator: ":")
                guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...24).contains(h), (0..<60).contains(m) else { return nil }
                return h * 60 + m
            }
            guard parts.count == 2, minutes.count == 2, minutes[0] < minutes[1], minutes[1] <= 24 * 60 else {
                throw ConfigurationProblem(["calendar", "working_hours"], "'\(hours)' is not a span of working hours; expected HH:MM-HH:MM, e.g. 09:00-17:00")
            }
            calendar.workStart = minutes[0]
            calendar.workEnd = minutes[1]
        }
        if let days = raw.workingDays {
            calendar.workingWeekdays = Set(
                try days.enumerated().map { index, day in
                    guard let number = weekdays[String(day.lowercased().prefix(3))] else {
                        throw ConfigurationProblem(["calendar", "working_days", String(index)], "'\(day)' is not a weekday; expected mon, tue, wed, thu, fri, sat or sun")
                    }
                    return number
                })
        }
        if let holidays = raw.holidays {
            calendar.holidays = Set(
                try holidays.enumerated().map { index, text in
                    guard let day = CalendarDay(text) else {
                        throw ConfigurationProblem(["calendar", "holidays", String(index)], "'\(text)' is not a date; expected YYYY-MM-DD")
                    }
                    return day
                })
        }
        return calendar
    }

    /// `gateway.secret_files` (newest first), or the single `gateway.secret_file`; each must hold a usable key now,
    /// so that a bad one is a configuration error (exit 78) and not a refusal of every message later.
    static func secretFiles(_ gateway: ConfigurationFile.Gateway, path: (String) -> String) throws -> [String] {
        if gateway.secretFile != nil, gateway.secretFiles != nil {
            throw ConfigurationProblem(["gateway", "secret_files"], "is given together with secret_file; expected one of them (secret_files: [new, old, …])")
        }
        let (files, key) =
            gateway.secretFiles.map { ($0, "secret_files") } ?? (gateway.secretFile.map { [$0] } ?? [], "secret_file")
        if gateway.secretFiles != nil, files.isEmpty {
            throw ConfigurationProblem(["gateway", key], "is empty; expected a list of files, the signing one first")
        }
        return try files.map { file in
            let resolved = path(file)
            do {
                _ = try ReplyAddressSigner.secret(fromFile: resolved)
            } catch GatewayError.invalidInput(let problem) {
                throw ConfigurationProblem(["gateway", key], problem)
            }
            return resolved
        }
    }
}
