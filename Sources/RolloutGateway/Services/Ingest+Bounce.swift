import Foundation
import RolloutCore

/// Delivery reports are believed only for our own copies (SPEC §5): with reply secrets, a report counts only for the
/// failed recipients whose copy's signed bounce address (``BounceAddress``) it came to, and names its ticket by that
/// address alone. Only a recipient's address, action and status go on; the free text (`Diagnostic-Code`, the
/// notice's prose) stays with the message, kept for the operator.
extension Ingest {
    /// Reads a delivery report: its ticket and the failures that count (``Analysis/bouncedRecipients``).
    func readDeliveryReport(_ analysis: inout Analysis) {
        let message = analysis.message
        let report = DeliveryReport(reading: message, finder: finder)
        guard let signer = gateway.renderer.signer else {
            // The demo, without secrets: the returned message or the ticket's return path names the ticket.
            if analysis.ticket == nil {
                if let reference = finder.returnedReference(in: message) {
                    analysis.ticket = reference.ticket
                    analysis.foundBy = .returnedMessage
                } else if let ticket = (message.headers.to + message.headers.cc).lazy
                    .compactMap({ self.gateway.renderer.composer.ticket(inReturnPath: $0.address) }).first
                {
                    analysis.ticket = ticket
                    analysis.foundBy = .returnPath
                }
            }
            analysis.bouncedRecipients = report.failedRecipients.map(DeliveryReport.withoutFreeText)
            return
        }
        let addresses = (message.headers.to + message.headers.cc + message.headers.envelopeRecipients).map(\.address)
        var copies: [BounceAddress] = []
        for failed in report.failedRecipients {
            if let copy = addresses.lazy.compactMap({ signer.readBounce($0, failedRecipient: failed.address) }).first {
                copies.append(copy)
            }
        }
        // One report is about one ticket: a copy of another ticket in the same report does not count.
        let ticket = copies.first?.ticket
        let counted = Set(copies.filter { $0.ticket == ticket }.map(\.recipient))
        analysis.ticket = ticket
        analysis.queue = nil
        analysis.foundBy = ticket == nil ? nil : .returnPath
        analysis.bouncedRecipients = report.failedRecipients.filter { counted.contains($0.address) }.map(DeliveryReport.withoutFreeText)
    }

    /// Sets aside, changing nothing, a delivery report that no copy of ours vouches for.
    func judgeDeliveryReport(_ analysis: inout Analysis) {
        guard analysis.disposition == .bounce, gateway.renderer.signer != nil, analysis.bouncedRecipients.isEmpty else { return }
        analysis.disposition = .setAside
        analysis.problem =
            "a delivery report that did not come to the bounce address of the copy it reports on (a plain address, another copy's or a forged one): nothing recorded"
        analysis.mayAnswer = false
    }
}
