import Foundation
import RolloutCore
import RolloutGateway

/// Where the memory driver's operations run: on the store's state (``MemoryTicketStore``, each operation kept whole
/// at once) or on a transaction's private copy of it (``MemoryTransaction``). Every operation is written once, here.
public protocol MemoryScope: StoreTransaction {
    /// Failed deliveries are retried until this many attempts, then recorded as failed.
    var maxDeliveryAttempts: Int { get }
    /// Runs `body` on the state as it is now.
    func read<T>(_ body: (MemoryState) throws -> T) rethrows -> T
    /// Runs `body` on a copy of the state and keeps the copy only when it returns: a write is all or nothing.
    func write<T>(_ body: (inout MemoryState) throws -> T) async throws -> T
}

extension MemoryScope {
    // MARK: Tickets

    public func reserveTicketID() async throws -> TicketID {
        try await write { $0.reserve() }
    }

    public func createRelease(_ release: ComponentRelease, links: ReleaseLinks, at date: Date, cause: Cause) async throws
        -> ReleaseTicket
    {
        try await write { state in
            let ticket = ReleaseTicket(id: state.reserve(), release: release, links: links, createdAt: date)
            state.releases[ticket.id] = Versioned(ticket)
            state.history[ticket.id, default: []].append(
                HistoryEntry(
                    ticket: ticket.id, at: date, cause: cause, authentication: .local, action: .created,
                    detail: "created: \(ticket.title) (status InVerification)"))
            return ticket
        }
    }

    public func load(_ ticket: TicketID) async throws -> StoredCase? {
        read { $0.load(ticket) }
    }

    public func commit(_ commit: StoreCommit) async throws {
        let outbox = commit.outbox
        try await write { state in
            for seen in commit.seen?.rows ?? [] {
                guard state.seen[seen.key] == nil else { throw StoreError.alreadySeen(seen.key) }
                state.seen[seen.key] = seen
            }
            let before = commit.base.rolloutCase
            let after = commit.decision.state
            guard state.releases[before.release.id]?.version == commit.base.releaseVersion else {
                throw StoreError.conflict(before.release.id)
            }
            if let rolloutID = before.rollout?.id, let expected = commit.base.rolloutVersion {
                guard state.rollouts[rolloutID]?.version == expected else { throw StoreError.conflict(rolloutID) }
            }
            if before.release != after.release { state.releases[after.release.id]?.update(after.release) }
            if let rollout = after.rollout {
                if let stored = state.rollouts[rollout.id] {
                    if stored.value != rollout { state.rollouts[rollout.id]?.update(rollout) }
                } else {
                    state.rollouts[rollout.id] = Versioned(rollout)
                }
            }
            for entry in commit.decision.history { state.history[entry.ticket, default: []].append(entry) }
            if let fired = commit.firedTimer {
                // Another claimant may have fired it since it was read as due: then this firing is void.
                guard let timer = state.timers[fired], timer.state == .pending,
                    commit.firedTimerDueAt.map({ $0 == timer.dueAt }) ?? true
                else {
                    throw StoreError.alreadySeen("timer \(fired.kind.rawValue) of ticket \(fired.ticket)")
                }
                state.timers[fired]?.state = .fired
            }
            for change in commit.decision.timers {
                switch change {
                case .schedule(let key, let due): state.timers[key] = MemoryState.Timer(dueAt: due, state: .pending)
                case .cancel(let key): if state.timers[key]?.state == .pending { state.timers[key]?.state = .cancelled }
                }
            }
            // Another writer queued this person's thread root first: decide again (``OutgoingMessage/opensThread``).
            if let lost = outbox.first(where: { $0.opensThread && state.messageIDs[$0.messageID] != nil }), let ticket = lost.ticket {
                throw StoreError.conflict(ticket)
            }
            for message in outbox { state.enqueue(message) }
            let ticket = after.rollout?.id ?? after.release.id
            state.attachments[ticket, default: []] += commit.attachments
        }
    }

    public func ticketSummaries() async throws -> [TicketSummary] {
        read { state in
            let releases = state.releases.values.map(\.value).map {
                TicketSummary(
                    id: $0.id.rawValue, queue: Queue.release.rawValue, status: $0.status.rawValue,
                    title: TicketTitle.release($0.release), parent: nil, child: $0.child?.rawValue)
            }
            let rollouts = state.rollouts.values.map(\.value).map {
                TicketSummary(
                    id: $0.id.rawValue, queue: Queue.stagedRollout.rawValue, status: $0.status.rawValue,
                    title: TicketTitle.stagedRollout($0.release), parent: $0.parent.rawValue, child: nil)
            }
            return (releases + rollouts).sorted { $0.id < $1.id }
        }
    }

