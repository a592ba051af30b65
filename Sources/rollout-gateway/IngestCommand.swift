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
            var tally = Tally()
            /// One message of an mbox or a file list: a temporary failure stops the batch, anything else is
            /// logged and the batch goes on (SPEC §5: processing continues with the next message).
            func ingestOne(_ raw: [UInt8], named name: String) async throws {
                do {
                    var analysis = ingest.prepare(raw)
                    analysis.source = name
                    tally.count(try await ingest.ingest(prepared: analysis))
                } catch where Self.isTemporary(error) {
                    throw error
                } catch {
                    tally.failed += 1
                    environment.gateway.logger.error("message not processed", metadata: ["file": "\(name)", "reason": "\(error)"])
                }
            }
            if let maildir {
                let source = MaildirSource(root: maildir)
                // Messages leave new/ only once their commits are synced: a group at a time.
                var committed: [MaildirSource.Entry] = []
                var moving: Task<Void, any Error>?
                /// Syncs the commits, then moves their messages to cur/ on the other core while the next group commits;
                /// `finish` waits for the moves.
                func release(finish: Bool = false) async throws {
                    try await moving?.value
                    try await store.flush()
                    let synced = committed
                    committed.removeAll()
                    moving = Task { for entry in synced { try source.markDone(entry) } }
                    if finish { try await moving?.value }
                }
                // Reading and parsing the next group runs on the other core while this group commits.
                let limit = environment.configuration.maxMessageBytes + 1
                let groups = Self.groups(of: try source.pending(), bytes: 32 << 20, count: 64)
                @Sendable func prepare(_ group: [MaildirSource.Entry]) -> [(MaildirSource.Entry, Result<Ingest.Analysis, any Error>)] {
                    group.map { entry in
                        (entry, Result {
                            var analysis = ingest.prepare(try source.read(entry, limit: limit))
                            analysis.source = "maildir \(maildir)/new/\(entry.name)"
                            return analysis
                        })
                    }
                }
                var next: Task<[(MaildirSource.Entry, Result<Ingest.Analysis, any Error>)], Never>? =
                    groups.first.map { first in Task { prepare(first) } }
                for index in groups.indices {
                    let prepared = await next!.value
                    next = index + 1 < groups.count ? Task { [group = groups[index + 1]] in prepare(group) } : nil
                    // A group is one batch of the store; its messages count as committed once the batch is.
                    // After a temporary failure, the rest stays in new/ for the next run.
                    let (applied, stop) = try await store.applyInBatch(prepared, stoppingAt: Self.isTemporary) {
                        entry, reading -> MaildirSource.Entry? in
                        do {
                            tally.count(try await ingest.ingest(prepared: try reading.get()))
                            return entry
                        } catch where Self.isTemporary(error) {
                            throw error
                        } catch {
                            tally.failed += 1
                            try source.setAside(entry, reason: "\(error)")
                            environment.gateway.logger.error(
                                "message set aside in failed/", metadata: ["file": "\(entry.name)", "reason": "\(error)"])
                            return nil
                        }
                    }
                    committed += applied.compactMap { $0 }
                    if let stop {
                        try await release(finish: true)
                        tally.print(environment)
                        throw stop
                    }
                    if committed.count >= 256 { try await release() }
                }
                try await release(finish: true)
            } else if let mbox {
                for raw in try MboxReader(path: mbox) { try await ingestOne(raw, named: "message \(tally.total + 1) of \(mbox)") }
                try await store.flush()
            } else if !files.isEmpty {
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        throw GatewayError.invalidInput("cannot read \(file)")
                    }
                    try await ingestOne([UInt8](data), named: file)
                }
                try await store.flush()
            } else {
                let raw = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
                do {
                    tally.count(try await ingest.ingest(raw))
                    try await store.flush()  // the MTA hears "delivered" only after this
                } catch let error as StoreError where error.isTemporaryFailure || error.isUnavailable {
                    // The MTA keeps the message and retries: nothing is lost.
                    throw ExitStatus.report(error, status: ExitStatus.temporaryFailure)
                }
            }
            tally.print(environment)
        }
    }

    /// Failures the next run may not meet: a busy store, a conflict, a hook that failed.
    static func isTemporary(_ error: any Error) -> Bool {
        switch error {
        case let error as StoreError: error.isTemporaryFailure
        case GatewayError.hookFailed, GatewayError.tooManyConflicts: true
        default: false
        }
    }

    /// Splits entries into groups of at most `count` messages and about `bytes` bytes.
    static func groups(of entries: [MaildirSource.Entry], bytes: Int, count: Int) -> [[MaildirSource.Entry]] {
        var groups: [[MaildirSource.Entry]] = []
        var current: [MaildirSource.Entry] = []
        var size = 0
        for entry in entries {
            if !current.isEmpty, current.count >= count || size + entry.size > bytes {
                groups.append(current)
                current = []
                size = 0
            }
            current.append(entry)
            size += entry.size
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// Counts per disposition, for the one summary line of a run.
    struct Tally {
        var counts: [Ingest.Disposition: Int] = [:]
        var failed = 0
        var answered = 0
        var total: Int { counts.values.reduce(0, +) + failed }

        mutating func count(_ outcome: Ingest.Outcome) {
            counts[outcome.disposition, default: 0] += 1
            if outcome.answered { answered += 1 }
        }

        func print(_ environment: Environment) {
            environment.gateway.logger.info(
                "ingest done",
                metadata: [
                    "read": "\(total)", "applied": "\(counts[.applied] ?? 0)", "duplicates": "\(counts[.duplicate] ?? 0)",
                    "set-aside": "\(counts[.setAside] ?? 0)", "auto-replies": "\(counts[.autoReply] ?? 0)",
                    "bounces": "\(counts[.bounce] ?? 0)", "loops": "\(counts[.loop] ?? 0)", "failed": "\(failed)",
                    "answers-queued": "\(answered)",
                ])
        }
    }
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
