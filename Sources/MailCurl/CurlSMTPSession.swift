import Foundation
import Logging
internal import CCurl
import RolloutCore
import RolloutGateway

/// One libcurl easy handle, used for a whole batch so that its connection is reused.
///
/// Not thread-safe: created, used and released on the one thread that runs the batch.
final class CurlSMTPSession {
    /// A complete server reply (the last line of a multi-line reply decides the code).
    struct Reply {
        var code: Int
        var text: String
    }

    private let handle: UnsafeMutableRawPointer
    private let configuration: SMTPConfiguration
    private let errorBuffer: UnsafeMutablePointer<CChar>

    // State of the message in flight, read and written by the C callbacks.
    private var body: [UInt8] = []
    private var bodyOffset = 0
    private var recipientList: UnsafeMutablePointer<curl_slist>?
    /// Replies to each RCPT TO, in the order they were sent.
    private(set) var recipientReplies: [Reply] = []
    private var awaitingRecipientReply = false
    private var partialReply: [String] = []
    /// The last complete reply of this transfer (but for the reply to QUIT).
    private(set) var lastReply: Reply?
    /// The step of the SMTP dialogue the last command (or the greeting) belongs to.
    enum Step: Sendable, Equatable {
        case greeting, hello, startTLS, authentication, mailFrom, recipient, data, endOfData, quit, other
    }
    /// The step being answered: set when a command goes out, read when its reply comes in.
    private var step: Step = .greeting
    /// Whether the last transfer failed before the server said anything: while connecting (no command went out
    /// yet), or connected and waiting for the greeting.
    var beforeGreeting: Bool { (step == .greeting || step == .other) && lastReply == nil }
    /// The step the last complete reply answered.
    private(set) var lastReplyStep: Step?
    /// Connections opened by this handle (libcurl's "Connected to" notes).
    private(set) var connectionsOpened = 0

    init(configuration: SMTPConfiguration) throws(CurlError) {
        (handle, errorBuffer) = try CurlGlobal.makeHandle()
        self.configuration = configuration
        try setUp()
    }

    deinit {
        // Sends QUIT on the open connection, if any.
        curl_easy_cleanup(handle)
        curl_slist_free_all(recipientList)
        errorBuffer.deallocate()
    }

