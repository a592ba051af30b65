import Foundation
import RolloutCore

/// The report bundle of step 9b: what the managers put on the EGI document server as one document, described as
/// `Staged rollout <stack> <component> <version>` — every well-named report (the last one a team sent under each
/// name), the summary, and `index.txt` saying what is in it; reports named against the rules under
/// `not-named-as-required/`, with their problem in the index. Other attachments (logs, screenshots) are listed, not
/// bundled.
public struct ReportBundle: Sendable {
    /// The folder of the reports whose names break the rules.
    public static let badlyNamedFolder = "not-named-as-required"

    /// The document-server description.
    public var description: String
    /// `index.txt` first, then the well-named files, then the badly named ones.
    public var files: [ArchiveFile]

    /// Gathers the bundle of a staged rollout from its attachments, oldest first (as the store lists them).
    ///
    /// - Throws: ``GatewayError/invalidInput(_:)`` when there is no report or summary to bundle.
    public init(rollout: StagedRolloutTicket, attachments: [StoredAttachment]) throws {
        let documents = attachments.filter { $0.verdict.kind != .other }
        guard !documents.isEmpty else {
            throw GatewayError.invalidInput(
                "ticket \(rollout.id) has no report or summary yet: nothing to bundle (a team attaches its report named ea-<NGI>-<Site-name>-\(rollout.release.fileNameStem).odt to a reply)")
        }
        var wellNamed = UniqueNames()
        var badlyNamed = UniqueNames()
        var kept: [(file: ArchiveFile, note: String?)] = []
        // A team that sent its report again replaces it: the last file under a name is the one bundled.
        let lastOfEachName = Dictionary(documents.enumerated().filter(\.element.verdict.wellNamed).map { ($0.element.verdict.fileName, $0.offset) }) { $1 }
        for (offset, document) in documents.enumerated() {
            let verdict = document.verdict
            if verdict.wellNamed {
                guard lastOfEachName[verdict.fileName] == offset else { continue }
                kept.append((ArchiveFile(path: wellNamed.take(Self.safeName(verdict.fileName)), bytes: document.bytes), nil))
            } else {
                let path = "\(Self.badlyNamedFolder)/" + badlyNamed.take(Self.safeName(verdict.fileName))
                kept.append((ArchiveFile(path: path, bytes: document.bytes), verdict.problem ?? "not named as the procedure requires"))
            }
        }
        kept.sort { ($0.note != nil ? 1 : 0) < ($1.note != nil ? 1 : 0) }
        let others = attachments.filter { $0.verdict.kind == .other }
        let index = Self.index(rollout: rollout, files: kept, others: others)
        self.description = rollout.release.documentDescription
        self.files = [ArchiveFile(path: "index.txt", bytes: Array(index.utf8))] + kept.map(\.file)
    }

    /// `index.txt`: what the document holds and where it comes from.
    static func index(rollout: StagedRolloutTicket, files: [(file: ArchiveFile, note: String?)], others: [StoredAttachment]) -> String {
        var lines = [
            rollout.release.documentDescription,
            "",
            "ticket: \(rollout.id) \(rollout.title)",
            "release ticket: \(rollout.parent)",
            "status: \(rollout.status.rawValue)",
            "outcome: \(rollout.outcome?.rawValue ?? "not set")",
            "document ID: \(rollout.documentID ?? "not set")",
            "summary: \(rollout.summary ?? "none received")",
            "",
            "teams:",
        ]
        for team in rollout.teams {
            let answer = team.unassignedAt != nil ? "unassigned" : team.answer?.rawValue ?? "no answer"
            lines.append("  \(team.team): \(answer); report: \(team.report ?? "none")")
        }
        if rollout.teams.isEmpty { lines.append("  none assigned") }
        lines += ["", "files (SHA-256, bytes, name):"]
        for (file, note) in files {
            let line = "  \(SHA256Hex.of(file.bytes))  \(file.bytes.count)  \(file.path)"
            lines.append(note.map { "\(line): \($0)" } ?? line)
        }
        if !others.isEmpty {
            lines += ["", "other attachments of the ticket, not in the bundle:"]
            for other in others { lines.append("  \(other.bytes.count)  \(Self.safeName(other.verdict.fileName))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A file name fit for an archive: the last component of what the sender wrote (never a path out of the bundle:
    /// no `/`, `\`, leading dots), without control characters.
    public static func safeName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let printable = String(last.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == ":" ? "_" : Character($0) })
        let trimmed = printable.drop { $0 == "." || $0 == " " }.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? "unnamed" : String(trimmed.prefix(200))
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
