import Foundation
import MailGMime
import RolloutCore
import RolloutGateway

/// One notification to N people: each copy written through GMime (the reference) against the first written and the
/// others made from its bytes (``MailComposer/copy(of:composedFrom:as:)``), in the same run on the same drafts.
enum FanOutBenchmark {
    static func run(_ arguments: [String]) {
        let people = Int(arguments.first ?? "") ?? 8
        let rounds = Int(arguments.dropFirst().first ?? "") ?? 2000
        let composer = MailComposer(
            from: EmailAddress("staged-rollout@rollout.example.org"), displayName: "EGI Staged Rollout", writer: GMimeMessageWriter())
        let signer = try! ReplyAddressSigner(secret: Array("benchmark-secret-of-32-bytes-ok!".utf8), base: composer.from)
        let body = (1...40).map { "Line \($0) of a notification about Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64." }
            .joined(separator: "\n")
        let drafts = (0..<people).map { index -> MailComposer.Draft in
            let recipient = EmailAddress("person.\(index)@site\(index % 7).example.org")
            var draft = MailComposer.Draft(
                to: [recipient], subject: "[staged-rollout #12] Please test Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1",
                body: body, messageID: "rg.12.team-assigned.1764600000.k3x9.\(String(format: "%013d", index))@rollout.example.org",
                ticket: TicketID(12), date: Date(timeIntervalSince1970: 1_764_600_000))
            draft.replyTo = signer.address(for: TicketID(12), recipient: recipient)
            draft.threadRoot = composer.threadRoot(of: TicketID(12), for: recipient)
            return draft
        }
        func time(_ body: () -> Int) -> (Double, Int) {
            let start = DispatchTime.now().uptimeNanoseconds
            let bytes = body()
            return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, bytes)
        }
        var results: [String: Double] = [:]
        for round in 0..<3 {
            let (full, fullBytes) = time {
                var total = 0
                for _ in 0..<rounds { for draft in drafts { total += composer.compose(draft).count } }
                return total
            }
            let (copied, copiedBytes) = time {
                var total = 0
                for _ in 0..<rounds {
                    let first = composer.compose(drafts[0])
                    total += first.count
                    for draft in drafts.dropFirst() {
                        total += (MailComposer.copy(of: first, composedFrom: drafts[0], as: draft) ?? composer.compose(draft)).count
                    }
                }
                return total
            }
            precondition(fullBytes == copiedBytes, "the copies differ in size from full writes")
            results["full", default: .infinity] = min(results["full", default: .infinity], full)
            results["copied", default: .infinity] = min(results["copied", default: .infinity], copied)
            _ = round
        }
        let messages = Double(rounds * people)
        print(
            String(
                format: "fan-out to %d people, %d notifications: full GMime write per copy %.1f µs/copy | first written, others copied %.1f µs/copy | ratio %.2f",
                people, rounds, results["full"]! / messages * 1e6, results["copied"]! / messages * 1e6, results["full"]! / results["copied"]!))
    }
}
