import Foundation
import Logging
import Synchronization
internal import CCurl
import RolloutGateway

/// Reads the mail-in mailbox over IMAP through libcurl (RFC 9051), downloading over several connections.
///
/// Every blocking libcurl call runs on a dedicated thread, never on the cooperative pool. Logged-in
/// connections are kept between calls (up to ``IMAPConfiguration/connections``) and logged out when
/// the fetcher is released. UIDs are always used together with the UIDVALIDITY they belong to: libcurl
/// refuses a URL whose `;UIDVALIDITY=` differs from the mailbox's, so no command ever reaches the
/// wrong messages after the mailbox was recreated.
public final class IMAPFetcher: MailFetcher {
    public let configuration: IMAPConfiguration
    private let logger: Logger
    private let pool: IMAPSessionPool
    /// Folders known to exist.
    private let existingFolders = Mutex<Set<String>>([])
    /// Whether the server reports moved-out messages as UID ranges (see ``movesWhileFetching``).
    private let expungesAsRanges = Mutex(false)

    /// At most this many messages downloaded ahead of `handle`, per connection (two batches).
    static let windowPerConnection = 2 * maxBatchCount
    /// At most this many messages in one `UID FETCH` command.
    static let maxBatchCount = 48
    /// Messages up to this size are downloaded in batches; larger ones alone, by URL.
    static let maxBatchedSize = 96 * 1024
    /// At most this many bytes downloaded ahead of `handle` (one larger message is always allowed).
    static let windowBytes = 32 << 20

    /// A fetcher for the given server; `logger` receives counts at debug level and oddities as notices.
    public init(configuration: IMAPConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        pool = IMAPSessionPool(configuration: configuration)
    }

    deinit {
        pool.drain()
    }

    /// `imap://host:port` (no credentials).
    public var name: String { configuration.server }

    /// Where the server offers QRESYNC (Dovecot does): each connection then learns of messages moved out by another as
    /// one `* VANISHED` line of UID ranges, so that the fetch of one chunk and the moving out of the one before can
    /// go on at once. Without it, each moved message would be a line in the other connections' next responses,
    /// which libcurl counts against its limit: moves then wait for the fetch.
    /// Only when handled messages are moved to a folder: a keyword set by one connection is a `* n FETCH (FLAGS …)` line
    /// per message to each of the others.
    public var movesWhileFetching: Bool {
        guard case .folder = configuration.processed else { return false }
        return expungesAsRanges.withLock { $0 }
    }

    // MARK: - MailFetcher

