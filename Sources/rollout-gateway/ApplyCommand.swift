import ArgumentParser
import Foundation
import RolloutCore
import RolloutGateway

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply command lines to a ticket as if mailed by an address (for operators and tests).",
        discussion: """
            Each line of TEXT is read as a line of a reply's new text: commands apply in order, other lines are
            conversation. Use - to read TEXT from standard input. Exits 65 when a command was refused.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The ticket's number.") var ticket: Int
    @Option(name: .customLong("as"), help: "The sender's address.") var sender: String
    @Flag(help: "Treat the sender as strongly authenticated (as a reply to a signed address would be).") var strong = false
    @Option(name: .customLong("attach"), help: "A file to attach, as a mail attachment would be (repeatable).") var attachments: [String] = []
    @Argument(help: "The command lines, or - for standard input.") var text: String

    func run() async throws {
        try await guarded {
            let environment = try await Environment(options, label: "apply")
            let body = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
            let files = try attachments.map { path -> IncomingAttachment in
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw GatewayError.invalidInput("cannot read the attachment \(path)")
                }
                return IncomingAttachment(fileName: URL(fileURLWithPath: path).lastPathComponent, bytes: [UInt8](data))
            }
            let report = try await environment.gateway.apply(
                to: TicketID(ticket), sender: Sender(address: EmailAddress(sender), authentication: strong ? .strong : .weak, basis: strong ? .operator : .fromOnly),
                text: body, attachments: files, cause: .operatorAction("apply --as \(sender)"))
            try printResults(report)
        }
    }
}
