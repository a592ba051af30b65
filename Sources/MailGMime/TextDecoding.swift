internal import CGMime

/// Turns the decoded bytes of a text part into UTF-8 text, whatever charset it declares (or fails to).
enum TextDecoding {
    struct Result {
        var text: String
        var defects: [String]
    }

    /// Converts `bytes` in `charset` to a String with LF line ends.
    ///
    /// Charsets iconv knows are converted through GMime's charset filter (lenient: bad sequences are skipped).
    /// UTF-8 and US-ASCII are validated; an unknown charset, a missing one on 8-bit text, or invalid UTF-8
    /// is read as UTF-8 when valid, else as windows-1252, and noted as a defect.
    static func decode(_ input: [UInt8], charset declared: String?) -> Result {
        var defects: [String] = []
        var bytes = input
        let charset = declared?.mimeTrimmed().lowercased() ?? ""
        // A zero byte is a NUL only where a character is a byte or a UTF-8 sequence: in UTF-16 and UTF-32 it is half
        // of most characters (a NUL there is caught once converted, below).
        let wideCharset = ["utf-16", "utf16", "utf-32", "utf32", "ucs-2", "ucs2", "ucs-4", "ucs4"].contains { charset.hasPrefix($0) }
        if !wideCharset, bytes.contains(0) {
            bytes.removeAll { $0 == 0 }
            defects.append("NUL bytes in text")
        }
        let utf8: [UInt8]
        switch charset {
        case "":
            if isASCII(bytes) {
                utf8 = bytes
            } else {
                let (converted, how) = bestEffort(bytes)
                defects.append("8-bit text without charset, read as \(how)")
                utf8 = converted
            }
        case "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "iso-646-us":
            if isValidUTF8(bytes) {
                if !charset.hasPrefix("utf"), !isASCII(bytes) {
                    defects.append("8-bit text declared \(charset), read as UTF-8")
                }
                utf8 = bytes
            } else {
                defects.append("invalid \(charset) text, read as windows-1252")
                utf8 = windows1252ToUTF8(bytes)
            }
        default:
            if let converted = convert(bytes, from: charset) {
                utf8 = converted
            } else {
                let (converted, how) = bestEffort(bytes)
                defects.append("unknown charset \(printable(charset)), read as \(how)")
                utf8 = converted
            }
        }
        var text = String(decoding: normalizingLineEnds(utf8), as: UTF8.self)
        // A charset that encodes U+0000 in other bytes (UTF-16, UTF-7) brings it back after the conversion: replaced
        // here, where mail text enters, so that no store sees it (PostgreSQL refuses it in text; SQLite would keep it).
        if text.utf8.contains(0) {
            text = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value == 0 ? "\u{FFFD}" : $0 }))
            defects.append("NUL characters in text, replaced with U+FFFD")
        }
        return Result(text: text, defects: defects)
    }

    /// UTF-8 if the bytes are valid UTF-8, else windows-1252.
    static func bestEffort(_ bytes: [UInt8]) -> ([UInt8], String) {
        isValidUTF8(bytes) ? (bytes, "UTF-8") : (windows1252ToUTF8(bytes), "windows-1252")
    }

    static func isASCII(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 < 0x80 }
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        if bytes.isEmpty { return true }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                g_utf8_validate($0, buffer.count, nil) != 0
            }
        }
    }

    /// Converts through a GMime charset filter; `nil` when iconv does not know the charset.
    private static func convert(_ bytes: [UInt8], from charset: String) -> [UInt8]? {
        guard let filter = GObjectReference(adopting: UnsafeMutableRawPointer(g_mime_filter_charset_new(charset, "UTF-8")))
        else { return nil }
        guard let sink = GObjectReference(adopting: UnsafeMutableRawPointer(g_mime_stream_mem_new())),
            let filtered = GObjectReference(
                adopting: UnsafeMutableRawPointer(g_mime_stream_filter_new(sink.typed(as: GMimeStream.self))))
        else { return nil }
        _ = g_mime_stream_filter_add(CGMime_stream_filter(filtered.pointer), filter.typed(as: GMimeFilter.self))
        let stream = filtered.typed(as: GMimeStream.self)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    _ = g_mime_stream_write(stream, $0, buffer.count)
                }
            }
        }
        _ = g_mime_stream_flush(stream)
        return StreamBytes.contents(of: sink)
    }

    /// windows-1252 to UTF-8; the five unassigned bytes map to the C1 controls as ISO-8859-1 does.
    static func windows1252ToUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value: UInt32 = byte >= 0x80 && byte < 0xA0 ? windows1252High[Int(byte - 0x80)] : UInt32(byte)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return Array(String(scalars).utf8)
    }

    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// CRLF becomes LF. A lone CR is no line end (SPEC §5: a line is what ends in LF or CRLF) and stays inside its
    /// line: made a line end, it would turn the rest of a quoted line ("> …\rresolve") into an unquoted line of its own.
    static func normalizingLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x0D) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                out.append(0x0A)
                index += 1
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }.prefix(40))
    }
}

extension String {
    func mimeTrimmed() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isMIMEWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isMIMEWhitespace })!
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    var isMIMEWhitespace: Bool { self == " " || self == "\t" || self == "\r" || self == "\n" }
}

/// Reads what a GMime memory stream holds.
enum StreamBytes {
    static func contents(of stream: GObjectReference) -> [UInt8] {
        var length = 0
        guard let data = CGMime_stream_mem_data(stream.typed(as: GMimeStream.self), &length), length > 0 else {
            return []
        }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }
}
