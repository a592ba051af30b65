import Foundation
internal import CCurl

/// One libcurl easy handle on one IMAP connection, reused for every command and message it is given.
///
/// Not thread-safe: one thread at a time (sessions move between threads through ``IMAPSessionPool``).
/// After any failure the session must be thrown away: libcurl drops the connection on a NO reply, and
/// may keep a half-read one after a timeout.
final class IMAPSession {
    private let handle: UnsafeMutableRawPointer
    private let configuration: IMAPConfiguration
    private let errorBuffer: UnsafeMutablePointer<CChar>

    // Written by the C callbacks during a transfer.
    private var received: [UInt8] = []
    /// Whether `received` takes the response lines (libcurl's "headers") instead of the body.
    private var capturingResponseLines = false
    /// The last tagged NO/BAD line, the server's own words (libcurl's error text does not carry them).
    private var refusal: String?
    private var clipped = false

    /// The mailbox libcurl has selected on the current connection, as far as this session knows.
    private(set) var selectedMailbox: String?

    /// Server capabilities, asked once per session (`CAPABILITY` after login, RFC 9051 §6.1.1).
    private var knownCapabilities: Set<String>?

    /// Whether the current connection reports expunged messages as UID ranges, one `* VANISHED 1:64` line for many
    /// (`ENABLE QRESYNC` accepted before the first SELECT, RFC 7162 §3.2.10), instead of a `* n EXPUNGE` line each.
    /// libcurl counts untagged lines against a limit (``batchCost(size:)``): messages another connection moved out
    /// (the fetcher's own, moving one chunk out while this one reads the next) must not fill a response with them.
    private(set) var expungesAsRanges = false
    /// The server refused `ENABLE QRESYNC` once: not asked again.
    private var rangesRefused = false

    init(configuration: IMAPConfiguration) throws(CurlError) {
        (handle, errorBuffer) = try CurlGlobal.makeHandle()
        self.configuration = configuration
        try setUp()
    }