    public func history(of ticket: TicketID) async throws -> [HistoryEntry] {
        read { $0.history[ticket] ?? [] }
    }

    public func relayedComments(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> Int {
        read { state in (state.history[ticket] ?? []).count { RelayWindow.counts($0, by: actor, after: since) } }
    }

    public func timers(of ticket: TicketID) async throws -> [DueTimer] {
        read { state in state.pendingTimers { $0.ticket == ticket } }
    }

    public func attachments(of ticket: TicketID) async throws -> [StoredAttachment] {
        read { $0.attachments[ticket] ?? [] }
    }

    public func attachmentSummaries(of ticket: TicketID) async throws -> [AttachmentSummary] {
        read { ($0.attachments[ticket] ?? []).map(AttachmentSummary.init) }
    }

    // MARK: Messages seen

    public func recordSeen(_ message: SeenMessage, at date: Date, outbox: [OutgoingMessage]) async throws {
        try await write { state in
            guard state.seen[message.key] == nil else { throw StoreError.alreadySeen(message.key) }
            state.seen[message.key] = message
            for outgoing in outbox { state.enqueue(outgoing) }
        }
    }

    public func hasSeen(_ key: String) async throws -> Bool {
        read { $0.seen[key] != nil }
    }

    // MARK: Timers

    public func dueTimers(at now: Date) async throws -> [DueTimer] {
        read { state in state.pendingTimers { _ in true }.filter { $0.dueAt <= now } }
    }

    public func anyTimerDue(at now: Date) async throws -> Bool {
        read { state in !state.pendingTimers { _ in true }.filter { $0.dueAt <= now }.isEmpty }
    }

    public func markFired(_ key: TimerKey, at date: Date) async throws {
        try await write { state in state.timers[key]?.state = .fired }
    }

    // MARK: Outbox

    public func pendingOutbox(at now: Date, limit: Int) async throws -> [OutgoingMessage] {
        read { state in
            Array(
                state.outbox.lazy.filter { $0.sentAt == nil && $0.failedAt == nil && $0.message.nextAttemptAt <= now }
                    .prefix(limit).map(\.message))
        }
    }

    public func recordDelivery(_ outcome: DeliveryOutcome, for message: OutgoingMessage, at date: Date) async throws {
        guard let rowID = message.rowID,
            let record = DeliveryRecord.after(outcome, of: message, at: date, maxAttempts: maxDeliveryAttempts)
        else { return }
        try await write { state in
            guard let index = state.outboxIndex[rowID] else { return }
            state.outbox[index].sentAt = record.sentAt
            state.outbox[index].failedAt = record.failedAt
            state.outbox[index].message.attempts = record.attempts
            state.outbox[index].message.nextAttemptAt = record.nextAttemptAt
            state.outbox[index].heldReason = nil
        }
    }

    public func hold(_ message: OutgoingMessage, until date: Date, reason: String) async throws {
        guard let rowID = message.rowID else { return }
        try await write { state in
            guard let index = state.outboxIndex[rowID] else { return }
            state.outbox[index].message.nextAttemptAt = date
            state.outbox[index].heldReason = reason
        }
    }

    public func heldOutbox() async throws -> [OutgoingMessage] {
        read { state in state.outbox.filter { $0.sentAt == nil && $0.failedAt == nil && $0.heldReason != nil }.map(\.message) }
    }

    public func releaseHeld(to address: EmailAddress?, at now: Date) async throws -> [OutgoingMessage] {
        try await write { state in
            var released: [OutgoingMessage] = []
            for index in state.outbox.indices {
                let row = state.outbox[index]
                guard row.heldReason != nil, row.sentAt == nil, row.failedAt == nil else { continue }
                if let address, !row.message.recipients.contains(address) { continue }
                state.outbox[index].heldReason = nil
                state.outbox[index].message.nextAttemptAt = now
                released.append(state.outbox[index].message)
            }
            return released
        }
    }

    public func postpone(_ message: OutgoingMessage, until date: Date) async throws {
        guard let rowID = message.rowID else { return }
        try await write { state in
            guard let index = state.outboxIndex[rowID] else { return }
            state.outbox[index].message.nextAttemptAt = date
        }
    }

    public func outboxCounts() async throws -> (queued: Int, sent: Int, failed: Int) {
        read { state in
            state.outbox.reduce(into: (queued: 0, sent: 0, failed: 0)) { counts, row in
                if row.sentAt != nil { counts.sent += 1 } else if row.failedAt != nil { counts.failed += 1 } else { counts.queued += 1 }
            }
        }
    }

    public func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date) async throws -> Int {
        read { state in
            state.outbox.filter { $0.message.kind == kind && $0.message.createdAt >= since && $0.message.recipients.contains(address) }.count
        }
    }

