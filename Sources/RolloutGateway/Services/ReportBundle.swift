import Foundation
import RolloutCore

/// The report bundle of step 9b: what the managers put on the EGI document server as one document, described as
/// `Staged rollout <stack> <component> <version>` — each team's report (the last well-named one it sent), the summary
/// (the last well-named one), and `index.txt` saying what is in it, the files under the names the procedure gives them;
/// documents whose names break the rules (and nothing else is wrong with them) under `not-named-as-required/`, with
/// their problem in the index. Documents refused for another reason (content that is not what its name says, a team
/// not on the ticket) and other attachments (logs, screenshots) are listed, not bundled.
public struct ReportBundle: Sendable {
    /// The folder of the documents whose names break the rules.
    public static let badlyNamedFolder = "not-named-as-required"

    /// The document-server description.
    public var description: String
    /// `index.txt` first, then the reports and the summary, then the badly named documents.
    public var files: [ArchiveFile]

    /// A file of the bundle with what the index says of it (nil for a well-named one).
    typealias Entry = (file: ArchiveFile, note: String?)

    /// Gathers the bundle of a staged rollout from its attachments, oldest first (as the store lists them).
    ///
    /// - Throws: ``GatewayError/invalidInput(_:)`` when there is no report or summary to bundle.
    public init(rollout: StagedRolloutTicket, attachments: [StoredAttachment]) throws {
        let release = rollout.release
        let documents = attachments.filter { $0.verdict.kind != .other }
        guard !documents.isEmpty else {
            throw GatewayError.invalidInput(
                "ticket \(rollout.id) has no report or summary yet: nothing to bundle (a team attaches its report named ea-<NGI>-<Site-name>-\(release.fileNameStem).odt to a reply)")
        }
        var named: [Entry] = []
        var reportOf: [TeamName: String] = [:]
        // A team that sent its report again replaces it, whatever case or extension it used: the last one counts,
        // under the name the procedure gives it.
        for team in rollout.teams {
            guard let report = documents.last(where: { $0.verdict.kind == .report && $0.verdict.wellNamed && $0.verdict.team == team.team }) else {
                continue
            }
            let name = ReportFiles.reportName(team: team.team, release: release, extension: Self.fileExtension(report.verdict.fileName))
            named.append((ArchiveFile(path: name, bytes: report.bytes), nil))
            reportOf[team.team] = name
        }
        var summaryName: String?
        if let summary = documents.last(where: { $0.verdict.kind == .summary && $0.verdict.wellNamed }) {
            let name = ReportFiles.summaryName(release: release, extension: Self.fileExtension(summary.verdict.fileName))
            named.append((ArchiveFile(path: name, bytes: summary.bytes), nil))
            summaryName = name
        }
        var folder = UniqueNames()
        var badlyNamed: [Entry] = []
        var refused: [StoredAttachment] = []
        for document in documents where !document.verdict.wellNamed {
            let name = document.verdict.fileName
            let onlyTheName = ReportFiles.read(fileName: name, release: release, teams: rollout.teams.map(\.team)) == .badlyNamedDocument
                && ReportFiles.containerProblem(fileName: name, bytes: document.bytes) == nil
            guard onlyTheName else {
                refused.append(document)
                continue
            }
            let path = "\(Self.badlyNamedFolder)/" + folder.take(Self.safeName(name))
            badlyNamed.append((ArchiveFile(path: path, bytes: document.bytes), Self.safeName(document.verdict.problem ?? "not named as the procedure requires")))
        }
        let others = attachments.filter { $0.verdict.kind == .other }
        self.description = release.documentDescription
        let index = Self.index(rollout: rollout, reportOf: reportOf, summary: summaryName, files: named + badlyNamed, refused: refused, others: others)
        self.files = [ArchiveFile(path: "index.txt", bytes: Array(index.utf8))] + (named + badlyNamed).map(\.file)
    }

    /// The extension of a file name, in lower case (`odt` when it has none).
    static func fileExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return "odt" }
        return name[name.index(after: dot)...].trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// `index.txt`: what the document holds and where it comes from.
    static func index(
        rollout: StagedRolloutTicket, reportOf: [TeamName: String], summary: String?, files: [Entry], refused: [StoredAttachment], others: [StoredAttachment]
    ) -> String {
        var lines = [
            rollout.release.documentDescription,
            "",
            "ticket: \(rollout.id) \(rollout.title)",
            "release ticket: \(rollout.parent)",
            "status: \(rollout.status.rawValue)",
            "outcome: \(rollout.outcome?.rawValue ?? "not set")",
            "document ID: \(rollout.documentID ?? "not set")",
            "summary: \(summary ?? "none received")",
            "",
            "teams:",
        ]
        for team in rollout.teams {
            let answer = team.unassignedAt != nil ? "unassigned" : team.answer?.rawValue ?? "no answer"
            lines.append("  \(team.team): \(answer); report: \(reportOf[team.team] ?? "none")")
        }
        if rollout.teams.isEmpty { lines.append("  none assigned") }
        lines += ["", "files (SHA-256, bytes, name):"]
        for (file, note) in files {
            let line = "  \(SHA256Hex.of(file.bytes))  \(file.bytes.count)  \(file.path)"
            lines.append(note.map { "\(line): \($0)" } ?? line)
        }
        if !refused.isEmpty {
            lines += ["", "refused, not in the bundle (bytes, name: why):"]
            for document in refused {
                let why = Self.safeName(document.verdict.problem ?? "refused")
                lines.append("  \(document.bytes.count)  \(Self.safeName(document.verdict.fileName)): \(why)")
            }
        }
        if !others.isEmpty {
            lines += ["", "other attachments of the ticket, not in the bundle:"]
            for other in others { lines.append("  \(other.bytes.count)  \(Self.safeName(other.verdict.fileName))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The most bytes (UTF-8) of a name in the bundle or its index.
    static let nameLimit = 200

    /// A file name fit for an archive and for one line of the index: the last component of what the sender wrote,
    /// read scalar by scalar (a `/` cannot hide in a character with a combining mark), with every separator (`/`, `\`,
    /// `:`), control, format (bidirectional overrides), line or paragraph separator, private-use or unassigned scalar
    /// made `_`, without leading dots or blanks, and at most ``nameLimit`` bytes.
    public static func safeName(_ name: String) -> String {
        let separators: Set<Unicode.Scalar> = ["/", "\\", ":"]
        let scalars = name.unicodeScalars
        let last = scalars.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(Array.init) ?? []
        var kept = String.UnicodeScalarView()
        for scalar in last {
            let unsafe = separators.contains(scalar) || scalar.breaksOrHidesText
                || [.privateUse, .unassigned, .surrogate].contains(scalar.properties.generalCategory)
            let safe: Unicode.Scalar = unsafe ? "_" : scalar
            if kept.isEmpty, safe == "." || safe.properties.isWhitespace { continue }
            kept.append(safe)
        }
        let result = String(kept).prefix(utf8Bytes: nameLimit).trimmingCharacters(in: .whitespaces)
        return result.isEmpty ? "unnamed" : result
    }

    /// Names made unique within one folder: a second `a.odt` becomes `2-a.odt`.
    struct UniqueNames {
        private var taken: Set<String> = []

        mutating func take(_ name: String) -> String {
            var candidate = name
            var number = 2
            while !taken.insert(candidate.lowercased()).inserted {
                candidate = "\(number)-\(name)"
                number += 1
            }
            return candidate
        }
    }
}
