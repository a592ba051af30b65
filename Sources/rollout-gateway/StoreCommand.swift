import ArgumentParser
import Foundation
import Logging
import RolloutGateway

struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Work on the store itself.", subcommands: [Copy.self])

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy every ticket, its history, timers, outbox and seen messages from one configuration's store into another's.",
            discussion: """
                Moves an installation from SQLite to PostgreSQL, or back. The target store must hold no ticket yet (its schema is
                created). Stop the gateway's timer and mail delivery during the copy (an MTA keeps the mail meanwhile). The copy is
                verified: the same number of rows in every table, and the same checksum of the tickets and their history.
                Exit status: 0 copied and verified; 65 the copy differs; 74 a store cannot be used; 78 a configuration error.
                """)

        @Option(help: "The configuration whose store is read.") var from: String
        @Option(help: "The configuration whose store is written (empty).") var to: String
        @Flag(name: .shortAndLong, help: "Log debug detail.") var verbose = false

        func run() async throws {
            try await guarded {
                var logger = Logger(label: "rollout-gateway") { KeyValueLogHandler(label: $0) }
                logger.logLevel = verbose ? .debug : .info
                logger[metadataKey: "run"] = "store-copy"
                let source = try Environment.openStore(try GatewayConfiguration.load(from: from), logger: logger)
                let target = try Environment.openStore(try GatewayConfiguration.load(from: to), logger: logger)
                do {
                    let report = try await StoreCopy.copy(from: source, to: target)
                    for (table, count) in report.rows.sorted(by: { $0.key < $1.key }) { print("  \(table): \(count) rows") }
                    print("copied and verified: \(report.rows["tickets"] ?? 0) tickets, \(report.rows["history"] ?? 0) history entries; \(report.checksum)")
                } catch let mismatch as StoreCopy.Mismatch {
                    throw ExitStatus.report(mismatch, status: ExitStatus.dataError)
                }
            }
        }
    }
}
