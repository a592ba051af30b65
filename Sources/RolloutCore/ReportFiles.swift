import Foundation

/// File-name rules for reports and summaries (SPEC §4 steps 8–9), and the container check of SPEC §5.
public enum ReportFiles {
    /// Extensions a team report may have.
    public static let reportExtensions = ["doc", "docx", "odt"]
    /// Extensions a summary may have.
    public static let summaryExtensions = ["doc", "odt"]

    /// `ea-<NGI>-<Site-name>-<MW stack>-<component>-<version>.<ext>`, e.g.
    /// `ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt`.
    public static func reportName(team: TeamName, release: ComponentRelease, extension ext: String = "odt") -> String {
        "\(team)-\(release.fileNameStem).\(ext)"
    }

    /// `summary-<MW stack>-<component>-<version>.<ext>`.
    public static func summaryName(release: ComponentRelease, extension ext: String = "odt") -> String {
        "summary-\(release.fileNameStem).\(ext)"
    }

    /// The expected names, as told to a sender: `ea-…-1.8.0-1.doc|docx|odt`.
    public static func expectedReportNames(team: TeamName, release: ComponentRelease) -> String {
        "\(team)-\(release.fileNameStem).\(reportExtensions.joined(separator: "|"))"
    }

    public static func expectedSummaryName(release: ComponentRelease) -> String {
        "summary-\(release.fileNameStem).\(summaryExtensions.joined(separator: "|"))"
    }

    /// What an attachment's name says it is.
    public enum NameReading: Equatable, Sendable {
        case report(TeamName)
        case summary
        /// A document (`.doc`, `.docx`, `.odt`) whose name follows neither rule.
        case badlyNamedDocument
        /// Anything else (logs, screenshots): kept, not judged.
        case other
    }

    /// Reads a file name against the rules for this release and the registered teams.
    public static func read(fileName: String, release: ComponentRelease, teams: some Sequence<TeamName>) -> NameReading {
        let name = fileName.trimmingWhitespace()
        guard let dot = name.lastIndex(of: ".") else { return .other }
        let ext = name[name.index(after: dot)...].lowercased()
        guard reportExtensions.contains(ext) else { return .other }
        let base = name[..<dot].lowercased()
        if base == "summary-\(release.fileNameStem)".lowercased(), summaryExtensions.contains(ext) { return .summary }
        for team in teams where base == "\(team)-\(release.fileNameStem)".lowercased() { return .report(team) }
        return .badlyNamedDocument
    }

    /// What the bytes of a file are.
    public enum Container: Equatable, Sendable {
        /// A ZIP archive whose first member is `mimetype` (OpenDocument).
        case openDocument
        case zip
        /// An OLE2 compound file (legacy `.doc`).
        case ole
        case other
    }

    /// Sniffs the container from the first bytes of a file.
    public static func container(of bytes: some Collection<UInt8>) -> Container {
        let head = Array(bytes.prefix(64))
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .ole }
        guard head.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return .other }
        // The ODF specification puts an uncompressed `mimetype` member first; its name starts at offset 30.
        if head.count >= 38, Array(head[30..<38]) == Array("mimetype".utf8) { return .openDocument }
        return .zip
    }

    /// Why the content does not match the extension, or nil when it does.
    public static func containerProblem(fileName: String, bytes: some Collection<UInt8>) -> String? {
        let ext = fileName.split(separator: ".").last.map { $0.lowercased() } ?? ""
        let found = container(of: bytes)
        switch ext {
        case "odt":
            return found == .openDocument ? nil : "is not an OpenDocument file (no ZIP container with a mimetype member) although its name ends in .odt"
        case "docx":
            return found == .zip || found == .openDocument ? nil : "is not a ZIP container although its name ends in .docx"
        case "doc":
            return found == .ole ? nil : "is not an OLE (Word 97–2003) file although its name ends in .doc"
        default:
            return nil
        }
    }
}
