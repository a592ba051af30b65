import ArgumentParser
import Foundation
import MailGMime
import MailMaildir
import RolloutCore
import RolloutGateway

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Print what the gateway reads from a message and what it would do, changing nothing.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print JSON (schema in the README).") var json = false
    @Flag(help: "Do not open the store (no duplicate check, no dry run).") var noStore = false
    @Argument(help: "The message file (.eml).") var file: String

    func run() async throws {
        try await guarded {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw GatewayError.invalidInput("cannot read \(file); expected a message file")
            }
            let environment = try await Environment(options, label: "explain", openStore: !noStore)
            let ingest = environment.ingest(usesStore: !noStore)
            let analysis = try await ingest.analyze([UInt8](data))
            let explanation = analysis.explanation(registry: environment.configuration.workflow.registry)
            if json {
                let encoder = TicketsCommand.encoder()
                print(String(decoding: try encoder.encode(explanation), as: UTF8.self))
            } else {
                print(ExplanationText.render(explanation))
            }
        }
    }
}

/// The human-readable form of `explain`.
enum ExplanationText {
    static func render(_ e: Explanation) -> String {
        var lines = [
            "kind: \(e.kind)\(e.reasons.isEmpty ? "" : " (\(e.reasons.joined(separator: "; ")))")",
            "sender: \(e.sender ?? "none")\(e.senderSource.map { " (from \($0))" } ?? "")\(e.viaList ? ", via a list" : ""), authentication \(e.authentication) (\(e.authenticationBasis))\(e.token.map { ", reply token: \($0)" } ?? "")",
            "ticket: \(e.ticket.map { "#\($0)" } ?? "none")\(e.foundBy.map { " (by \($0))" } ?? "")\(e.queue.map { " in \($0)" } ?? "")",
        ]
        if let boundary = e.authenticationBoundary { lines.append("came in at: \(boundary)") }
        for evidence in e.authenticationEvidence { lines.append("authentication: \(evidence)") }
        for ignored in e.authenticationIgnored { lines.append("not counted: \(ignored)") }
        if let duplicate = e.duplicate { lines.append("duplicate: \(duplicate ? "yes" : "no")") }
        lines.append("would: \(e.action)\(e.problem.map { " — \($0)" } ?? "")\(e.answer ? "; the sender gets an answer" : "")")
        if !e.commands.isEmpty { lines.append("commands:") }
        for command in e.commands { lines.append("  \(command.joined(separator: " "))") }
        for bad in e.malformed { lines.append("  malformed: \(bad.line) — \(bad.message) (expected: \(bad.expected ?? ""))") }
        if !e.results.isEmpty { lines.append("dry run:") }
        for result in e.results { lines.append("  \(result.status): \(result.line) — \(result.message)") }
        for attachment in e.attachments {
            lines.append("attachment: \(attachment.filename) (\(attachment.kind)\(attachment.wellNamed ? "" : ", badly named"))\(attachment.problem.map { " — \($0)" } ?? "")")
        }
        for failed in e.failedRecipients { lines.append("failed recipient: \(failed.address) \(failed.action) \(failed.status ?? "")") }
        for defect in e.defects { lines.append("defect: \(defect)") }
        lines.append("new text:")
        lines.append(contentsOf: e.newText.split(separator: "\n", omittingEmptySubsequences: false).map { "  | \($0)" })
        return lines.joined(separator: "\n")
    }
}