    /// The mailbox's UIDVALIDITY and its UIDs above the cursor (all of them when the UIDVALIDITY changed), ascending.
    ///
    /// `STATUS` (RFC 9051 §6.3.11) for UIDVALIDITY and UIDNEXT, then `UID SEARCH UID n:*` (as ESEARCH,
    /// RFC 4731, where offered) on the mailbox pinned to that UIDVALIDITY.
    public func pending(mailbox: String, after cursor: MailboxCursor?) async throws -> (uidValidity: UInt32, uids: [UInt32]) {
        try checkMailboxName(mailbox)
        return try await withSession(mailbox: mailbox) { session throws(IMAPStepFailure) in
            var attempt = 0
            while true {
                attempt += 1
                // STATUS of the selected mailbox may answer from the state of its last sync (Dovecot does): a pooled
                // session caught up (NOOP, RFC 9051 §6.1.2) when it was taken (``IMAPSessionPool/take()``). A failure
                // there left it without a connection, and STATUS asks on a new one: Dovecot ends the connection with
                // BYE when the selected mailbox's UIDVALIDITY changed.
                let status = try step("STATUS \(mailbox)", refusal: .mailbox) { () throws(CurlError) in
                    try session.command(
                        "STATUS \(IMAPResponses.quoted(mailbox)) (MESSAGES UIDNEXT UIDVALIDITY)", mailbox: nil)
                }
                guard let values = IMAPResponses.status(status), let validity = values["UIDVALIDITY"],
                    let uidValidity = UInt32(exactly: validity), uidValidity > 0
                else {
                    throw IMAPStepFailure(
                        error: CurlError(
                            code: CURLE_WEIRD_SERVER_REPLY.rawValue, text: "no UIDVALIDITY in the STATUS reply", responseCode: 0),
                        what: "STATUS \(mailbox)", refusal: .temporary)
                }
                let after = cursor?.uidValidity == uidValidity ? cursor?.lastUID ?? 0 : 0
                if values["MESSAGES"] == 0 { return (uidValidity, []) }
                if let next = values["UIDNEXT"], next <= UInt64(after) + 1 { return (uidValidity, []) }
                if after == UInt32.max { return (uidValidity, []) }
                let capabilities = try step("CAPABILITY") { () throws(CurlError) in try session.capabilities() }
                let returnAll = capabilities.contains("ESEARCH") ? "RETURN (ALL) " : ""
                do throws(IMAPStepFailure) {
                    let found = try step("UID SEARCH in \(mailbox)", refusal: .mailbox) { () throws(CurlError) in
                        try session.command(
                            "UID SEARCH \(returnAll)UID \(after + 1):*", mailbox: mailbox, uidValidity: uidValidity)
                    }
                    self.expungesAsRanges.withLock { $0 = session.expungesAsRanges }
                    // `n:*` includes the highest UID even when it is below n (RFC 9051 §6.4.4).
                    let uids = Array(Set(IMAPResponses.searchedUIDs(found).filter { $0 > after })).sorted()
                    return (uidValidity, uids)
                } catch {
                    // Recreated between STATUS and SEARCH: read the new UIDVALIDITY.
                    if error.isUIDValidityChange && attempt < 3 { continue }
                    throw error
                }
            }
        }
    }

