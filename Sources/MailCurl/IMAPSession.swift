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
    /// The last tagged NO/BAD line, the server's own words (libcurl's error text does not carry them).
    private var refusal: String?
    private var clipped = false
    /// Connections opened by this handle (libcurl's "Connected to" notes).
    private(set) var connectionsOpened = 0

    /// The mailbox libcurl has selected on the current connection, as far as this session knows.
    private(set) var selectedMailbox: String?

    /// Server capabilities, asked once per session (`CAPABILITY` after login, RFC 9051 §6.1.1).
    private var knownCapabilities: Set<String>?

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
        // The debug callback sees the tagged replies (the server's reason for a NO); it runs only in verbose mode.
        try check(CCurl_easy_setopt_debug_function(handle, imapDebugCallback), "CURLOPT_DEBUGFUNCTION")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_DEBUGDATA, context), "CURLOPT_DEBUGDATA")
        try setLong(CURLOPT_VERBOSE, 1)
        // Long untagged lines (SEARCH over many UIDs) are clipped when longer than half the buffer.
        try setLong(CURLOPT_BUFFERSIZE, 512 * 1024)
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
        try check(CCurl_easy_setopt_string(handle, CURLOPT_URL, url(mailbox: mailbox, uidValidity: uidValidity)), "CURLOPT_URL")
        try check(CCurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, command), "CURLOPT_CUSTOMREQUEST")
        try setVerbose(true)
        let response = try perform(expecting: 0)
        if let mailbox { selectedMailbox = mailbox }
        return response
    }

    /// Downloads one whole message by URL (`UID FETCH n BODY[]`, which sets `\Seen`).
    func message(mailbox: String, uidValidity: UInt32, uid: UInt32, expectedSize: Int) throws(CurlError) -> [UInt8] {
        try check(CCurl_easy_setopt_string(handle, CURLOPT_URL, url(mailbox: mailbox, uidValidity: uidValidity, uid: uid)), "CURLOPT_URL")
        // Options are sticky: a custom request left set would replace the FETCH.
        try check(CCurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, nil), "CURLOPT_CUSTOMREQUEST")
        // No debug callbacks on the hot path (libcurl's own error text is enough for a download).
        try setVerbose(false)
        let raw = try perform(expecting: expectedSize)
        selectedMailbox = mailbox
        return raw
    }

    /// Downloads only the header block of a message (`UID FETCH n BODY[HEADER]`, by URL `…;UID=n/;SECTION=HEADER`).
    func header(mailbox: String, uidValidity: UInt32, uid: UInt32) throws(CurlError) -> [UInt8] {
        try check(
            CCurl_easy_setopt_string(handle, CURLOPT_URL, url(mailbox: mailbox, uidValidity: uidValidity, uid: uid) + "/;SECTION=HEADER"),
            "CURLOPT_URL")
        try check(CCurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, nil), "CURLOPT_CUSTOMREQUEST")
        try setVerbose(false)
        let raw = try perform(expecting: 8192)
        selectedMailbox = mailbox
        return raw
    }

    /// The server's capabilities, asked on first use.
    func capabilities() throws(CurlError) -> Set<String> {
        if let knownCapabilities { return knownCapabilities }
        let capabilities = IMAPResponses.capabilities(try command("CAPABILITY", mailbox: nil))
        knownCapabilities = capabilities
        return capabilities
    }

    private func perform(expecting size: Int) throws(CurlError) -> [UInt8] {
        received = []
        received.reserveCapacity(size + 64)
        refusal = nil
        clipped = false
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        defer { received = [] }
        guard code == CURLE_OK else {
            let buffered = String(cString: errorBuffer)
            var text = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
            if let refusal { text += " (server: \(refusal))" }
            abandonConnection()
            selectedMailbox = nil
            throw CurlError(code: code.rawValue, text: text, responseCode: 0)
        }
        if clipped {
            abandonConnection()
            selectedMailbox = nil
            throw CurlError(code: CURLE_WEIRD_SERVER_REPLY.rawValue, text: "a response line was too long for libcurl and was clipped", responseCode: 0)
        }
        return received
    }

    /// Makes sure the connection is not reused after a failure (see `CurlSMTPSession.abandonConnection`).
    private func abandonConnection() {
        var socket = curl_socket_t(-1)
        guard CCurl_easy_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 else { return }
        _ = shutdown(socket, Int32(SHUT_RDWR))
    }

    fileprivate func append(_ bytes: UnsafeRawBufferPointer) {
        received.append(contentsOf: bytes)
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
            if bytes.starts(with: "Connected to ".utf8) { connectionsOpened += 1 }
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
    session.append(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

/// `CURLOPT_DEBUGFUNCTION`: captures nothing; the session travels in `userdata`.
private let imapDebugCallback: curl_debug_callback = { _, type, data, size, userdata in
    guard let data, let userdata else { return 0 }
    let session = Unmanaged<IMAPSession>.fromOpaque(userdata).takeUnretainedValue()
    session.observe(type, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
