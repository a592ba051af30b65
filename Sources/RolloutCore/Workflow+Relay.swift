import Foundation

/// Conversation relays, and the flood limit on them (SPEC §5 "Floods stay small"): one sender's mail on one ticket is
/// relayed one by one up to ``WorkflowPolicy/relaysPerSenderPerHour`` within an hour; the rest is recorded on the
/// ticket (`comment.held`) and goes out as one "N more messages from X" relay per sender when the held-relays timer
/// fires, an hour after the first mail held.
extension Run {
    /// The most of one held mail's text, and of all held text of one sender, put into the relay that sends it.
    static let heldTextLimit = 2_000
    static let heldRelayLimit = 10_000

    /// Relays a message's new text to the ticket's watchers — its author named, each command line replaced by what
    /// it did (``RelayText``) — or holds it when its sender is over the limit. The history's `comment` keeps the
    /// conversation text alone (the commands have entries of their own); a held mail keeps the text to relay.
    mutating func relay(_ message: MessageEvent, on ticket: TicketID) {
        let text = RelayText.text(lines: message.lines, results: decision.results)
        if let window = message.relayWindow, window.relayedLastHour >= policy.relaysPerSenderPerHour {
            record(ticket, .commentHeld, text)
            if !window.heldWaiting {
                decision.timers.append(.schedule(TimerKey(ticket: ticket, kind: .heldRelays), at: now.addingTimeInterval(3600)))
            }
            return
        }
        record(ticket, .comment, message.conversationText)
        var author = relayAuthor(message.sender.address, name: message.sender.name)
        author.verified = message.sender.authentication != .weak
        notify(.conversation, ticket: ticket, queue: message.queue, facts: Self.facts(of: author).merging([.text: text]) { $1 })
    }

    /// The author as the ticket's readers are told: name, address and what they are on this ticket.
    func relayAuthor(_ address: EmailAddress, name: String?) -> RelayAuthor {
        RelayAuthor(name: name, address: address, registry: registry, stack: stack, rollout: decision.state.rollout)
    }

    /// The template values naming the author: `author` (the address), `author_name`, `author_label` (for the
    /// subject) and `attribution` (the line above the text).
    static func facts(of author: RelayAuthor) -> [NoticeFact: String] {
        [.author: author.address.value, .authorName: author.name ?? "", .authorLabel: author.label, .attribution: author.attribution]
    }

    /// Sends the held mail: one relay per sender, in the order they first wrote, with their texts (bounded).
    mutating func relayHeld(_ held: [HistoryEntry], on ticket: TicketID) {
        let queue: Queue = decision.state.rollout?.id == ticket ? .stagedRollout : .release
        var authors: [EmailAddress] = []
        for entry in held { if let actor = entry.actor, !authors.contains(actor) { authors.append(actor) } }
        for author in authors {
            let texts = held.filter { $0.actor == author }
            var body = ""
            var shown = 0
            for entry in texts {
                var text = entry.detail
                if text.count > Self.heldTextLimit { text = String(text.prefix(Self.heldTextLimit)) + " […]" }
                guard body.count + text.count <= Self.heldRelayLimit else { break }
                body += (body.isEmpty ? "" : "\n\n") + "(\(describe(entry.at)))\n" + text
                shown += 1
            }
            if shown < texts.count {
                body += "\n\n… and \(texts.count - shown) more, kept on the ticket."
            }
            decision.history.append(
                HistoryEntry(
                    ticket: ticket, at: now, cause: cause, actor: author, action: .commentHeldSent,
                    detail: "\(texts.count) held messages of \(author) relayed together"))
            let facts = Self.facts(of: relayAuthor(author, name: nil)).merging([.text: body, .held: String(texts.count)]) { $1 }
            let notice = Notice(kind: .conversation, ticket: ticket, queue: queue, facts: facts)
            decision.notifications += context.routing.route(
                notice, in: decision.state, registry: registry, sender: author, excluding: context.gatewayAddresses)
        }
    }
}