    /// Downloads the messages in UID order over up to ``IMAPConfiguration/connections`` connections,
    /// calling `handle` for each strictly in UID order.
    ///
    /// Sizes come first (`UID FETCH set (RFC822.SIZE FLAGS)`), so that a message above `sizeLimit` is reported
    /// ``FetchedMessage/tooLarge`` without being downloaded (nor marked `\Seen`). Messages up to ``maxBatchedSize``
    /// are downloaded in batches, one `UID FETCH set (UID BODY.PEEK[])` per batch and round trip, which leaves
    /// their flags alone; a batch libcurl cannot read whole is split, down to single messages. Larger messages
    /// (and single ones that still fail) are a URL fetch each (`INBOX;UIDVALIDITY=v/;UID=n`, i.e. `UID FETCH n
    /// BODY[]`, which sets `\Seen`: the large ones get it in bulk first). UIDs no longer in the mailbox are skipped.
    /// After a failure, every message before it has been handed to `handle`, and `\Seen` is taken off the rest
    /// again where this fetch set it (best effort).
    public func fetch(
        mailbox: String, uidValidity: UInt32, uids: [UInt32], sizeLimit: Int,
        handle: @Sendable (FetchedMessage) async throws -> Void
    ) async throws {
        try checkMailboxName(mailbox)
        let wanted = Array(Set(uids)).sorted()
        guard !wanted.isEmpty else { return }
        let connections = max(1, min(configuration.connections, wanted.count))
        let pipeline = IMAPFetchPipeline(
            windowCount: Self.windowPerConnection * connections, windowBytes: Self.windowBytes)
        // Thread 0 plans (sizes, then \Seen), then downloads too; the others download once planning is over.
        startPlanner(pipeline: pipeline, mailbox: mailbox, uidValidity: uidValidity, uids: wanted, sizeLimit: sizeLimit)
        for number in 1..<connections {
            startDownloader(number, pipeline: pipeline, mailbox: mailbox, uidValidity: uidValidity)
        }
        logger.debug("fetching", metadata: ["server": "\(name)", "messages": "\(wanted.count)", "connections": "\(connections)"])

        var handedOver = 0
        do {
            loop: while true {
                if Task.isCancelled { throw CancellationError() }
                switch await pipeline.next() {
                case .item(let item, .message(let raw)):
                    try await handle(FetchedMessage(mailbox: mailbox, uidValidity: uidValidity, uid: item.uid, raw: raw, size: raw.count))
                case .item(let item, .tooLarge):
                    // Only the header block, so that the sender can be told; the body stays on the server.
                    let header = try await withSession(mailbox: mailbox) { session throws(IMAPStepFailure) in
                        try step("fetching the header of UID \(item.uid) from \(mailbox)", refusal: .mailbox) { () throws(CurlError) in
                            try session.header(mailbox: mailbox, uidValidity: uidValidity, uid: item.uid)
                        }
                    }
                    try await handle(
                        FetchedMessage(mailbox: mailbox, uidValidity: uidValidity, uid: item.uid, raw: header, size: item.size, tooLarge: true))
                case .item(let item, .gone):
                    logger.notice("message gone before download", metadata: ["server": "\(name)", "mailbox": "\(mailbox)", "uid": "\(item.uid)"])
                case .item(_, .failed(let failure)), .failed(let failure):
                    throw mailFetchError(failure, mailbox: mailbox)
                case .end:
                    break loop
                }
                handedOver += 1
            }
        } catch {
            pipeline.stop()
            await pipeline.allWorkersExited()
            await restoreUnseen(Set(pipeline.markedSeen(from: handedOver)), mailbox: mailbox, uidValidity: uidValidity)
            throw error
        }
        await pipeline.allWorkersExited()
        let missing = wanted.count - pipeline.plannedCount
        if missing > 0 {
            logger.notice("messages no longer in the mailbox", metadata: ["server": "\(name)", "mailbox": "\(mailbox)", "missing": "\(missing)"])
        }
    }

    /// Best effort after a failed fetch: takes `\Seen` off again where this fetch set it on messages not handled
    /// (from the one whose download or `handle` failed on),
    /// for people who read the mailbox too. Failures are only logged (the server may be the reason for the failure).
    private func restoreUnseen(_ uids: Set<UInt32>, mailbox: String, uidValidity: UInt32) async {
        guard !uids.isEmpty else { return }
        let sets = IMAPResponses.uidSets(Array(uids))
        do {
            try await withSession(mailbox: mailbox) { session throws(IMAPStepFailure) in
                for set in sets {
                    _ = try step("UID STORE -FLAGS (\\Seen) in \(mailbox)") { () throws(CurlError) in
                        try session.command("UID STORE \(set) -FLAGS.SILENT (\\Seen)", mailbox: mailbox, uidValidity: uidValidity)
                    }
                }
            }
        } catch {
            logger.notice("cannot clear \\Seen after a failed fetch", metadata: ["server": "\(name)", "error": "\(error)"])
        }
    }

    /// Moves handled messages to the processed folder (created when missing), or gives them the keyword.
    ///
    /// `UID MOVE` (RFC 6851) where offered, else `UID COPY`, `UID STORE +FLAGS.SILENT (\Deleted)` and
    /// `UID EXPUNGE` (RFC 4315; plain `EXPUNGE` without UIDPLUS); UIDs go in sets of ranges (`1:5,7`).
    public func markProcessed(mailbox: String, uidValidity: UInt32, uids: [UInt32]) async throws {
        switch configuration.processed {
        case .folder(let folder):
            try await move(mailbox: mailbox, uidValidity: uidValidity, uids: uids, to: folder)
        case .keyword(let keyword):
            try checkMailboxName(mailbox)
            guard !uids.isEmpty else { return }
            try await withSession(mailbox: mailbox) { session throws(IMAPStepFailure) in
                for set in IMAPResponses.uidSets(uids) {
                    _ = try step("UID STORE +FLAGS (\(keyword))", refusal: .configuration) { () throws(CurlError) in
                        try session.command("UID STORE \(set) +FLAGS.SILENT (\(keyword))", mailbox: mailbox, uidValidity: uidValidity)
                    }
                }
            }
        }
        logger.debug("marked processed", metadata: ["server": "\(name)", "mailbox": "\(mailbox)", "messages": "\(uids.count)"])
    }

