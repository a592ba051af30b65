import Foundation
import RolloutCore

/// What `show` and `bundle` put into their sender's answer (``AnswerPart``): read from the store here, since the core
/// reads none. The answer is the transcript, which goes to the sender alone (``TranscriptBuilder``): the address the
/// registry knows them by, never a `Reply-To:`.
extension Gateway {
    /// Adds the parts the commands asked for to the transcript's text, and returns the files it carries. Without a
    /// transcript (no answer may go to the sender) nothing is sent, and the history says so.
    func completeAnswer(_ decision: inout Decision, now: Date) async throws -> [MailAttachment] {
        guard !decision.answerParts.isEmpty else { return [] }
        guard
            let index = decision.notifications.firstIndex(where: {
                $0.kind == .transcript && $0.template == TemplateName.transcript.rawValue
            })
        else {
            note(in: &decision, "not sent: no answer may go to the sender now (auto-answers not allowed, or the hourly limit reached)")
            return []
        }
        var sections: [String] = []
        var files: [MailAttachment] = []
        for part in decision.answerParts {
            switch part {
            case .ticketState(let ticket):
                let queue: Queue = decision.state.rollout?.id == ticket ? .stagedRollout : .release
                let view = try await view(of: ticket, queue: queue, in: decision.state)
                sections.append(
                    "The state of ticket #\(ticket.rawValue) (message texts not included):\n\n"
                        + TicketText.render(view, calendar: configuration.workflow.policy.calendar, messageBodies: false))
            case .reportBundle(let ticket):
                let (text, file) = try await bundleAnswer(ticket, now: now)
                sections.append(text)
                if let file {
                    files.append(file)
                    note(in: &decision, "attached as \(file.fileName) (\(file.bytes.count) bytes)", ticket: ticket)
                } else {
                    note(in: &decision, "not attached (\(text.split(separator: "\n").first ?? ""))", ticket: ticket)
                }
            }
        }
        let transcript = decision.notifications[index].facts[.transcript] ?? ""
        decision.notifications[index].facts[.transcript] = ([transcript] + sections).joined(separator: "\n\n")
        return files
    }

    /// The bundle's paragraph of the answer, and the ZIP when it may go by mail (``GatewayConfiguration/maxAttachmentBytes``).
    func bundleAnswer(_ ticket: TicketID, now: Date) async throws -> (text: String, file: MailAttachment?) {
        let fetch = "On the gateway host: rollout-gateway reports bundle \(ticket.rawValue) --output bundle-\(ticket.rawValue).zip"
        let bundle: ReportBundle
        do {
            bundle = try await reportBundle(of: ticket)
        } catch GatewayError.invalidInput(let why) {
            return ("The report bundle could not be made: \(why).", nil)
        }
        guard let archiver else {
            return ("The report bundle cannot be made by mail on this gateway (it has no archive writer). \(fetch)", nil)
        }
        let zip = try archiver.archive(bundle.files, modifiedAt: now)
        let upload = "Upload it to the document server described as \"\(bundle.description)\"."
        guard zip.count <= configuration.maxAttachmentBytes else {
            return (
                """
                The report bundle is \(zip.count) bytes, more than the \(configuration.maxAttachmentBytes) bytes this gateway sends by mail (outbox.max_attachment_bytes).
                \(fetch)
                \(upload)
                """, nil
            )
        }
        let name = "staged-rollout-\(ticket.rawValue)-bundle.zip"
        return (
            "The report bundle is attached as \(name): \(bundle.files.count - 1) files and index.txt, \(zip.count) bytes. \(upload)",
            MailAttachment(fileName: name, contentType: "application/zip", bytes: zip)
        )
    }

    /// Adds to the history entries of the answer parts (all, or those of `ticket`'s bundle) what became of them.
    private func note(in decision: inout Decision, _ what: String, ticket: TicketID? = nil) {
        for index in decision.history.indices {
            let entry = decision.history[index]
            let matches = ticket == nil ? [HistoryAction.bundleSent, .stateShown].contains(entry.action) : entry.action == .bundleSent && entry.ticket == ticket
            if matches { decision.history[index].detail += ": \(what)" }
        }
    }
}
