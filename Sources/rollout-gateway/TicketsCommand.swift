import ArgumentParser
import Foundation
import RolloutCore
import RolloutGateway

struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "List and show tickets.", subcommands: [List.self, Show.self])

    static func encoder() -> JSONEncoder { TicketViewJSON.encoder() }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List every ticket.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "tickets list")
                let tickets = try await environment.store.ticketSummaries()
                if json {
                    print(String(decoding: try TicketsCommand.encoder().encode(tickets), as: UTF8.self))
                    return
                }
                for ticket in tickets {
                    print("#\(ticket.id)\t\(ticket.queue)\t\(ticket.status)\t\(ticket.title)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a ticket: teams, answers, deadlines, timers, history.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print JSON (schema in the README).") var json = false
        @Argument(help: "The ticket's number.") var ticket: Int

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "tickets show")
                let view = try await environment.gateway.view(of: TicketID(ticket))
                if json {
                    print(String(decoding: try TicketsCommand.encoder().encode(view), as: UTF8.self))
                } else {
                    print(TicketText.render(view, calendar: environment.configuration.workflow.policy.calendar))
                }
            }
        }
    }
}