    /// Moves messages to the quarantine folder (created when missing).
    public func quarantine(mailbox: String, uidValidity: UInt32, uids: [UInt32]) async throws {
        try await move(mailbox: mailbox, uidValidity: uidValidity, uids: uids, to: configuration.quarantineFolder)
        logger.notice("quarantined", metadata: ["server": "\(name)", "mailbox": "\(mailbox)", "uids": "\(IMAPResponses.uidSets(uids).joined(separator: " "))"])
    }

    // MARK: - Steps

    private func move(mailbox: String, uidValidity: UInt32, uids: [UInt32], to folder: String) async throws {
        try checkMailboxName(mailbox)
        guard !uids.isEmpty else { return }
        try await withSession(mailbox: mailbox) { session throws(IMAPStepFailure) in
            try self.ensureFolder(folder, session: session)
            let capabilities = try step("CAPABILITY") { () throws(CurlError) in try session.capabilities() }
            let target = IMAPResponses.quoted(folder)
            // Each command is a transaction of the server's over the whole mailbox (Dovecot's Maildir: a sync of the
            // folder, its UID list written again): as few as will do. `UID MOVE` answers with one `* VANISHED` line
            // once QRESYNC is on, so the whole chunk goes in one command, up to the command line's length.
            try step("ENABLE QRESYNC") { () throws(CurlError) in try session.askForExpungesAsRanges() }
            let oneCommand = capabilities.contains("MOVE") && session.expungesAsRanges
            for set in IMAPResponses.uidSets(uids, maxCount: oneCommand ? Int.max : IMAPResponses.messagesPerCommand) {
                if capabilities.contains("MOVE") {
                    _ = try step("UID MOVE to \(folder)") { () throws(CurlError) in
                        try session.command("UID MOVE \(set) \(target)", mailbox: mailbox, uidValidity: uidValidity)
                    }
                    continue
                }
                _ = try step("UID COPY to \(folder)") { () throws(CurlError) in
                    try session.command("UID COPY \(set) \(target)", mailbox: mailbox, uidValidity: uidValidity)
                }
                _ = try step("UID STORE +FLAGS (\\Deleted)") { () throws(CurlError) in
                    try session.command("UID STORE \(set) +FLAGS.SILENT (\\Deleted)", mailbox: mailbox, uidValidity: uidValidity)
                }
                let expunge = capabilities.contains("UIDPLUS") ? "UID EXPUNGE \(set)" : "EXPUNGE"
                _ = try step(expunge) { () throws(CurlError) in
                    try session.command(expunge, mailbox: mailbox, uidValidity: uidValidity)
                }
            }
        }
    }

    /// Creates `folder` unless it exists (`LIST "" name`, then `CREATE name`, RFC 9051 §6.3.4).
    private func ensureFolder(_ folder: String, session: IMAPSession) throws(IMAPStepFailure) {
        let known = existingFolders.withLock { $0.contains(folder) }
        if known { return }
        let quoted = IMAPResponses.quoted(folder)
        func exists() throws(IMAPStepFailure) -> Bool {
            IMAPResponses.listsMailbox(
                try step("LIST \(folder)") { () throws(CurlError) in try session.command("LIST \"\" \(quoted)", mailbox: nil) })
        }
        if try !exists() {
            do throws(IMAPStepFailure) {
                _ = try step("CREATE \(folder)", refusal: .configuration) { () throws(CurlError) in
                    try session.command("CREATE \(quoted)", mailbox: nil)
                }
                logger.notice("created folder", metadata: ["server": "\(name)", "folder": "\(folder)"])
            } catch {
                // Another client may have created it meanwhile.
                guard try exists() else { throw error }
            }
        }
        existingFolders.withLock { _ = $0.insert(folder) }
    }

