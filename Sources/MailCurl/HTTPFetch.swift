import Foundation
internal import CCurl

/// One HTTP(S) GET through libcurl, for the read APIs the gateway asks (GOCDB): no redirects, no other protocol, a
/// bounded body and time, the server's certificate verified (against `caFile` when given), and a client certificate
/// when the private path needs one.
public struct HTTPFetch: Sendable {
    public var timeoutSeconds: Int
    /// The most bytes of a body read; a longer one fails.
    public var maxBytes: Int
    public var caFile: String?
    public var clientCertificateFile: String?
    public var clientKeyFile: String?

    public init(
        timeoutSeconds: Int = 30, maxBytes: Int = 16 << 20, caFile: String? = nil, clientCertificateFile: String? = nil,
        clientKeyFile: String? = nil
    ) {
        self.timeoutSeconds = timeoutSeconds
        self.maxBytes = maxBytes
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
    }

    /// The body of a 200 answer to a GET of `url`, fetched on a thread of its own (the call blocks for up to
    /// `timeoutSeconds`, which the cooperative pool must not pay).
    ///
    /// - Throws: ``HTTPFetchError`` naming the URL: unreachable, timed out, too large, or answered with another status.
    public func get(_ url: String) async throws(HTTPFetchError) -> [UInt8] {
        let fetch = self
        return try await OwnThread.run("http \(url.prefix(64))") { Result { () throws(HTTPFetchError) in try fetch.getBlocking(url) } }.get()
    }

    /// ``get(_:)`` on the calling thread.
    func getBlocking(_ url: String) throws(HTTPFetchError) -> [UInt8] {
        let body = HTTPBody(limit: maxBytes)
        var status = 0
        do {
            let (handle, errorBuffer) = try CurlGlobal.makeHandle()
            defer {
                curl_easy_cleanup(handle)
                errorBuffer.deallocate()
            }
            try check(CCurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
            try check(CCurl_easy_setopt_string(handle, CURLOPT_URL, url), "CURLOPT_URL")
            try check(CCurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
            try check(CCurl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "CURLOPT_FOLLOWLOCATION")
            try check(CCurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
            try check(CCurl_easy_setopt_long(handle, CURLOPT_TIMEOUT, max(1, timeoutSeconds)), "CURLOPT_TIMEOUT")
            try check(CCurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, max(1, min(timeoutSeconds, 10))), "CURLOPT_CONNECTTIMEOUT")
            try check(CCurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1), "CURLOPT_SSL_VERIFYPEER")
            try check(CCurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2), "CURLOPT_SSL_VERIFYHOST")
            if let caFile { try check(CCurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile), "CURLOPT_CAINFO") }
            if let clientCertificateFile {
                try check(CCurl_easy_setopt_string(handle, CURLOPT_SSLCERT, clientCertificateFile), "CURLOPT_SSLCERT")
            }
            if let clientKeyFile { try check(CCurl_easy_setopt_string(handle, CURLOPT_SSLKEY, clientKeyFile), "CURLOPT_SSLKEY") }
            try check(CCurl_easy_setopt_write_function(handle, httpBodyCallback), "CURLOPT_WRITEFUNCTION")
            let context = Unmanaged.passRetained(body)
            defer { context.release() }
            try check(CCurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque()), "CURLOPT_WRITEDATA")
            let code = curl_easy_perform(handle)
            _ = CCurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            guard code == CURLE_OK else {
                if body.overflowed { throw HTTPFetchError(url: url, reason: "the answer exceeds \(maxBytes) bytes") }
                let buffered = String(cString: errorBuffer)
                throw HTTPFetchError(url: url, reason: buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered)
            }
        } catch let error as CurlError {
            throw HTTPFetchError(url: url, reason: error.description)
        } catch let error as HTTPFetchError {
            throw error
        } catch {
            throw HTTPFetchError(url: url, reason: "\(error)")
        }
        guard status == 200 else { throw HTTPFetchError(url: url, reason: "HTTP status \(status)") }
        return body.bytes
    }
}

/// libcurl's write callback: appends to the ``HTTPBody``; returning less than given stops the transfer.
private func httpBodyCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let body = Unmanaged<HTTPBody>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard body.bytes.count + length <= body.limit else {
        body.overflowed = true
        return 0
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) { body.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
    return length
}
