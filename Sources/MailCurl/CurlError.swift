internal import CCurl

/// A libcurl failure: curl's code, its error-buffer text and the SMTP reply code, if any.
struct CurlError: Error, CustomStringConvertible {
    let code: UInt32
    /// The error buffer's text, or `curl_easy_strerror` when the buffer was empty.
    let text: String
    /// `CURLINFO_RESPONSE_CODE`: the last SMTP reply code, 0 when the server never answered.
    let responseCode: Int

    var description: String { "\(text) (curl error \(code))" }
}

/// Turns a `CURLcode` from setup calls into a thrown ``CurlError``.
func check(_ code: CURLcode, _ what: @autoclosure () -> String) throws(CurlError) {
    guard code != CURLE_OK else { return }
    throw CurlError(code: code.rawValue, text: "\(what()): \(String(cString: curl_easy_strerror(code)))", responseCode: 0)
}

/// `curl_global_init`, run once, before the first handle.
enum CurlGlobal {
    static let initResult: UInt32 = CCurl_global_init_default().rawValue

    /// A new easy handle and its error buffer (allocated, so that its pointer may be handed to libcurl);
    /// the caller frees both (`curl_easy_cleanup`, `deallocate`).
    static func makeHandle() throws(CurlError) -> (handle: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>) {
        guard initResult == CURLE_OK.rawValue else {
            throw CurlError(code: initResult, text: "curl_global_init failed", responseCode: 0)
        }
        guard let handle = curl_easy_init() else {
            throw CurlError(code: CURLE_FAILED_INIT.rawValue, text: "curl_easy_init failed", responseCode: 0)
        }
        let size = CCurl_error_size()
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
        return (handle, errorBuffer)
    }
}