    /// The planning thread: sizes and flags 64 UIDs a command (`UID FETCH set (RFC822.SIZE FLAGS)`), then `\Seen`
    /// for the unseen messages too large to batch, in as few `UID STORE` commands as will do (their URL fetch would
    /// set it anyway, one message at a time, and a flag change per message cost Dovecot's Maildir about as much as
    /// the download); then it downloads like the others, over the same connection.
    private func startPlanner(pipeline: IMAPFetchPipeline, mailbox: String, uidValidity: UInt32, uids: [UInt32], sizeLimit: Int) {
        let pool = pool
        pipeline.addWorker()
        OwnThread.start("imap \(configuration.server) #0") {
            var session: IMAPSession?
            do throws(IMAPStepFailure) {
                let current = try step("setting up libcurl") { () throws(CurlError) in try pool.take() }
                session = current
                var unseenLarge: [UInt32] = []
                for set in IMAPResponses.uidSets(uids) {
                    if pipeline.isStopped { break }
                    let response = try step("UID FETCH (RFC822.SIZE FLAGS) in \(mailbox)", refusal: .mailbox) { () throws(CurlError) in
                        try current.command("UID FETCH \(set) (RFC822.SIZE FLAGS)", mailbox: mailbox, uidValidity: uidValidity)
                    }
                    let found = IMAPResponses.sizes(response).sorted { $0.key < $1.key }
                    unseenLarge += found.filter { !$0.value.seen && $0.value.size > Self.maxBatchedSize && $0.value.size <= sizeLimit }
                        .map(\.key)
                    pipeline.append(
                        found.map { .init(uid: $0.key, size: $0.value.size, seen: $0.value.seen, download: $0.value.size <= sizeLimit) },
                        markedSeen: [])
                }
                // SILENT, yet a line per message all the same once QRESYNC is enabled (CONDSTORE: `* n FETCH (UID u
                // MODSEQ (m))`, RFC 7162 §3.1.3): as many UIDs per command as any command with a line per message.
                for set in IMAPResponses.uidSets(unseenLarge) {
                    _ = try step("UID STORE +FLAGS (\\Seen) in \(mailbox)") { () throws(CurlError) in
                        try current.command("UID STORE \(set) +FLAGS.SILENT (\\Seen)", mailbox: mailbox, uidValidity: uidValidity)
                    }
                    pipeline.append([], markedSeen: IMAPResponses.expand(set))
                }
                pipeline.finishPlanning(failure: nil)
            } catch {
                session = nil  // never reuse a connection after a failure
                pipeline.finishPlanning(failure: error)
            }
            Self.download(pipeline: pipeline, session: session, pool: pool, mailbox: mailbox, uidValidity: uidValidity)
        }
    }

    /// One download thread.
    private func startDownloader(_ number: Int, pipeline: IMAPFetchPipeline, mailbox: String, uidValidity: UInt32) {
        let pool = pool
        pipeline.addWorker()
        OwnThread.start("imap \(configuration.server) #\(number)") {
            Self.download(pipeline: pipeline, session: nil, pool: pool, mailbox: mailbox, uidValidity: uidValidity)
        }
    }

