import ArgumentParser
import Foundation
import MailGMime
import RolloutCore
import RolloutGateway

/// `set-aside list|show|replay|drop`: the messages the gateway kept but did not apply.
struct SetAsideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-aside",
        abstract: "Messages kept but not applied (no ticket named, unknown sender, too large, …): list, show, replay, drop.",
        subcommands: [List.self, Show.self, Replay.self, Drop.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the set-aside messages, oldest first.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "set-aside list")
                let messages = try await environment.store.setAsideMessages()
                if json {
                    print(String(decoding: try TicketsCommand.encoder().encode(messages), as: UTF8.self))
                    return
                }
                for message in messages {
                    let when = ISO8601DateFormatter().string(from: message.receivedAt)
                    print("\(message.id ?? 0)\t\(when)\t\(message.size)\t\(message.sender ?? "-")\t\(message.subject)\t\(message.reason)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one set-aside message: why, when, from where, then the message itself.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print only the raw message.") var raw = false
        @Argument(help: "The number `set-aside list` shows.") var id: Int64

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "set-aside show")
                guard let message = try await environment.store.setAsideMessage(id) else {
                    throw GatewayError.invalidInput("there is no set-aside message \(id); `rollout-gateway set-aside list` shows them")
                }
                if !raw {
                    print("""
                        Set aside: \(ISO8601DateFormatter().string(from: message.receivedAt))
                        Reason: \(message.reason)
                        Source: \(message.source)
                        Message: \(message.key)
                        Size: \(message.size) bytes

                        """)
                }
                // print() is buffered and the raw write is not: out with the header first, or a pipe gets it last.
                fflush(nil)  // every output stream (`stdout` itself is not concurrency-safe to name)
                FileHandle.standardOutput.write(Data(message.bytes))
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Run a set-aside message through ingest again, once its cause is fixed.",
            discussion: """
                The message is applied as if it had just arrived and leaves the set-aside mail; if it is still not \
                applicable it is set aside again, with today's reason. --ticket applies it to a ticket named by hand \
                (for a message that names none). Exit status: 0 applied (or a duplicate of a copy applied meanwhile); \
                65 set aside again or no such message.
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "Apply it to this ticket, as if the message named it.") var ticket: Int?
        @Argument(help: "The number `set-aside list` shows.") var id: Int64

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "set-aside replay")
                let ingest = environment.ingest()
                guard let outcome = try await ingest.replaySetAside(id, ticket: ticket.map(TicketID.init)) else {
                    throw GatewayError.invalidInput("there is no set-aside message \(id); `rollout-gateway set-aside list` shows them")
                }
                print("\(outcome.disposition.rawValue)\(outcome.ticket.map { " on ticket #\($0.rawValue)" } ?? "")\(outcome.reason.map { ": \($0)" } ?? "")")
                for result in outcome.results { print("  \(result.line): \(result.status)") }
                if outcome.disposition == .setAside { throw ExitCode(ExitStatus.dataError) }
            }
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "drop", abstract: "Delete a set-aside message for good.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The number `set-aside list` shows.") var id: Int64

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "set-aside drop")
                guard try await environment.store.dropSetAside(id, forgettingSeen: false) else {
                    throw GatewayError.invalidInput("there is no set-aside message \(id); `rollout-gateway set-aside list` shows them")
                }
                environment.gateway.logger.notice("set-aside message dropped by the operator", metadata: ["set-aside": "\(id)"])
            }
        }
    }
}
