import Foundation
import RolloutCore
import Yams

/// The validated configuration: everything the gateway needs, in its own types.
public struct GatewayConfiguration: Sendable {
    /// The file it was read from.
    public var file: String
    /// The gateway's own address: sender of notifications, base of the signed reply addresses.
    public var address: EmailAddress
    public var displayName: String
    /// Subject tag texts for the two queues (`[staged-rollout #12]`, `[sw-rel #11]`).
    public var tags: [Queue: String]
    /// Files holding the secrets of reply addresses, newest first: the first signs, all verify (key rotation).
    public var secretFiles: [String]
    /// The store: a SQLite file or a PostgreSQL database.
    public var store: StoreSettings
    /// The SQLite file of the store; empty when the store is PostgreSQL.
    public var storePath: String {
        if case .sqlite(let path) = store { return path }
        return ""
    }
    /// `store.sqlite_map_mib`: how much of the SQLite file readers map into memory (`PRAGMA mmap_size`), in bytes;
    /// pages the kernel may drop, counted as the process's file-backed RSS, not its own memory. 0: no mapping.
    public var sqliteMapBytes = Self.defaultSQLiteMapBytes
    public static let defaultSQLiteMapBytes = 256 << 20
    public var outboxMaildir: String?
    /// The certificate and key the gateway signs its own mail with (`outbox.smime`); nil: its mail goes unsigned.
    public var outboxSigning: OutboxSigningSettings?
    public var maxDeliveryAttempts: Int
    /// `outbox.max_attachment_bytes`: the largest file sent by mail (the report bundle answering `bundle`); a larger
    /// one is answered with how to fetch it.
    public var maxAttachmentBytes = Self.defaultMaxAttachmentBytes
    public static let defaultMaxAttachmentBytes = 10_000_000
    /// `workflow.digest`: when the managers' weekly digest goes out; nil (absent) means never.
    public var digest: DigestSchedule?
    public var hooks: [HookRun.Hook: [String]]
    public var hookTimeoutSeconds: Int
    public var templatesDirectory: String?
    public var workflow: WorkflowContext
    /// Outbound volume caps over a sliding hour, each class of mail apart (``OutboxKind/CapClass``): no fault may turn
    /// the gateway into a mail cannon. Messages to one address (a manager gets one per team answer in a burst)…
    public var perRecipientPerHour: Int
    /// …and notifications about one ticket (per-person copies counted once).
    public var perTicketPerHour: Int
    /// Sized for a real burst: 200 replies in an hour from 100 people in 50 teams on one ticket put 50 acceptances and
    /// the relays in a manager's mailbox and up to 200 answers on the ticket; several times that still goes out at once.
    public static let defaultPerRecipientPerHour = 300
    public static let defaultPerTicketPerHour = 1000
    /// The SMTP server `send` delivers through; without it, the outbox goes into `outboxMaildir`.
    public var smtp: MailServerSettings?
    /// The IMAP mailbox `run` fetches from.
    public var imap: MailServerSettings?
    /// Where `run` writes its per-run figures for node_exporter's textfile collector.
    public var metricsTextfile: String?
    /// The grid's service registry, for the teams' beta downtimes (`gocdb:`); nil when not configured.
    public var gocdb: GOCDBSettings?
    /// The web view's settings (`web:`; `serve`).
    public var web: WebSettings = .defaults
    /// The authserv-ids of the receiving MTAs whose `Authentication-Results` are believed.
    public var trustedAuthservIDs: [String]
    /// The operator's other hosts on the way in (content filters, the IMAP server's LMTP): names or addresses.
    public var internalHosts: [String]
    /// How a DKIM signing domain must match the From's domain (`inbound.dkim_alignment`): strict (equal) by
    /// default, or relaxed (the same organizational domain, from the Public Suffix List the composition root brings).
    public var dkimAlignment: DKIMAlignmentMode
    /// What may make a sender strong (`inbound.strong_by`): by default a reply token or the sender's signature (DKIM
    /// proves a domain, not a person: `dkim` and `dmarc` are the operator's choice).
    public var strongBases: Set<AuthenticationBasis>
    /// How S/MIME signatures are checked (`inbound.smime`).
    public var smime: SMIMESettings
    /// How OpenPGP signatures are checked (`inbound.openpgp`); nil: they are not, and such mail counts as unsigned.
    public var openpgp: OpenPGPSettings?
    /// How old a mail may be when it arrives and still carry commands that need a strong sender (`inbound.max_age`).
    public var maxMessageAge: TimeInterval
    /// The EA lists' sending hosts (`inbound.list_hosts`, addresses): a copy our MTA took from one of them came
    /// through the list even without a signature of the list's domain.
    public var listHosts: [String]
    /// Larger messages are answered and set aside, never applied.
    public var maxMessageBytes: Int
    /// Answers (transcripts, error replies) to one address per hour at most.
    public var repliesPerHour: Int
    /// Set-aside messages kept, in bytes at most (`inbound.set_aside_max_bytes`); the oldest are dropped past it.
    public var setAsideMaxBytes: Int
    /// The files one ticket keeps, in bytes at most (`inbound.ticket_files_max_bytes`): a file that would pass it is not
    /// kept, and its sender is told.
    public var ticketFilesMaxBytes = 100 << 20
    /// Where people and groups come from besides this file (`directory:`, issue 22); nil without one.
    public var directory: DirectorySettings?