    /// Claims batches of positions in UID order and downloads them over one connection, until there is nothing
    /// left or a failure.
    private static func download(
        pipeline: IMAPFetchPipeline, session: IMAPSession?, pool: IMAPSessionPool, mailbox: String, uidValidity: UInt32
    ) {
        var downloader = BatchDownloader(pipeline: pipeline, pool: pool, session: session, mailbox: mailbox, uidValidity: uidValidity)
        while true {
            let batch = pipeline.claim(maxCount: maxBatchCount, budget: IMAPSession.batchBudget) { item in
                item.size <= maxBatchedSize ? IMAPSession.batchCost(size: item.size) : nil
            }
            if batch.isEmpty { break }
            do throws(IMAPStepFailure) {
                if batch.count == 1, batch[0].item.size > maxBatchedSize {
                    try downloader.alone(batch[0])
                } else {
                    try downloader.together(batch[...])
                }
            } catch {
                for (index, _) in batch { pipeline.complete(index, .failed(error)) }
                break
            }
        }
        if let session = downloader.session { pool.put(session) }
        pipeline.workerExited()
    }

    /// Runs `body` with a pooled session on a dedicated thread; the session goes back to the pool only after a success.
    private func withSession<T: Sendable>(
        mailbox: String?, _ body: @escaping @Sendable (IMAPSession) throws(IMAPStepFailure) -> T) async throws -> T {
        let pool = pool
        let result: Result<T, IMAPStepFailure> = await OwnThread.run("imap \(configuration.server)") {
            Result { () throws(IMAPStepFailure) -> T in
                let session = try step("setting up libcurl") { () throws(CurlError) in try pool.take() }
                let value = try body(session)
                pool.put(session)
                return value
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let failure): throw mailFetchError(failure, mailbox: mailbox)
        }
    }

    private func checkMailboxName(_ mailbox: String) throws {
        if let problem = IMAPConfiguration.mailboxNameProblem(mailbox) {
            throw MailFetchError(.configuration, "\(name): mailbox name '\(mailbox)' \(problem)")
        }
    }

    // MARK: - Errors

    /// libcurl codes of TLS failures: a certificate, CA file or STARTTLS problem, not a passing outage.
    private static let tlsFailures: Set<UInt32> = [
        CURLE_SSL_CONNECT_ERROR, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM,
        CURLE_SSL_CIPHER, CURLE_PEER_FAILED_VERIFICATION, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_INITFAILED,
        CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
        CURLE_SSL_INVALIDCERTSTATUS,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// One line naming the server, what failed and what to do; never the password.
    func mailFetchError(_ failure: IMAPStepFailure, mailbox: String?) -> MailFetchError {
        let server = configuration.server
        let detail = failure.error.description.split(whereSeparator: \.isNewline).joined(separator: " ")
        let code = failure.error.code
        let mailboxName = mailbox.map { "'\($0)'" } ?? "the mailbox"
        if code == CURLE_LOGIN_DENIED.rawValue {
            // libcurl reports a refused SELECT with the same code as a refused login; only the text differs.
            if failure.error.text.hasPrefix("Select failed") {
                return MailFetchError(
                    .configuration, "\(server): mailbox \(mailboxName) cannot be opened (\(detail)): check that it exists")
            }
            // Too many connections of this user at once (RFC 5530 UNAVAILABLE; Dovecot's mail_max_userip_connections):
            // the next run will do.
            if failure.error.text.contains("[UNAVAILABLE]") || failure.error.text.contains("Maximum number of connections") {
                return MailFetchError(
                    .temporary, "\(server): the server takes no more connections now (\(detail)); lower imap.connections if it lasts")
            }
            return MailFetchError(
                .configuration,
                "\(server): login refused for user '\(configuration.credentials.username)' (\(detail)): check the credentials")
        }
        if Self.tlsFailures.contains(code) {
            return MailFetchError(
                .configuration,
                "\(server): TLS failed while \(failure.what) (\(detail)): check the certificate, the CA file and the STARTTLS setting")
        }
        if code == CURLE_UNSUPPORTED_PROTOCOL.rawValue || code == CURLE_URL_MALFORMAT.rawValue {
            return MailFetchError(.configuration, "\(server): libcurl cannot use this URL (\(detail))")
        }
        if failure.isUIDValidityChange {
            return MailFetchError(
                .temporary, "\(server): the UIDVALIDITY of \(mailboxName) changed while \(failure.what): read the mailbox again")
        }
        if code == CURLE_QUOTE_ERROR.rawValue {
            switch failure.refusal {
            case .temporary:
                return MailFetchError(.temporary, "\(server): the server refused \(failure.what) (\(detail))")
            case .mailbox:
                return MailFetchError(
                    .configuration, "\(server): the server refused \(failure.what) (\(detail)): check that \(mailboxName) exists")
            case .configuration:
                return MailFetchError(
                    .configuration, "\(server): the server refused \(failure.what) (\(detail)): check the configured folders and keyword")
            }
        }
        return MailFetchError(.temporary, "\(server): \(failure.what) failed (\(detail))")
    }
}

/// One download thread's connection and the two ways it downloads claimed positions.
private struct BatchDownloader {
    let pipeline: IMAPFetchPipeline
    let pool: IMAPSessionPool
    /// `nil` after a failure: a connection is never reused then.
    var session: IMAPSession?
    let mailbox: String
    let uidValidity: UInt32