    private func setUp() throws(CurlError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try setLong(CURLOPT_NOSIGNAL, 1)
        try check(CCurl_easy_setopt_string(handle, CURLOPT_URL, configuration.curlURL), "CURLOPT_URL")
        try check(CCurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"), "CURLOPT_PROTOCOLS_STR")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try setLong(CURLOPT_UPLOAD, 1)
        // LF → CRLF before dot-stuffing; see `fill`: CRLF in the input must reach libcurl as LF.
        try setLong(CURLOPT_CRLF, 1)
        try setLong(CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1)
        try check(CCurl_easy_setopt_read_function(handle, curlReadCallback), "CURLOPT_READFUNCTION")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_READDATA, context), "CURLOPT_READDATA")
        // The debug callback sees every command and reply line; it runs only in verbose mode.
        try check(CCurl_easy_setopt_debug_function(handle, curlDebugCallback), "CURLOPT_DEBUGFUNCTION")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_DEBUGDATA, context), "CURLOPT_DEBUGDATA")
        try setLong(CURLOPT_VERBOSE, 1)
        try setLong(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout))
        try setLong(CURLOPT_TIMEOUT_MS, milliseconds(configuration.messageTimeout))
        // Bounds each reply, also QUIT's when the handle is cleaned up (where the overall timeout does not apply).
        try setLong(CURLOPT_SERVER_RESPONSE_TIMEOUT, (milliseconds(configuration.messageTimeout) + 999) / 1000)
        try setLong(CURLOPT_TCP_KEEPALIVE, 1)
        let useSSL: curl_usessl =
            switch configuration.startTLS {
            case .required: CURLUSESSL_ALL
            case .opportunistic: CURLUSESSL_TRY
            case .off: CURLUSESSL_NONE
            }
        if !configuration.isImplicitTLS { try setLong(CURLOPT_USE_SSL, Int(useSSL.rawValue)) }
        try setLong(CURLOPT_SSL_VERIFYPEER, configuration.verifyCertificates ? 1 : 0)
        try setLong(CURLOPT_SSL_VERIFYHOST, configuration.verifyCertificates ? 2 : 0)
        if let caFile = configuration.caFile {
            try check(CCurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile), "CURLOPT_CAINFO")
        }
        if let credentials = configuration.credentials {
            try check(CCurl_easy_setopt_string(handle, CURLOPT_USERNAME, credentials.username), "CURLOPT_USERNAME")
            try check(CCurl_easy_setopt_string(handle, CURLOPT_PASSWORD, credentials.password), "CURLOPT_PASSWORD")
        }
    }

    private func setLong(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(CCurl_easy_setopt_long(handle, option, value), "curl option \(option.rawValue)")
    }

    private func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// Sends one message over the handle's connection (opening one if needed).
    ///
    /// - Returns: `nil` when libcurl reported success, or its failure.
    func send(_ message: OutgoingMessage) -> CurlError? {
        body = message.data
        bodyOffset = 0
        recipientReplies = []
        awaitingRecipientReply = false
        partialReply = []
        lastReply = nil
        lastReplyStep = nil
        step = .other
        errorBuffer[0] = 0
        defer { body = [] }

        var list: UnsafeMutablePointer<curl_slist>?
        for recipient in message.recipients {
            guard let appended = curl_slist_append(list, recipient.value) else {
                curl_slist_free_all(list)
                return CurlError(code: CURLE_OUT_OF_MEMORY.rawValue, text: "curl_slist_append failed", responseCode: 0)
            }
            list = appended
        }
        do {
            try check(CCurl_easy_setopt_string(handle, CURLOPT_MAIL_FROM, message.sender.value), "CURLOPT_MAIL_FROM")
            try check(CCurl_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, list), "CURLOPT_MAIL_RCPT")
        } catch {
            curl_slist_free_all(list)
            return error
        }
        // The previous list is no longer referenced by the handle.
        curl_slist_free_all(recipientList)
        recipientList = list

        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return nil }
        var responseCode = 0
        _ = CCurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        let buffered = String(cString: errorBuffer)
        let text = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        abandonConnection()
        return CurlError(code: code.rawValue, text: text, responseCode: responseCode)
    }

    /// Makes sure the next message does not reuse a connection left behind by a failure.
    ///
    /// libcurl 7.88 keeps the connection after a timeout waiting for the reply to the end of data,
    /// and the next message then reads that late reply as its own (and QUIT waits for it, up to
    /// the server response timeout). Shutting the socket down (not closing it: libcurl owns the
    /// descriptor) makes libcurl find it dead: it reconnects, and sends no QUIT on it.
    private func abandonConnection() {
        var socket = curl_socket_t(-1)
        guard CCurl_easy_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 else { return }
        _ = shutdown(socket, Int32(SHUT_RDWR))
    }

    /// Copies the next part of the message into libcurl's buffer.
    ///
    /// With `CURLOPT_CRLF` libcurl turns every LF into CRLF, also one already preceded by CR
    /// (CRLF would go out as CR CR LF), so the CR of each CRLF pair is left out here.
    fileprivate func fill(_ buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        body.withUnsafeBufferPointer { source in
            var written = 0
            var index = bodyOffset
            let end = source.count
            while written < capacity, index < end {
                let byte = source[index]
                index += 1
                if byte == 0x0D, index < end, source[index] == 0x0A { continue }
                buffer[written] = CChar(bitPattern: byte)
                written += 1
            }
            bodyOffset = index
            return written
        }
    }

    /// Follows the SMTP dialogue: commands out, reply lines in.
    fileprivate func observe(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer) {
        switch type {
        case CURLINFO_HEADER_OUT:
            // libcurl sends one command per call and does not pipeline, so replies come in command order.
            let command = String(decoding: bytes.prefix(10), as: UTF8.self).uppercased()
            awaitingRecipientReply = command.hasPrefix("RCPT TO:")
            step =
                if command.hasPrefix("EHLO") || command.hasPrefix("HELO") { .hello }
                else if command.hasPrefix("STARTTLS") { .startTLS }
                else if command.hasPrefix("AUTH") { .authentication }
                else if command.hasPrefix("MAIL FROM:") { .mailFrom }
                else if awaitingRecipientReply { .recipient }
                else if command.hasPrefix("DATA") { .data }
                else if command.hasPrefix("QUIT") { .quit }
                else if step == .authentication { .authentication }  // the lines of an AUTH exchange
                else { .other }
        case CURLINFO_DATA_OUT:
            step = .endOfData
        case CURLINFO_HEADER_IN:
            let text = String(decoding: bytes, as: UTF8.self)
            for line in text.split(whereSeparator: \.isNewline) { replyLine(String(line)) }
        case CURLINFO_TEXT:
            if bytes.starts(with: "Connected to ".utf8) {
                connectionsOpened += 1
                step = .greeting
            }
        default:
            break
        }
    }

    private func replyLine(_ line: String) {
        let utf8 = Array(line.utf8)
        guard utf8.count >= 3, utf8[0..<3].allSatisfy({ (0x30...0x39).contains($0) }) else { return }
        partialReply.append(line)
        if utf8.count > 3, utf8[3] == UInt8(ascii: "-") { return }
        let reply = Reply(code: Int(String(decoding: utf8[0..<3], as: UTF8.self)) ?? 0, text: partialReply.joined(separator: " "))
        partialReply = []
        // libcurl sends QUIT on a connection it closes after a failure: its "221" must not hide the refusal.
        guard step != .quit else { return }
        lastReply = reply
        lastReplyStep = step
        if awaitingRecipientReply {
            recipientReplies.append(reply)
            awaitingRecipientReply = false
        }
    }
}

/// `CURLOPT_READFUNCTION`: captures nothing; the session travels in `userdata`.
private let curlReadCallback: curl_read_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return Int(CURL_READFUNC_ABORT) }
    let session = Unmanaged<CurlSMTPSession>.fromOpaque(userdata).takeUnretainedValue()
    return session.fill(buffer, capacity: size * count)
}

/// `CURLOPT_DEBUGFUNCTION`: captures nothing; the session travels in `userdata`.
private let curlDebugCallback: curl_debug_callback = { _, type, data, size, userdata in
    guard let data, let userdata else { return 0 }
    let session = Unmanaged<CurlSMTPSession>.fromOpaque(userdata).takeUnretainedValue()
    session.observe(type, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
