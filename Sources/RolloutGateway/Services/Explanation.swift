import Foundation
import RolloutCore

/// What `explain --json` prints about a message. The schema is documented in the README; fields are only added.
public struct Explanation: Codable, Sendable, Equatable {
    public struct Attachment: Codable, Sendable, Equatable {
        public var filename: String
        /// `report`, `summary` or `other`.
        public var kind: String
        public var wellNamed: Bool
        @NullWhenAbsent public var team: String?
        @NullWhenAbsent public var problem: String?
    }

    public struct Result: Codable, Sendable, Equatable {
        public var line: String
        public var status: String
        public var message: String
        @NullWhenAbsent public var expected: String?
        @NullWhenAbsent public var refusal: String?
    }

    public struct Failed: Codable, Sendable, Equatable {
        public var address: String
        public var action: String
        @NullWhenAbsent public var status: String?
    }

    @NullWhenAbsent public var ticket: Int?
    @NullWhenAbsent public var queue: String?
    /// How the ticket was found: `signed-address`, `subject-tag`, `in-reply-to`, `references`, `returned-message`.
    @NullWhenAbsent public var foundBy: String?
    @NullWhenAbsent public var sender: String?
    @NullWhenAbsent public var senderSource: String?
    /// `reply`, `auto-reply`, `bounce` or `loop`.
    public var kind: String
    public var reasons: [String]
    /// Whether the store has seen the message; null without a store.
    @NullWhenAbsent public var duplicate: Bool?
    public var viaList: Bool
    /// `strong` or `weak`.
    public var authentication: String
    /// How the level was established: `token`, `dkim`, `dmarc`, `signature` or `from-only`.
    public var authenticationBasis: String
    /// The reply-address token the message was sent to: `person` (issued to the sender), `other-person`, `list`,
    /// `invalid`; null when it went to no token.
    @NullWhenAbsent public var token: String?
    /// The counting `Authentication-Results` that decided, and the fields that did not count with why.
    public var authenticationEvidence: [String]
    public var authenticationIgnored: [String]
    /// The `Received` hop where the message came in from outside, as found.
    @NullWhenAbsent public var authenticationBoundary: String?
    /// The commands, teams in their canonical `ea-<NGI>-<Site-name>` form.
    public var commands: [[String]]
    /// Lines meant as commands that are malformed.
    public var malformed: [Result]
    /// Whether the sender may give every command from this mail (allowed, strong enough, fresh, in the leading block);
    /// null when no ticket could be checked.
    @NullWhenAbsent public var authorized: Bool?
    /// What each command would do on the ticket now (dry run); empty without a store.
    public var results: [Result]
    public var attachments: [Attachment]
    public var failedRecipients: [Failed]
    public var defects: [String]
    public var textFromHtml: Bool
    /// The new text the commands were read from, with the quoted lines it answers shown in place as context
    /// (``ReplyText/shownText``; quoted lines are never commands).
    public var newText: String
    /// What the gateway would do: `apply`, `record-duplicate`, `record-loop`, `record-auto-reply`, `record-bounce`, `set-aside`.
    public var action: String
    /// Why it would be set aside.
    @NullWhenAbsent public var problem: String?
    /// Whether the sender would get an answer (transcript or error reply).
    public var answer: Bool
    /// A valid signature's signer: the certificate's subject and issuer (one-line DNs), or the OpenPGP key's user ID
    /// and `OpenPGP key <fingerprint>`; null without one.
    @NullWhenAbsent public var signer: String? = nil
    @NullWhenAbsent public var signerIssuer: String? = nil
    /// Why the message's signature was not accepted (the message is then weak); null when it was, or none was there.
    @NullWhenAbsent public var signatureProblem: String? = nil
    /// A signature the gateway does not check (OpenPGP without `inbound.openpgp`): the mail counted as unsigned.
    @NullWhenAbsent public var signatureUnchecked: String? = nil

    /// The canonical words of a command: teams as `ea-<NGI>-<Site-name>`.
    static func words(_ command: Command) -> [String] {
        func canonical(_ team: String) -> String { TeamName(team)?.description ?? team }
        switch command {
        case .accept(let team), .reject(let team), .unassign(let team): return [command.verb.rawValue, canonical(team)]
        case .downtime(let team, let on): return [command.verb.rawValue, canonical(team), on ? "on" : "off"]
        case .assign(let teams): return [command.verb.rawValue] + teams.map(canonical)
        case .extend(let team, let days): return [command.verb.rawValue, team.map(canonical) ?? "all", String(days)]
        default: return command.words
        }
    }
}