    /// Reads and validates a configuration file. Relative paths are taken from the file's folder.
    public static func load(from path: String) throws -> GatewayConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, key: "", line: nil, problem: "cannot be read (\(error.localizedDescription)); expected a readable UTF-8 YAML file")
        }
        return try parse(text, file: path)
    }

    /// How the file's plain scalars are tagged: merge keys only, as YAMLDecoder does when it parses text itself.
    /// Decoding never looks at the other tags (each type reads the text), and the default resolver tries every
    /// plain scalar against six regular expressions (bool, int, float, null, …): a quarter of an idle `tick`.
    static let mergeKeysResolver = Resolver.basic.appending(.merge)

    /// The resolver for `text`: without `<<` in it no plain scalar can be a merge key (a plain scalar holds its
    /// text as written: no escapes, and a folded line break becomes a space; quoted ones are never resolved), so
    /// none needs the merge rule's regular expression, run on every key (5 million instructions for 900 teams).
    static func resolver(for text: String) -> Resolver {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "<"), previous == byte { return mergeKeysResolver }
            previous = byte
        }
        return .basic
    }

    /// Parses configuration text; `file` names it in errors and anchors relative paths.
    public static func parse(_ text: String, file: String) throws -> GatewayConfiguration {
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: text, resolver(for: text)) else {
                throw ConfigurationError(file: file, key: "", line: nil, problem: "is empty; expected a YAML mapping with gateway, store, stacks, teams, release_managers")
            }
            node = composed
        } catch let error as YamlError {
            throw ConfigurationError(file: file, key: "", line: error.line, problem: "is not valid YAML: \(error.problem)")
        }
        let raw: ConfigurationFile
        do {
            raw = try decodeFile(node)
        } catch let error as DecodingError {
            throw locate(error, in: node, file: file)
        }
        do {
            return try GatewayConfiguration(raw, file: file)
        } catch let problem as ConfigurationProblem {
            throw ConfigurationError(
                file: file, key: problem.path.joined(separator: "."), line: line(of: problem.path, in: node),
                problem: problem.problem)
        }
    }

    /// The file's contents, its `teams` decoded one team at a time: Yams finds each key of a mapping by walking the
    /// mapping, so a mapping of n teams decoded as a dictionary costs n² (1.4 s of CPU for 3,000 teams, before every
    /// command). A `teams` that is not a plain mapping of names (merge keys, or not a mapping) is decoded as a whole.
    private static func decodeFile(_ node: Node) throws -> ConfigurationFile {
        guard case .mapping(var top) = node, case .mapping(let teams)? = top["teams"],
            teams.allSatisfy({ $0.key.scalar != nil && $0.key.string != "<<" })
        else {
            return try YAMLDecoder().decode(ConfigurationFile.self, from: node)
        }
        top["teams"] = .mapping(Node.Mapping([]))
        // One decoder for all: making one reads the whole process environment (its default encoding).
        let decoder = YAMLDecoder()
        var file = try decoder.decode(ConfigurationFile.self, from: .mapping(top))
        var decoded: [String: ConfigurationFile.Team] = [:]
        for (key, value) in teams {
            let name = key.string ?? ""
            // A name given twice never gets here (the parser refuses repeated keys); were it to, the first would
            // stand, as a look-up in the mapping finds it.
            guard decoded[name] == nil else { continue }
            do {
                decoded[name] = try ConfigurationFile.Team(plain: value) ?? decoder.decode(ConfigurationFile.Team.self, from: value)
            } catch let error as DecodingError {
                throw error.under([ConfigurationPathKey("teams"), ConfigurationPathKey(name)])
            }
        }
        file.teams = decoded
        return file
    }

    private static func locate(_ error: DecodingError, in node: Node, file: String) -> ConfigurationError {
        let (path, problem): ([CodingKey], String)
        switch error {
        case .keyNotFound(let key, let context):
            (path, problem) = (context.codingPath, "the key '\(key.stringValue)' is missing")
        case .typeMismatch(let type, let context):
            (path, problem) = (context.codingPath, "expected \(describe(type)); \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            (path, problem) = (context.codingPath, "a value is missing; expected \(describe(type))")
        case .dataCorrupted(let context):
            (path, problem) = (context.codingPath, context.debugDescription)
        @unknown default:
            (path, problem) = ([], "\(error)")
        }
        let keys = path.map { $0.intValue.map(String.init) ?? $0.stringValue }
        return ConfigurationError(file: file, key: keys.joined(separator: "."), line: line(of: keys, in: node), problem: problem)
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a text value"
        case is Int.Type: "a whole number"
        case is [String].Type: "a list of text values"
        default: "a \(type)"
        }
    }

    /// The line of the deepest part of `path` present in the document (1-based).
    static func line(of path: [String], in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        for key in path {
            if let mapping = node.mapping, let (keyNode, value) = mapping.first(where: { $0.key.string == key }) {
                line = keyNode.mark?.line ?? line
                node = value
            } else if let sequence = node.sequence, let index = Int(key), sequence.indices.contains(index) {
                node = sequence[index]
                line = node.mark?.line ?? line
            } else {
                break
            }
        }
        return line
    }
}

/// A mail server as configured (SMTP or IMAP). The adapters turn it into their own configuration.
public struct MailServerSettings: Sendable, Equatable {
    public var url: String
    public var helo: String?
    /// `required`, `opportunistic` or `off`.
    public var startTLS: String
    public var verifyCertificates: Bool
    public var caFile: String?
    /// `user:password` (or two lines); else the environment is read.
    public var credentialsFile: String?
    public var mailbox: String
    public var processedFolder: String?
    public var processedKeyword: String?
    public var quarantineFolder: String
    public var connections: Int
    /// Attempts before a message that cannot be processed is quarantined.
    public var maxAttempts: Int
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    var problem: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(self)"
        }
    }
}
