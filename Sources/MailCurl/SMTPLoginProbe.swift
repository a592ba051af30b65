import Foundation
internal import CCurl

/// One libcurl handle that opens an SMTP session as ``CurlSMTPSession`` does (greeting, EHLO, STARTTLS, AUTH) and
/// stops there (`CURLOPT_CONNECT_ONLY`): the session's setup checked, no transaction started.
///
/// Not thread-safe: created, used and released on one thread.
final class SMTPLoginProbe {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The server's last reply line (`535 5.7.8 Authentication credentials invalid`), for the failure's text.
    fileprivate var lastReply: String?

    init(configuration: SMTPConfiguration) throws(CurlError) {
        (handle, errorBuffer) = try CurlGlobal.makeHandle()
        try check(CCurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(CCurl_easy_setopt_string(handle, CURLOPT_URL, configuration.curlURL), "CURLOPT_URL")
        try check(CCurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"), "CURLOPT_PROTOCOLS_STR")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(CCurl_easy_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1), "CURLOPT_CONNECT_ONLY")
        // The debug callback sees the server's replies (libcurl's error text does not carry them).
        try check(CCurl_easy_setopt_debug_function(handle, loginProbeDebugCallback), "CURLOPT_DEBUGFUNCTION")
        try check(CCurl_easy_setopt_long(handle, CURLOPT_VERBOSE, 1), "CURLOPT_VERBOSE")
        let (seconds, _) = configuration.connectTimeout.components
        try check(CCurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, max(1, Int(seconds))), "CURLOPT_CONNECTTIMEOUT")
        let (total, _) = configuration.messageTimeout.components
        try check(CCurl_easy_setopt_long(handle, CURLOPT_TIMEOUT, max(1, Int(total))), "CURLOPT_TIMEOUT")
        if !configuration.isImplicitTLS {
            try check(CCurl_easy_setopt_long(handle, CURLOPT_USE_SSL, configuration.startTLS.curlUseSSL), "CURLOPT_USE_SSL")
        }
        try check(CCurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, configuration.verifyCertificates ? 1 : 0), "CURLOPT_SSL_VERIFYPEER")
        try check(CCurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, configuration.verifyCertificates ? 2 : 0), "CURLOPT_SSL_VERIFYHOST")
        if let caFile = configuration.caFile {
            try check(CCurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile), "CURLOPT_CAINFO")
        }
        if let credentials = configuration.credentials {
            try check(CCurl_easy_setopt_string(handle, CURLOPT_USERNAME, credentials.username), "CURLOPT_USERNAME")
            try check(CCurl_easy_setopt_string(handle, CURLOPT_PASSWORD, credentials.password), "CURLOPT_PASSWORD")
        }
    }

    deinit {
        // Sends QUIT on the open connection.
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Opens the session; throws libcurl's failure with the last reply the server gave.
    func perform() throws(CurlError) {
        errorBuffer[0] = 0
        lastReply = nil
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(self).toOpaque()), "CURLOPT_DEBUGDATA")
        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return }
        var responseCode = 0
        _ = CCurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        let buffered = String(cString: errorBuffer)
        var text = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        if let lastReply, let first = lastReply.first, first == "4" || first == "5" { text += " (server: \(lastReply))" }
        throw CurlError(code: code.rawValue, text: text, responseCode: responseCode)
    }

    /// Keeps the last complete reply line (`250 OK`, `535 5.7.8 …`; not the `250-` lines before a last one).
    fileprivate func observe(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer) {
        guard type == CURLINFO_HEADER_IN else { return }
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let characters = Array(line.prefix(4))
        guard characters.count == 4, characters[0...2].allSatisfy(\.isNumber), characters[3] == " " else { return }
        lastReply = line
    }
}

private let loginProbeDebugCallback: curl_debug_callback = { _, type, data, size, userdata in
    guard let data, let userdata else { return 0 }
    Unmanaged<SMTPLoginProbe>.fromOpaque(userdata).takeUnretainedValue().observe(type, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
