internal import CCurl

extension SMTPConfiguration.STARTTLSPolicy {
    /// `CURLOPT_USE_SSL` for this policy (for a plain `smtp://` or `imap://` URL; implicit TLS needs none).
    var curlUseSSL: Int {
        let value: curl_usessl =
            switch self {
            case .required: CURLUSESSL_ALL
            case .opportunistic: CURLUSESSL_TRY
            case .off: CURLUSESSL_NONE
            }
        return Int(value.rawValue)
    }
}
