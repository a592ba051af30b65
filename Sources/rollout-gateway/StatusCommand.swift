import ArgumentParser
import Foundation
import RolloutGateway

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The outbox: how many messages are queued, sent and failed; which the volume caps hold, for whom, and until when.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await guarded {
            let environment = try await Environment(options, label: "status")
            let counts = try await environment.store.outboxCounts()
            let held = try await environment.gateway.heldMail()
            print(
                "outbox: \(counts.queued) queued (\(held.reduce(0) { $0 + $1.count }) held by the volume caps), \(counts.sent) sent, \(counts.failed) failed")
            printHeld(held)
        }
    }
}

/// One line per recipient whose mail the caps hold, and how to release it.
func printHeld(_ held: [HeldMail]) {
    guard !held.isEmpty else { return }
    for entry in held { print("  held for \(entry.summary)") }
    print("  (release after a look: rollout-gateway send --release-held [--to ADDRESS])")
}