    init(pipeline: IMAPFetchPipeline, pool: IMAPSessionPool, session: IMAPSession?, mailbox: String, uidValidity: UInt32) {
        self.pipeline = pipeline
        self.pool = pool
        self.session = session
        self.mailbox = mailbox
        self.uidValidity = uidValidity
    }

    private mutating func current() throws(IMAPStepFailure) -> IMAPSession {
        if let session { return session }
        let new = try step("setting up libcurl") { () throws(CurlError) in try pool.take() }
        session = new
        return new
    }

    /// Downloads the positions in one command; a batch libcurl could not read, or one the server refused (a message
    /// expunged meanwhile), is split in two, and a single message is then downloaded ``alone(_:)``.
    mutating func together(_ batch: ArraySlice<(index: Int, item: IMAPFetchPipeline.Item)>) throws(IMAPStepFailure) {
        let uids = batch.map(\.item.uid)
        let session = try current()
        do throws(IMAPStepFailure) {
            let bodies = try step("downloading UIDs \(uids.first ?? 0)…\(uids.last ?? 0) from \(mailbox)", refusal: .mailbox) {
                () throws(CurlError) in
                try session.messages(
                    mailbox: mailbox, uidValidity: uidValidity, uids: uids, expectedSize: batch.reduce(0) { $0 + $1.item.size })
            }
            for (index, item) in batch {
                pipeline.complete(index, bodies[item.uid].map { .message($0) } ?? .gone)
            }
        } catch {
            self.session = nil
            guard error.isUnreadableBatch || error.error.code == 21 else { throw error }
            if batch.count == 1 {
                try alone(batch[batch.startIndex])
                return
            }
            let middle = batch.startIndex + batch.count / 2
            try together(batch[..<middle])
            try together(batch[middle...])
        }
    }

    /// Downloads one message by URL (which sets `\Seen`, noted so that it can be taken off after a failure).
    mutating func alone(_ position: (index: Int, item: IMAPFetchPipeline.Item)) throws(IMAPStepFailure) {
        let (index, item) = position
        let session = try current()
        do throws(IMAPStepFailure) {
            if !item.seen, item.size <= IMAPFetcher.maxBatchedSize { pipeline.append([], markedSeen: [item.uid]) }
            let raw = try step("downloading UID \(item.uid) from \(mailbox)", refusal: .mailbox) { () throws(CurlError) in
                try session.message(mailbox: mailbox, uidValidity: uidValidity, uid: item.uid, expectedSize: item.size)
            }
            pipeline.complete(index, .message(raw))
        } catch {
            self.session = nil
            guard error.isMissingMessage else { throw error }
            pipeline.complete(index, .gone)
        }
    }
}