extension Ingest.Analysis {
    /// The explanation of this analysis, for `explain`.
    public func explanation(registry: Registry) -> Explanation {
        let commands = lines.compactMap { line -> [String]? in
            if case .command(let command) = line.reading { return Explanation.words(command) }
            return nil
        }
        let malformed = lines.compactMap { line -> Explanation.Result? in
            guard case .malformed(let verb, let problem) = line.reading else { return nil }
            return .init(line: line.text.trimmingCharacters(in: .whitespaces), status: "refused", message: problem, expected: verb.usage, refusal: "malformed")
        }
        let results = (decision?.results ?? []).map {
            Explanation.Result(line: $0.line, status: $0.status.rawValue, message: $0.message, expected: $0.expected, refusal: $0.refusal?.rawValue)
        }
        let authorized: Bool? = decision.map { decision in
            // Refused for who sent it or how sure we are of it: not allowed, not strong, stale, or where it stands.
            let trust: Set<CommandResult.RefusalKind> = [.notAuthorized, .needsStrongAuthentication, .staleOrReplayed, .outsideLeadingBlock]
            return !decision.results.contains { $0.refusal.map(trust.contains) ?? false }
        }
        let attachments: [Explanation.Attachment]
        if let verdicts = decision?.attachments, verdicts.count == message.attachments.count {
            attachments = verdicts.map { .init(filename: $0.fileName, kind: $0.kind.rawValue, wellNamed: $0.wellNamed, team: $0.team?.description, problem: $0.problem) }
        } else {
            attachments = message.attachments.map { attachment in
                let name = attachment.fileName
                guard let release else {
                    let isDocument = ReportFiles.reportExtensions.contains(name.split(separator: ".").last.map { $0.lowercased() } ?? "")
                    return .init(filename: name, kind: isDocument ? "report" : "other", wellNamed: !isDocument, team: nil, problem: isDocument ? "no ticket to check the name against" : nil)
                }
                switch ReportFiles.read(fileName: name, release: release, teams: registry.teams.keys) {
                case .report(let team):
                    let problem = ReportFiles.containerProblem(fileName: name, bytes: attachment.bytes)
                    return .init(filename: name, kind: "report", wellNamed: problem == nil, team: team.description, problem: problem)
                case .summary: return .init(filename: name, kind: "summary", wellNamed: true, team: nil, problem: nil)
                case .badlyNamedDocument: return .init(filename: name, kind: "report", wellNamed: false, team: nil, problem: "the name follows neither the report nor the summary rule")
                case .other: return .init(filename: name, kind: "other", wellNamed: true, team: nil, problem: nil)
                }
            }
        }
        let action: String =
            switch disposition {
            case .applied: "apply"
            case .duplicate: "record-duplicate"
            case .loop: "record-loop"
            case .autoReply: "record-auto-reply"
            case .bounce: "record-bounce"
            case .setAside: "set-aside"
            }
        // A message is answered once: when it holds commands, or when anything it causes would reach its sender
        // (a report received or refused), which the transcript then folds in (AnswerFolding).
        let reachesSender =
            decision.map { decision in
                !decision.results.isEmpty || decision.notifications.contains { note in sender.map(note.recipients.contains) ?? false }
            } ?? (lines.contains { !$0.reading.isConversation } || !message.attachments.isEmpty)
        let wantsAnswer = disposition == .setAside || (disposition == .applied && reachesSender)
        var explanation = Explanation(
            ticket: ticket?.rawValue, queue: queue?.rawValue, foundBy: foundBy?.rawValue, sender: sender?.value,
            senderSource: classification.senderSource.map(Self.sourceName), kind: Self.kindName(classification.kind),
            reasons: classification.reasons, duplicate: duplicate, viaList: classification.viaList,
            authentication: authentication.rawValue, authenticationBasis: basis.rawValue, token: tokenName,
            authenticationEvidence: classification.authentication.evidence,
            authenticationIgnored: classification.authentication.ignored,
            authenticationBoundary: classification.authentication.boundary, commands: commands, malformed: malformed, authorized: authorized,
            results: results, attachments: attachments,
            failedRecipients: message.failedRecipients.map { .init(address: $0.address.value, action: $0.action, status: $0.status) },
            defects: message.defects, textFromHtml: message.textFromHTML, newText: reply.shownText, action: action, problem: problem,
            answer: wantsAnswer && mayAnswer)
        explanation.signer = signature?.signer?.subject
        explanation.signerIssuer = signature?.signer?.issuer
        explanation.signatureProblem = signature?.refusal
        explanation.signatureUnchecked = uncheckedSignature
        return explanation
    }

    var tokenName: String? {
        switch token {
        case .person(_, true): "person"
        case .person(_, false): "other-person"
        case .list: "list"
        case .invalid, .notSigned, nil: invalidToken == nil ? nil : "invalid"
        }
    }

    static func sourceName(_ source: MessageClassifier.SenderSource) -> String {
        switch source {
        case .from: "from"
        case .replyTo: "reply-to"
        }
    }

    static func kindName(_ kind: MessageClassifier.Kind) -> String {
        switch kind {
        case .reply: "reply"
        case .autoReply: "auto-reply"
        case .bounce: "bounce"
        case .loop: "loop"
        }
    }
}