    deinit {
        // Sends LOGOUT on the open connection, if any (bounded by the server response timeout).
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    private func setUp() throws(CurlError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try setLong(CURLOPT_NOSIGNAL, 1)
        try check(CCurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "imap,imaps"), "CURLOPT_PROTOCOLS_STR")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(CCurl_easy_setopt_write_function(handle, imapWriteCallback), "CURLOPT_WRITEFUNCTION")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        try check(CCurl_easy_setopt_header_function(handle, imapHeaderCallback), "CURLOPT_HEADERFUNCTION")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")
        // The debug callback sees the tagged replies (the server's reason for a NO); it runs only in verbose mode.
        try check(CCurl_easy_setopt_debug_function(handle, imapDebugCallback), "CURLOPT_DEBUGFUNCTION")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_DEBUGDATA, context), "CURLOPT_DEBUGDATA")
        try setLong(CURLOPT_VERBOSE, 1)
        try setBufferSize(Self.commandBufferSize)
        try setLong(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout))
        try setLong(CURLOPT_TIMEOUT_MS, milliseconds(configuration.commandTimeout))
        // Bounds each reply, also LOGOUT's when the handle is cleaned up (where the overall timeout does not apply).
        try setLong(CURLOPT_SERVER_RESPONSE_TIMEOUT, (milliseconds(configuration.commandTimeout) + 999) / 1000)
        try setLong(CURLOPT_TCP_KEEPALIVE, 1)
        if !configuration.isImplicitTLS {
            let useSSL: curl_usessl =
                switch configuration.startTLS {
                case .required: CURLUSESSL_ALL
                case .opportunistic: CURLUSESSL_TRY
                case .off: CURLUSESSL_NONE
                }
            try setLong(CURLOPT_USE_SSL, Int(useSSL.rawValue))
        }
        try setLong(CURLOPT_SSL_VERIFYPEER, configuration.verifyCertificates ? 1 : 0)
        try setLong(CURLOPT_SSL_VERIFYHOST, configuration.verifyCertificates ? 2 : 0)
        if let caFile = configuration.caFile {
            try check(CCurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile), "CURLOPT_CAINFO")
        }
        let credentials = configuration.credentials
        try check(CCurl_easy_setopt_string(handle, CURLOPT_USERNAME, credentials.username), "CURLOPT_USERNAME")
        try check(CCurl_easy_setopt_string(handle, CURLOPT_PASSWORD, credentials.password), "CURLOPT_PASSWORD")
    }

    private var verbose = true

    /// libcurl's receive buffer for commands: an untagged line longer than half of it is clipped (a plain
    /// `SEARCH` over many UIDs is one long line).
    static let commandBufferSize = 512 * 1024
    /// libcurl's receive buffer for ``messages(mailbox:uidValidity:uids:expectedSize:)``; see ``batchCost(size:)``.
    static let batchBufferSize = 8 * 1024
    private var bufferSize = 0

    private func setBufferSize(_ size: Int) throws(CurlError) {
        guard size != bufferSize else { return }
        try setLong(CURLOPT_BUFFERSIZE, size)
        bufferSize = size
    }

    /// What one message adds to libcurl's count of response-line bytes in ``messages(mailbox:uidValidity:uids:expectedSize:)``.
    ///
    /// Debian's libcurl 7.88.1 (with the CVE-2023-38039 fix) counts the response lines of a custom command as
    /// headers and fails past 300 KiB ("Too large response headers", error 56); it counts every byte once, and the
    /// bytes still in its receive buffer once more at every untagged line (each `* n FETCH`, and a body line that
    /// starts with `* `). A batch of messages stays below ``batchBudget`` by this estimate; a batch that fails all
    /// the same is split (see `IMAPFetcher`).
    static func batchCost(size: Int) -> Int { size + 128 + batchBufferSize }
    /// The estimated count a batch may reach, well below libcurl's 307,200.
    static let batchBudget = 200 * 1024

    private func setVerbose(_ on: Bool) throws(CurlError) {
        guard on != verbose else { return }
        try setLong(CURLOPT_VERBOSE, on ? 1 : 0)
        verbose = on
    }

    private func setLong(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(CCurl_easy_setopt_long(handle, option, value), "curl option \(option.rawValue)")
    }

    private func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// The URL of a mailbox, optionally pinned to a UIDVALIDITY (libcurl then fails when the SELECT reports another).
    private func url(mailbox: String?, uidValidity: UInt32?, uid: UInt32? = nil) -> String {
        guard let mailbox else { return "\(configuration.server)/" }
        var url = "\(configuration.server)/\(IMAPResponses.urlEncoded(mailbox))"
        if let uidValidity { url += ";UIDVALIDITY=\(uidValidity)" }
        if let uid { url += "/;UID=\(uid)" }
        return url
    }

    /// Sends a custom command and returns its untagged response lines.
    ///
    /// With a mailbox, libcurl SELECTs it first (unless it is the selected one); never send SELECT or
    /// EXAMINE here: libcurl would not know, and a later URL would read the wrong mailbox.
    func command(_ command: String, mailbox: String?, uidValidity: UInt32? = nil) throws(CurlError) -> [UInt8] {
        if mailbox != nil { try askForExpungesAsRanges() }
        try check(CCurl_easy_setopt_string(handle, CURLOPT_URL, url(mailbox: mailbox, uidValidity: uidValidity)), "CURLOPT_URL")
        try check(CCurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, command), "CURLOPT_CUSTOMREQUEST")
        try setVerbose(true)
        try setBufferSize(Self.commandBufferSize)
        return try perform(expecting: 0, selecting: mailbox)
    }

    /// Downloads several whole messages in one command, without changing their flags: `UID FETCH set (UID BODY.PEEK[])`.
    ///
    /// libcurl passes a custom command's literals only to the header callback, line by line, with the rest of the
    /// response (see ``IMAPResponses/fetchedBodies(_:)``); so the lines are collected there and the bodies are cut
    /// out by the literals' lengths. Messages the server did not return (expunged meanwhile) are missing from the
    /// result. When the batch was too large for libcurl, or its response could not be read exactly (a line clipped
    /// by libcurl), the error says so (``IMAPStepFailure/isUnreadableBatch``); the connection is closed after any failure.
    func messages(mailbox: String, uidValidity: UInt32, uids: [UInt32], expectedSize: Int) throws(CurlError) -> [UInt32: [UInt8]] {
        try askForExpungesAsRanges()
        try check(CCurl_easy_setopt_string(handle, CURLOPT_URL, url(mailbox: mailbox, uidValidity: uidValidity)), "CURLOPT_URL")
        let set = IMAPResponses.uidSets(uids, maxCount: Int.max).joined(separator: ",")
        try check(CCurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "UID FETCH \(set) (UID BODY.PEEK[])"), "CURLOPT_CUSTOMREQUEST")
        // Verbose, so that a clipped line is noticed (libcurl says so only to the debug callback).
        try setVerbose(true)
        try setBufferSize(Self.batchBufferSize)
        capturingResponseLines = true
        defer { capturingResponseLines = false }
        let stream = try perform(expecting: expectedSize + uids.count * 64 + 512, selecting: mailbox)
        guard let bodies = IMAPResponses.fetchedBodies(stream) else {
            abandonConnection()
            throw CurlError(
                code: CURLE_WEIRD_SERVER_REPLY.rawValue, text: "the FETCH response did not end where its literals said", responseCode: 0)
        }
        return bodies
    }

    /// Downloads one whole message by URL (`UID FETCH n BODY[]`, which sets `\Seen`).
    func message(mailbox: String, uidValidity: UInt32, uid: UInt32, expectedSize: Int) throws(CurlError) -> [UInt8] {
        try askForExpungesAsRanges()
        try check(CCurl_easy_setopt_string(handle, CURLOPT_URL, url(mailbox: mailbox, uidValidity: uidValidity, uid: uid)), "CURLOPT_URL")
        // Options are sticky: a custom request left set would replace the FETCH.
        try check(CCurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, nil), "CURLOPT_CUSTOMREQUEST")
        // No debug callbacks on the hot path (libcurl's own error text is enough for a download).
        try setVerbose(false)
        return try perform(expecting: expectedSize, selecting: mailbox)
    }

    /// Downloads only the header block of a message (`UID FETCH n BODY[HEADER]`, by URL `…;UID=n/;SECTION=HEADER`).
    func header(mailbox: String, uidValidity: UInt32, uid: UInt32) throws(CurlError) -> [UInt8] {
        try askForExpungesAsRanges()
        try check(
            CCurl_easy_setopt_string(handle, CURLOPT_URL, url(mailbox: mailbox, uidValidity: uidValidity, uid: uid) + "/;SECTION=HEADER"),
            "CURLOPT_URL")
        try check(CCurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, nil), "CURLOPT_CUSTOMREQUEST")
        try setVerbose(false)
        return try perform(expecting: 8192, selecting: mailbox)
    }

    /// Before a connection selects its first mailbox (the only time `ENABLE` may be sent, RFC 5161 §3.1): asks for
    /// expunges as UID ranges where the server offers QRESYNC. A refusal leaves the session as it was.
    func askForExpungesAsRanges() throws(CurlError) {
        guard selectedMailbox == nil, !expungesAsRanges, !rangesRefused, try capabilities().contains("QRESYNC") else { return }
        // libcurl hands over only untagged lines named as the command; `* ENABLED` is one of the response lines.
        capturingResponseLines = true
        defer { capturingResponseLines = false }
        do {
            let reply = try command("ENABLE QRESYNC", mailbox: nil)
            expungesAsRanges = IMAPResponses.enabled(reply).contains("QRESYNC")
        } catch where error.code == CURLE_QUOTE_ERROR.rawValue {
            rangesRefused = true  // a NO or BAD: this server will not; anything else (the connection, the login) is thrown
        }
    }

    /// Hears what other connections changed in the selected mailbox since this one's last command (`NOOP`): flags
    /// they set are a `* n FETCH` line per message even with QRESYNC. When that is more than libcurl takes in one
    /// response, the connection is let go, and the next command starts on a fresh one, which hears of nothing.
    func catchUp() {
        guard let selected = selectedMailbox else { return }
        _ = try? command("NOOP", mailbox: selected)
    }

    /// The server's capabilities, asked on first use.
    func capabilities() throws(CurlError) -> Set<String> {
        if let knownCapabilities { return knownCapabilities }
        let capabilities = IMAPResponses.capabilities(try command("CAPABILITY", mailbox: nil))
        knownCapabilities = capabilities
        return capabilities
    }

    /// Runs the transfer set up; `mailbox`: the one its URL selects (nil: the selection stays as it was). A connection
    /// let go here (a failure, or one libcurl replaced) forgets its selection after the transfer, not before.
    private func perform(expecting size: Int, selecting mailbox: String? = nil) throws(CurlError) -> [UInt8] {
        received = []
        received.reserveCapacity(size + 64)
        refusal = nil
        clipped = false
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        defer { received = [] }
        if let mailbox { selectedMailbox = mailbox }
        guard code == CURLE_OK else {
            let buffered = String(cString: errorBuffer)
            var text = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
            if let refusal { text += " (server: \(refusal))" }
            abandonConnection()
            throw CurlError(code: code.rawValue, text: text, responseCode: 0)
        }
        // libcurl replaces a connection it finds dead without a word (with the debug callback off, not even a note):
        // the new one has not enabled QRESYNC, and the mailbox is selected on it already. It is let go after this
        // command, so that the next one connects afresh and asks before selecting.
        var connects = 0
        if expungesAsRanges, CCurl_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK, connects > 0 {
            abandonConnection()
        }
        if clipped {
            abandonConnection()
            throw CurlError(code: CURLE_WEIRD_SERVER_REPLY.rawValue, text: "a response line was too long for libcurl and was clipped", responseCode: 0)
        }
        return received
    }

    /// Makes sure the connection is not reused after a failure (see `CurlSMTPSession.abandonConnection`); the next
    /// command selects its mailbox afresh.
    private func abandonConnection() {
        selectedMailbox = nil
        expungesAsRanges = false
        var socket = curl_socket_t(-1)
        guard CCurl_easy_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 else { return }
        _ = shutdown(socket, Int32(SHUT_RDWR))
    }

    fileprivate func append(_ bytes: UnsafeRawBufferPointer, responseLine: Bool) {
        if responseLine == capturingResponseLines { received.append(contentsOf: bytes) }
    }

    fileprivate func observe(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer) {
        switch type {
        case CURLINFO_HEADER_IN:
            // Tagged completions: `A004 NO [TRYCREATE] Mailbox doesn't exist: x`.
            guard let space = bytes.firstIndex(of: UInt8(ascii: " ")), space > 0, bytes[0] != UInt8(ascii: "*") else { return }
            let rest = bytes[(space + 1)...]
            if rest.starts(with: "NO ".utf8) || rest.starts(with: "BAD ".utf8) {
                refusal = String(decoding: rest, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        case CURLINFO_TEXT:
            if bytes.starts(with: "Excessive server response line".utf8) { clipped = true }
        default:
            break
        }
    }
}

/// `CURLOPT_WRITEFUNCTION`: captures nothing; the session travels in `userdata`.
private let imapWriteCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let session = Unmanaged<IMAPSession>.fromOpaque(userdata).takeUnretainedValue()
    session.append(UnsafeRawBufferPointer(start: data, count: size * count), responseLine: false)
    return size * count
}

/// `CURLOPT_HEADERFUNCTION`: every response line, CRLF included (kept only while a batch is fetched).
private let imapHeaderCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let session = Unmanaged<IMAPSession>.fromOpaque(userdata).takeUnretainedValue()
    session.append(UnsafeRawBufferPointer(start: data, count: size * count), responseLine: true)
    return size * count
}

/// `CURLOPT_DEBUGFUNCTION`: captures nothing; the session travels in `userdata`.
private let imapDebugCallback: curl_debug_callback = { _, type, data, size, userdata in
    guard let data, let userdata else { return 0 }
    let session = Unmanaged<IMAPSession>.fromOpaque(userdata).takeUnretainedValue()
    session.observe(type, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