    public func deliveredCount(to address: EmailAddress, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        read { state in
            state.outbox.filter {
                ($0.sentAt ?? .distantPast) >= since && $0.message.recipients.contains(address) && kinds?.contains($0.message.kind) != false
            }.count
        }
    }

    public func deliveredCount(ticket: TicketID, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        read { state in
            Set(
                state.outbox.filter {
                    ($0.sentAt ?? .distantPast) >= since && $0.message.ticket == ticket && kinds?.contains($0.message.kind) != false
                }.map { "\($0.message.kind.rawValue) \($0.message.createdAt.timeIntervalSince1970)" }
            ).count
        }
    }

    public func queuedCount(ticket: TicketID, kind: OutboxKind, since: Date) async throws -> Int {
        read { state in
            state.outbox.filter { $0.message.kind == kind && $0.message.createdAt >= since && $0.message.ticket == ticket }.count
        }
    }

    // MARK: Sent text

    public func sentTextFingerprints(messageIDs: [String], ticket: TicketID?, recipient: EmailAddress?, limit: Int)
        async throws -> [OwnTextFingerprint]
    {
        let ids = SentTextRequest.storedMessageIDs(messageIDs)
        return read { state in
            var found: [Int64: OwnTextFingerprint] = [:]
            for id in ids {
                guard let rowID = state.messageIDs[id] else { continue }
                let row = state.outbox[state.outboxIndex[rowID]!]
                if let fingerprint = row.fingerprint, !OutboxKind.relaysOthersWords.contains(row.message.kind) {
                    found[rowID] = fingerprint
                }
            }
            if let ticket, let recipient, limit > 0 {
                let recent = state.outbox.reversed().lazy.filter {
                    $0.message.ticket == ticket && $0.fingerprint != nil && !$0.message.kind.isAnswer
                        && !OutboxKind.relaysOthersWords.contains($0.message.kind)
                        && $0.message.recipients.contains(recipient)
                }
                for row in recent.prefix(limit) { found[row.message.rowID!] = row.fingerprint }
            }
            return found.keys.sorted().map { found[$0]! }
        }
    }

    // MARK: Mailboxes

    public func cursor(of mailbox: String) async throws -> MailboxCursor? {
        read { $0.cursors[mailbox] }
    }

    public func saveCursor(_ cursor: MailboxCursor, of mailbox: String) async throws {
        try await write { $0.cursors[mailbox] = cursor }
    }

    public func recordFetchFailure(mailbox: String, uidValidity: UInt32, uid: UInt32, error: String) async throws -> Int {
        try await write { state in
            let key = "\(mailbox)\u{0}\(uidValidity)\u{0}\(uid)"
            state.fetchAttempts[key, default: 0] += 1
            return state.fetchAttempts[key]!
        }
    }
}

// MARK: Set-aside messages

extension MemoryScope {
    public func keepSetAside(_ message: SetAsideMessage, limit: Int) async throws -> [SetAsideMessage] {
        try await write { state in
            guard !state.setAside.contains(where: { $0.key == message.key }) else { return [] }
            var kept = message
            if kept.id == nil {
                state.lastSetAsideID += 1
                kept.id = state.lastSetAsideID
            }
            kept.size = message.bytes.count
            // A replayed message set aside again keeps its number, and its place among the others.
            state.setAside.insert(kept, at: state.setAside.firstIndex { ($0.id ?? 0) > (kept.id ?? 0) } ?? state.setAside.endIndex)
            var dropped: [SetAsideMessage] = []
            while state.setAside.reduce(0, { $0 + $1.size }) > limit, state.setAside.count > 1 {
                guard let index = state.setAside.firstIndex(where: { $0.id != kept.id }) else { break }
                var oldest = state.setAside.remove(at: index)
                oldest.bytes = []
                dropped.append(oldest)
            }
            return dropped
        }
    }

    public func setAsideMessages() async throws -> [SetAsideMessage] {
        read { state in
            state.setAside.map {
                var listed = $0
                listed.bytes = []
                return listed
            }
        }
    }

    public func setAsideMessage(_ id: Int64) async throws -> SetAsideMessage? {
        read { state in state.setAside.first { $0.id == id } }
    }

    public func dropSetAside(_ id: Int64, forgettingSeen: Bool) async throws -> Bool {
        try await write { state in
            guard let index = state.setAside.firstIndex(where: { $0.id == id }) else { return false }
            let removed = state.setAside.remove(at: index)
            if forgettingSeen { state.seen[removed.key] = nil }
            return true
        }
    }
}
