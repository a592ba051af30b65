internal import CGMime

/// The state of one `parse` call: GMime parser options (with our fallback charsets and a warning callback)
/// and the defects GMime reported through that callback.
///
/// GMime clones the options into every header list it builds, callback and context pointer included, so the
/// session must outlive every GMime object of the parse: callers keep it alive with `withExtendedLifetime`.
final class ParseSession {
    let options: OpaquePointer
    /// GMime's warnings as phrases, each once, in the order first seen; at most ``maximumWarnings`` of them.
    private(set) var warnings: [String] = []
    private var warned: Set<String> = []
    let maximumDepth: Int

    /// The most distinct warnings kept with their names for one message. A header name is part of a warning's phrase,
    /// so a message of 25 MB can hold millions of distinct ones (each field name given twice).
    static let maximumWarnings = 100
    static let moreWarnings = "more parser warnings, not listed"

    init(maximumDepth: Int) {
        self.maximumDepth = maximumDepth
        options = g_mime_parser_options_new()
        g_mime_parser_options_set_rfc2047_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE)
        g_mime_parser_options_set_parameter_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE)
        g_mime_parser_options_set_address_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE)
        g_mime_parser_options_set_allow_addresses_without_domain(options, 1)
        CGMime_parser_options_set_mail_fallback_charsets(options)
        let context = Unmanaged.passUnretained(self).toOpaque()
        g_mime_parser_options_set_warning_callback(options, parserWarning, context)
    }

    deinit {
        g_mime_parser_options_free(options)
    }

    /// Keeps a warning's phrase once; past ``maximumWarnings`` only its kind (without the header or parameter name,
    /// a score of kinds at most), after a note that more were found: a hundred junk fields first cannot hide that
    /// another kind of defect followed.
    func record(_ warning: GMimeParserWarning, item: UnsafePointer<CChar>?) {
        let phrase = Self.phrase(for: warning, item: item.map { String(cString: $0) })
        guard !warned.contains(phrase) else { return }
        let kept = warned.count < Self.maximumWarnings ? [phrase] : [Self.moreWarnings, Self.phrase(for: warning, item: nil)]
        for phrase in kept where warned.insert(phrase).inserted { warnings.append(phrase) }
    }

    private static func phrase(for warning: GMimeParserWarning, item: String?) -> String {
        let detail = item.flatMap { $0.count <= 60 && $0.allSatisfy { $0.isASCII && !$0.isNewline } ? $0 : nil }
        func with(_ text: String) -> String { detail.map { "\(text) \($0)" } ?? text }
        switch warning {
        case GMIME_WARN_DUPLICATED_HEADER: return with("duplicated header")
        case GMIME_WARN_DUPLICATED_PARAMETER: return with("duplicated parameter")
        case GMIME_WARN_UNENCODED_8BIT_HEADER: return with("unencoded 8-bit header")
        case GMIME_WARN_INVALID_CONTENT_TYPE: return "invalid content type"
        case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: return "invalid RFC 2047 encoded header"
        case GMIME_WARN_MALFORMED_MULTIPART: return "multipart without parts"
        case GMIME_WARN_TRUNCATED_MESSAGE: return "truncated message"
        case GMIME_WARN_MALFORMED_MESSAGE: return "malformed message"
        case GMIME_CRIT_INVALID_HEADER_NAME: return "invalid header name"
        case GMIME_CRIT_CONFLICTING_HEADER: return with("conflicting header")
        case GMIME_CRIT_CONFLICTING_PARAMETER: return with("conflicting parameter")
        case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "missing MIME boundary"
        case GMIME_WARN_INVALID_PARAMETER: return "invalid header parameter"
        case GMIME_WARN_INVALID_ADDRESS_LIST: return "invalid address list"
        case GMIME_CRIT_NESTING_OVERFLOW: return "MIME nesting too deep"
        case GMIME_WARN_PART_WITHOUT_CONTENT: return "MIME part without content"
        case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "MIME part without headers or content"
        default: return "MIME parser warning \(warning.rawValue)"
        }
    }
}

/// GMime's warning callback: a C function that captures nothing and finds its session through `userData`.
private func parserWarning(
    offset: gint64, warning: GMimeParserWarning, item: UnsafePointer<CChar>?, userData: UnsafeMutableRawPointer?
) {
    guard let userData else { return }
    Unmanaged<ParseSession>.fromOpaque(userData).takeUnretainedValue().record(warning, item: item)
}
