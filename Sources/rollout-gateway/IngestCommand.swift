import ArgumentParser
import Foundation
import MailGMime
import MailMaildir
import RolloutCore
import RolloutGateway

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read mail and apply it: one message on standard input (MTA alias, Mailman pipe), a Maildir, an mbox, or .eml files.",
        discussion: """
            With no source, one message is read from standard input; the exit status follows sysexits.h:
            0 when it was applied or set aside, 75 on a temporary failure (the MTA retries), 78 on a configuration error.
            A Maildir's messages move from new/ to cur/ only after their commit; a message that cannot be processed
            goes to failed/ with the reason beside it, and the batch goes on.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "A Maildir to read new/ from.") var maildir: String?
    @Option(help: "An mbox file to read.") var mbox: String?
    @Argument(help: ".eml files to read.") var files: [String] = []

    func run() async throws {
        try await guarded {
            let fromStandardInput = maildir == nil && mbox == nil && files.isEmpty
            let environment: Environment
            do {
                environment = try Environment(options, label: "ingest", groupCommits: true)
            } catch let error as StoreError where fromStandardInput {
                // The MTA keeps the message and tries again later: nothing is lost.
                throw ExitStatus.report(error, status: ExitStatus.temporaryFailure)
            }
            let store = environment.gateway.store
            let ingest = Ingest(gateway: environment.gateway, parser: GMimeMailParser())
            if let maildir {
                let source = MaildirSource(root: maildir)
                let loop = IngestLoop(ingest: ingest, source: source)
                let limit = environment.configuration.maxMessageBytes + 1
                defer { Self.printSummary(loop.report, environment) }
                try await loop.run {
                    for (index, entry) in try source.pending().enumerated() {
                        try await loop.add(entry, size: entry.size, source: "maildir \(maildir)/new/\(entry.name)") {
                            try source.read(entry, limit: limit)
                        }
                        // Messages leave new/ 256 at a time, once their commits are synced.
                        if index % 256 == 255 { try await loop.settle() }
                    }
                }
            } else if let mbox {
                let loop = IngestLoop(ingest: ingest, source: UnmovedSource())
                defer { Self.printSummary(loop.report, environment) }
                try await loop.run {
                    var index = 0
                    for raw in try MboxReader(path: mbox) {
                        index += 1
                        try await loop.add(index, size: raw.count, source: "message \(index) of \(mbox)") { raw }
                    }
                }
            } else if !files.isEmpty {
                let loop = IngestLoop(ingest: ingest, source: UnmovedSource())
                defer { Self.printSummary(loop.report, environment) }
                try await loop.run {
                    for (index, file) in files.enumerated() {
                        try await loop.add(index, size: 0, source: file) {
                            guard let data = FileManager.default.contents(atPath: file) else {
                                throw GatewayError.invalidInput("cannot read \(file)")
                            }
                            return [UInt8](data)
                        }
                    }
                }
            } else {
                let raw = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
                var report = IngestLoop<UnmovedSource>.Report()
                do {
                    let outcome = try await ingest.ingest(raw)
                    try await store.flush()  // the MTA hears "delivered" only after this
                    report.dispositions[outcome.disposition] = 1
                    report.answered = outcome.answered ? 1 : 0
                } catch let error as StoreError where error.isTemporaryFailure || error.isUnavailable {
                    // The MTA keeps the message and retries: nothing is lost.
                    throw ExitStatus.report(error, status: ExitStatus.temporaryFailure)
                }
                Self.printSummary(report, environment)
            }
        }
    }

    /// The one summary line of a run.
    static func printSummary<Source>(_ report: IngestLoop<Source>.Report, _ environment: Environment) {
        let counts = report.dispositions
        environment.gateway.logger.info(
            "ingest done",
            metadata: [
                "read": "\(report.total)", "applied": "\(counts[.applied] ?? 0)", "duplicates": "\(counts[.duplicate] ?? 0)",
                "set-aside": "\(counts[.setAside] ?? 0)", "auto-replies": "\(counts[.autoReply] ?? 0)",
                "bounces": "\(counts[.bounce] ?? 0)", "loops": "\(counts[.loop] ?? 0)", "failed": "\(report.failed)",
                "answers-queued": "\(report.answered)",
            ])
    }
}

/// Messages read from an mbox or from files stay where they are: a failed one is logged (by the loop), nothing moves.
struct UnmovedSource: IngestSource {
    func failed(_ index: Int, error: any Error) async throws -> IngestFailure { .keptAside }
    func release(done: [Int], quarantined: [Int], retry: [Int]) async throws {}
}

extension StoreError {
    var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }
}

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
            let environment = try Environment(options, label: "explain", openStore: !noStore)
            let ingest = Ingest(gateway: environment.gateway, parser: GMimeMailParser(), usesStore: !noStore)
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
