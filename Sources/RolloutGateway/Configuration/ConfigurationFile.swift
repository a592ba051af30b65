import Foundation

/// The configuration file as written (YAML), before validation. Keys are snake_case.
/// Unknown keys are errors, so that a misspelt key never silently falls back to a default.
struct ConfigurationFile: Decodable {
    struct Gateway: Decodable {
        var address: String
        var name: String?
        var tag: String?
        var releaseTag: String?
        var secretFile: String?
        var secretFiles: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case address, name, tag, releaseTag = "release_tag", secretFile = "secret_file", secretFiles = "secret_files"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            address = try c.decode(String.self, forKey: .address)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            tag = try c.decodeIfPresent(String.self, forKey: .tag)
            releaseTag = try c.decodeIfPresent(String.self, forKey: .releaseTag)
            secretFile = try c.decodeIfPresent(String.self, forKey: .secretFile)
            secretFiles = try c.decodeIfPresent([String].self, forKey: .secretFiles)
        }
    }

    /// Exactly one of `sqlite` and `postgresql` (checked when the file is converted).
    struct Store: Decodable {
        var sqlite: String?
        var sqliteMapMiB: Int?
        var postgresql: PostgreSQL?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case sqlite, postgresql
            case sqliteMapMiB = "sqlite_map_mib"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            sqlite = try c.decodeIfPresent(String.self, forKey: .sqlite)
            sqliteMapMiB = try c.decodeIfPresent(Int.self, forKey: .sqliteMapMiB)
            postgresql = try c.decodeIfPresent(PostgreSQL.self, forKey: .postgresql)
        }
    }

    struct PostgreSQL: Decodable {
        var url: String
        var passwordFile: String?
        var tls: String?
        var caFile: String?
        var claimSeconds: Int?
        var connections: Int?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case url, passwordFile = "password_file", tls, caFile = "ca_file", claimSeconds = "claim_seconds", connections
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            url = try c.decode(String.self, forKey: .url)
            passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
            tls = try c.decodeIfPresent(String.self, forKey: .tls)
            caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
            claimSeconds = try c.decodeIfPresent(Int.self, forKey: .claimSeconds)
            connections = try c.decodeIfPresent(Int.self, forKey: .connections)
        }
    }

    struct Outbox: Decodable {
        var maildir: String?
        var maxAttempts: Int?
        var perRecipientPerHour: Int?
        var perTicketPerHour: Int?
        var relaysPerSenderPerHour: Int?
        var maxAttachmentBytes: Int?
        var smime: OutboxSMIME?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxAttachmentBytes = "max_attachment_bytes", smime
            case maildir, maxAttempts = "max_attempts", perRecipientPerHour = "per_recipient_per_hour"
            case perTicketPerHour = "per_ticket_per_hour"
            case relaysPerSenderPerHour = "relays_per_sender_per_hour"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            maildir = try c.decodeIfPresent(String.self, forKey: .maildir)
            maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts)
            perRecipientPerHour = try c.decodeIfPresent(Int.self, forKey: .perRecipientPerHour)
            perTicketPerHour = try c.decodeIfPresent(Int.self, forKey: .perTicketPerHour)
            relaysPerSenderPerHour = try c.decodeIfPresent(Int.self, forKey: .relaysPerSenderPerHour)
            maxAttachmentBytes = try c.decodeIfPresent(Int.self, forKey: .maxAttachmentBytes)
            smime = try c.decodeIfPresent(OutboxSMIME.self, forKey: .smime)
        }
    }

    /// A mail server (SMTP out, IMAP in). Credentials come from a file or the environment, never from here.
    struct Server: Decodable {
        var url: String
        var helo: String?
        var starttls: String?
        var verifyCertificates: Bool?
        var caFile: String?
        var credentialsFile: String?
        var mailbox: String?
        var processedFolder: String?
        var processedKeyword: String?
        var quarantineFolder: String?
        var connections: Int?
        var maxAttempts: Int?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case url, helo, starttls, verifyCertificates = "verify_certificates", caFile = "ca_file"
            case credentialsFile = "credentials_file", mailbox, processedFolder = "processed_folder"
            case processedKeyword = "processed_keyword", quarantineFolder = "quarantine_folder", connections
            case maxAttempts = "max_attempts"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            url = try c.decode(String.self, forKey: .url)
            helo = try c.decodeIfPresent(String.self, forKey: .helo)
            starttls = try c.decodeIfPresent(String.self, forKey: .starttls)
            verifyCertificates = try c.decodeIfPresent(Bool.self, forKey: .verifyCertificates)
            caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
            credentialsFile = try c.decodeIfPresent(String.self, forKey: .credentialsFile)
            mailbox = try c.decodeIfPresent(String.self, forKey: .mailbox)
            processedFolder = try c.decodeIfPresent(String.self, forKey: .processedFolder)
            processedKeyword = try c.decodeIfPresent(String.self, forKey: .processedKeyword)
            quarantineFolder = try c.decodeIfPresent(String.self, forKey: .quarantineFolder)
            connections = try c.decodeIfPresent(Int.self, forKey: .connections)
            maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts)
        }
    }

    struct Metrics: Decodable {
        var textfile: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case textfile }
        init(from decoder: any Decoder) throws {
            textfile = try decoder.strictContainer(CodingKeys.self).decodeIfPresent(String.self, forKey: .textfile)
        }
    }

    struct Inbound: Decodable {
        var trustedAuthservIDs: [String]?
        var internalHosts: [String]?
        var strongBy: [String]?
        var dkimAlignment: String?
        var maxMessageBytes: Int?
        var repliesPerHour: Int?
        var setAsideMaxBytes: Int?
        var ticketFilesMaxBytes: Int?
        var maxAge: String?
        var listHosts: [String]?
        var smime: SMIME?
        var openpgp: OpenPGP?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case smime, openpgp
            case trustedAuthservIDs = "trusted_authserv_ids", internalHosts = "internal_hosts", strongBy = "strong_by"
            case dkimAlignment = "dkim_alignment"
            case maxMessageBytes = "max_message_bytes"
            case repliesPerHour = "replies_per_hour"
            case setAsideMaxBytes = "set_aside_max_bytes"
            case ticketFilesMaxBytes = "ticket_files_max_bytes"
            case maxAge = "max_age"
            case listHosts = "list_hosts"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            trustedAuthservIDs = try c.decodeIfPresent([String].self, forKey: .trustedAuthservIDs)
            internalHosts = try c.decodeIfPresent([String].self, forKey: .internalHosts)
            strongBy = try c.decodeIfPresent([String].self, forKey: .strongBy)
            dkimAlignment = try c.decodeIfPresent(String.self, forKey: .dkimAlignment)
            maxMessageBytes = try c.decodeIfPresent(Int.self, forKey: .maxMessageBytes)
            repliesPerHour = try c.decodeIfPresent(Int.self, forKey: .repliesPerHour)
            setAsideMaxBytes = try c.decodeIfPresent(Int.self, forKey: .setAsideMaxBytes)
            ticketFilesMaxBytes = try c.decodeIfPresent(Int.self, forKey: .ticketFilesMaxBytes)
            maxAge = try c.decodeIfPresent(String.self, forKey: .maxAge)
            listHosts = try c.decodeIfPresent([String].self, forKey: .listHosts)
            smime = try c.decodeIfPresent(SMIME.self, forKey: .smime)
            openpgp = try c.decodeIfPresent(OpenPGP.self, forKey: .openpgp)
        }
    }

    struct Calendar: Decodable {
        var timeZone: String?
        var workingHours: String?
        var workingDays: [String]?
        var holidays: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case timeZone = "time_zone", workingHours = "working_hours", workingDays = "working_days", holidays
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
            workingHours = try c.decodeIfPresent(String.self, forKey: .workingHours)
            workingDays = try c.decodeIfPresent([String].self, forKey: .workingDays)
            holidays = try c.decodeIfPresent([String].self, forKey: .holidays)
        }
    }

    struct Workflow: Decodable {
        var answerWorkingDays: Int?
        var escalationLimit: Int?
        var testingMinimumDays: Int?
        var testingMaximumDays: Int?
        var strongAuthentication: [String]?
        var digest: Digest?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case digest
            case answerWorkingDays = "answer_working_days", escalationLimit = "escalation_limit"
            case testingMinimumDays = "testing_minimum_days", testingMaximumDays = "testing_maximum_days"
            case strongAuthentication = "strong_authentication"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            answerWorkingDays = try c.decodeIfPresent(Int.self, forKey: .answerWorkingDays)
            escalationLimit = try c.decodeIfPresent(Int.self, forKey: .escalationLimit)
            testingMinimumDays = try c.decodeIfPresent(Int.self, forKey: .testingMinimumDays)
            testingMaximumDays = try c.decodeIfPresent(Int.self, forKey: .testingMaximumDays)
            strongAuthentication = try c.decodeIfPresent([String].self, forKey: .strongAuthentication)
            digest = try c.decodeIfPresent(Digest.self, forKey: .digest)
        }
    }

    struct Hooks: Decodable {
        var stageRollout: [String]?
        var production: [String]?
        var timeoutSeconds: Int?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case stageRollout = "stage_rollout", production, timeoutSeconds = "timeout_seconds"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            stageRollout = try c.decodeIfPresent([String].self, forKey: .stageRollout)
            production = try c.decodeIfPresent([String].self, forKey: .production)
            timeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds)
        }
    }

    struct Stack: Decodable {
        var managers: [String]
        var lists: [String]?
        /// The directory group of the stack's managers (issue 22); then `managers` may be left out.
        var managersGroup: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case managers, lists, managersGroup = "managers_group" }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            managersGroup = try c.decodeIfPresent(String.self, forKey: .managersGroup)
            managers = try managersGroup == nil ? c.decode([String].self, forKey: .managers) : c.decodeIfPresent([String].self, forKey: .managers) ?? []
            lists = try c.decodeIfPresent([String].self, forKey: .lists)
        }
    }

    struct Team: Decodable {
        var members: [String]
        var stacks: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable { case members, stacks }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            // With a directory a team may list no members here (checked when the file is converted).
            members = try c.decodeIfPresent([String].self, forKey: .members) ?? []
            stacks = try c.decodeIfPresent([String].self, forKey: .stacks)
        }
    }

    struct Rule: Decodable {
        var when: String
        var to: [String]
        var template: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case when, to, template }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            when = try c.decode(String.self, forKey: .when)
            to = try c.decode([String].self, forKey: .to)
            template = try c.decodeIfPresent(String.self, forKey: .template)
        }
    }

    var gateway: Gateway
    var store: Store
    var outbox: Outbox?
    var smtp: Server?
    var imap: Server?
    var inbound: Inbound?
    var metrics: Metrics?
    var calendar: Calendar?
    var workflow: Workflow?
    var hooks: Hooks?
    var releaseManagers: [String]
    var stacks: [String: Stack]
    var teams: [String: Team]
    var templates: String?
    var notifications: [Rule]?
    var gocdb: GOCDB?
    var directory: Directory?
    var web: Web?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case gateway, store, outbox, smtp, imap, inbound, metrics, calendar, workflow, hooks, releaseManagers = "release_managers", stacks, teams
        case templates, notifications, gocdb, directory, web
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(CodingKeys.self)
        gateway = try c.decode(Gateway.self, forKey: .gateway)
        store = try c.decode(Store.self, forKey: .store)
        outbox = try c.decodeIfPresent(Outbox.self, forKey: .outbox)
        inbound = try c.decodeIfPresent(Inbound.self, forKey: .inbound)
        smtp = try c.decodeIfPresent(Server.self, forKey: .smtp)
        metrics = try c.decodeIfPresent(Metrics.self, forKey: .metrics)
        imap = try c.decodeIfPresent(Server.self, forKey: .imap)
        calendar = try c.decodeIfPresent(Calendar.self, forKey: .calendar)
        workflow = try c.decodeIfPresent(Workflow.self, forKey: .workflow)
        hooks = try c.decodeIfPresent(Hooks.self, forKey: .hooks)
        releaseManagers = try c.decode([String].self, forKey: .releaseManagers)
        stacks = try c.decode([String: Stack].self, forKey: .stacks)
        teams = try c.decode([String: Team].self, forKey: .teams)
        templates = try c.decodeIfPresent(String.self, forKey: .templates)
        notifications = try c.decodeIfPresent([Rule].self, forKey: .notifications)
        gocdb = try c.decodeIfPresent(GOCDB.self, forKey: .gocdb)
        directory = try c.decodeIfPresent(Directory.self, forKey: .directory)
        web = try c.decodeIfPresent(Web.self, forKey: .web)
    }
}

/// Any key, to list what a mapping holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// A keyed container that refuses keys outside `keys`, naming the unknown key and the known ones.
    func strictContainer<Key: CodingKey & CaseIterable>(_ keys: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let known = Set(Key.allCases.map(\.stringValue))
        let all = try container(keyedBy: AnyCodingKey.self)
        for key in all.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: all,
                debugDescription: "unknown key '\(key.stringValue)'; expected one of \(known.sorted().joined(separator: ", "))")
        }
        return try container(keyedBy: Key.self)
    }
}
