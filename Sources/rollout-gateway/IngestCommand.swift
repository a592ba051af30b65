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
            0 when it was applied or set aside, 75 on a temporary failure or a configuration error (the MTA keeps the
            message and retries; 78 would make it bounce every message).
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
                environment = try await Environment(options, label: "ingest", groupCommits: true)
            } catch let error as StoreError where fromStandardInput {
                // The MTA keeps the message and tries again later: nothing is lost.
                throw ExitStatus.report(error, status: ExitStatus.temporaryFailure)
            } catch let error as ConfigurationError where fromStandardInput {
                // 78 is a hard failure to an MTA (Postfix: 5.3.5, "local configuration error"): every message would be
                // bounced to its sender, a forged one too, and lost to the gateway. 75 keeps them queued while the file
                // (named with its key and line in the log) is put right.
                throw ExitStatus.report(error, status: ExitStatus.temporaryFailure)
            }
            let store: any UnitOfWork = environment.store
            let ingest = environment.ingest()
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
                if let unreadable = files.first(where: { !FileManager.default.isReadableFile(atPath: $0) }) {
                    throw GatewayError.invalidInput("cannot read \(unreadable)")
                }
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
                } catch let error as StoreError {
                    // A row the schema refused (a race on a unique key, or a fault of the store) is the store's, never the
                    // message's: 70 would make the MTA bounce it. It keeps the message and retries (75); the fault is logged.
                    guard case .brokenConstraint = error else { throw error }
                    throw ExitStatus.report(error, status: ExitStatus.temporaryFailure)
                }
                Self.printSummary(report, environment)
            }
        }
    }

    /// The one summary line of a run.
    static func printSummary<Source>(_ report: IngestLoop<Source>.Report, _ environment: Environment) {
        StageTimes.printReport()
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
