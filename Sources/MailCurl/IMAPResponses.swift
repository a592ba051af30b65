/// Reading the untagged responses libcurl hands over for custom requests, and writing UID sets (RFC 9051 §7, §9).
///
/// libcurl passes the untagged lines of a custom command (`* SEARCH 2 3`, `* 3 FETCH (UID 3 RFC822.SIZE 38)`)
/// to the write callback, CRLF included, and never the tagged completion.
enum IMAPResponses {
    /// The lines of a response, without line ends and without empty lines.
    static func lines(_ bytes: [UInt8]) -> [Substring] {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
    }

    /// `* STATUS name (MESSAGES 5 UIDNEXT 6 UIDVALIDITY 17)` → the attributes by upper-cased name.
    static func status(_ bytes: [UInt8]) -> [String: UInt64]? {
        for line in lines(bytes) where line.uppercased().hasPrefix("* STATUS ") {
            guard let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else { continue }
            let fields = line[line.index(after: open)..<close].split(separator: " ")
            var values: [String: UInt64] = [:]
            var index = 0
            while index + 1 < fields.count {
                if let value = UInt64(fields[index + 1]) { values[fields[index].uppercased()] = value }
                index += 2
            }
            return values
        }
        return nil
    }

    /// UIDs from `* SEARCH 1 2 3` (one or several lines) or `* ESEARCH (TAG "A4") UID ALL 1:3,7` (RFC 4731).
    /// The sets of several ESEARCH lines are expanded together, within one ``maximumExpandedUIDs``.
    static func searchedUIDs(_ bytes: [UInt8]) -> [UInt32] {
        var uids: [UInt32] = []
        var sets: [Substring] = []
        for line in lines(bytes) {
            let words = line.split(separator: " ")
            guard words.count >= 2, words[0] == "*" else { continue }
            switch words[1].uppercased() {
            case "SEARCH":
                uids.append(contentsOf: words.dropFirst(2).compactMap { UInt32($0) })
            case "ESEARCH":
                if let all = words.firstIndex(where: { $0.uppercased() == "ALL" }), all + 1 < words.count {
                    sets.append(words[all + 1])
                }
            default:
                continue
            }
        }
        if !sets.isEmpty { uids.append(contentsOf: expand(sets.joined(separator: ","))) }
        return uids
    }

    /// `* 3 FETCH (UID 3 RFC822.SIZE 38 FLAGS (\\Seen))` (items in any order) → size and `\Seen` by UID.
    static func sizes(_ bytes: [UInt8]) -> [UInt32: (size: Int, seen: Bool)] {
        var result: [UInt32: (size: Int, seen: Bool)] = [:]
        for line in lines(bytes) {
            guard let open = line.firstIndex(of: "("), line.uppercased().contains(" FETCH ") else { continue }
            let items = line[line.index(after: open)...].split(separator: " ")
            var uid: UInt32?
            var size: Int?
            var seen = false
            var index = 0
            while index + 1 < items.count {
                let name = items[index].uppercased()
                index += 1
                switch name {
                case "UID": uid = UInt32(items[index].trimmingCharacters(in: [")"]))
                case "RFC822.SIZE": size = Int(items[index].trimmingCharacters(in: [")"]))
                case "FLAGS":
                    // A parenthesised list: `(\Seen $Kw)` or `()`.
                    while index < items.count {
                        let flag = items[index]
                        if flag.trimmingCharacters(in: ["(", ")"]).caseInsensitiveCompare("\\Seen") == .orderedSame { seen = true }
                        if flag.hasSuffix(")") { break }
                        index += 1
                    }
                default: break
                }
                index += 1
            }
            if let uid, let size { result[uid] = (size, seen) }
        }
        return result
    }

    /// Extensions from `* ENABLED QRESYNC CONDSTORE` (RFC 5161 §3.2), upper-cased.
    static func enabled(_ bytes: [UInt8]) -> Set<String> {
        var names: Set<String> = []
        for line in lines(bytes) {
            let words = line.split(separator: " ")
            guard words.count > 1, words[0] == "*", words[1].uppercased() == "ENABLED" else { continue }
            for word in words.dropFirst(2) { names.insert(word.uppercased()) }
        }
        return names
    }

    /// Capabilities from `* CAPABILITY IMAP4rev1 MOVE …`, upper-cased.
    static func capabilities(_ bytes: [UInt8]) -> Set<String> {
        var result: Set<String> = []
        for line in lines(bytes) where line.uppercased().hasPrefix("* CAPABILITY ") {
            result.formUnion(line.split(separator: " ").dropFirst(2).map { $0.uppercased() })
        }
        return result
    }

    /// Whether a `LIST` response has a line for a mailbox (any name: the command asked for one).
    static func listsMailbox(_ bytes: [UInt8]) -> Bool {
        lines(bytes).contains { $0.uppercased().hasPrefix("* LIST ") }
    }

    /// `1:3,7,9:10` → 1, 2, 3, 7, 9, 10. Ignores `*` and malformed parts.
    ///
    /// A set naming more than `limit` UIDs (a broken or hostile server's `ALL 1:4294967295`, 16 GB as an array)
    /// gives its lowest `limit` UIDs, ascending: the cursor moves only past what was fetched, so the next cycle
    /// asks for the rest. A real mailbox's ranges cover only UIDs that exist, far fewer than the limit.
    static func expand<S: StringProtocol>(_ set: S, limit: Int = maximumExpandedUIDs) -> [UInt32] {
        var ranges: [ClosedRange<UInt32>] = []
        for part in set.split(separator: ",") {
            let bounds = part.split(separator: ":")
            if bounds.count == 1, let uid = UInt32(bounds[0]) {
                ranges.append(uid...uid)
            } else if bounds.count == 2, let a = UInt32(bounds[0]), let b = UInt32(bounds[1]) {
                ranges.append(min(a, b)...max(a, b))
            }
        }
        let total = ranges.reduce(0) { $0 + $1.count }
        var result: [UInt32] = []
        for range in total <= limit ? ranges : ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            guard result.count < limit else { break }
            result.append(contentsOf: range.prefix(limit - result.count))
        }
        return result
    }

    /// The most UIDs one sequence set is expanded to (4 MB of UIDs).
    static let maximumExpandedUIDs = 1_000_000

    /// At most this many messages per custom command that answers with a line per message (`UID FETCH`,
    /// and `UID MOVE`/`EXPUNGE` with their `* n EXPUNGE` lines).
    ///
    /// Debian's libcurl 7.88.1 (with the CVE-2023-38039 fix) counts a custom command's untagged lines as
    /// headers, re-counting what is still buffered for every line it takes out, and fails with "Too large
    /// response headers: … > 307200" (error 56): 100 lines of `UID FETCH … RFC822.SIZE` passed here, 150 failed.
    static let messagesPerCommand = 64

    /// Ascending, distinct UIDs as sequence sets (`1:5,7,9:12`), each for at most `maxCount` UIDs and at most
    /// `maxLength` characters, so that responses stay within libcurl's limits and command lines well below
    /// servers' (Dovecot: 64 KiB).
    static func uidSets(_ uids: [UInt32], maxCount: Int = messagesPerCommand, maxLength: Int = 4000) -> [String] {
        let sorted = Array(Set(uids)).sorted()
        var sets: [String] = []
        var start = 0
        while start < sorted.count {
            let group = sorted[start..<min(sorted.count, start + maxCount)]
            start += group.count
            var current = ""
            var index = group.startIndex
            while index < group.endIndex {
                var end = index
                while end + 1 < group.endIndex, group[end + 1] == group[end] + 1 { end += 1 }
                let range = end == index ? "\(group[index])" : "\(group[index]):\(group[end])"
                if !current.isEmpty, current.utf8.count + 1 + range.utf8.count > maxLength {
                    sets.append(current)
                    current = ""
                }
                current += current.isEmpty ? range : ",\(range)"
                index = end + 1
            }
            if !current.isEmpty { sets.append(current) }
        }
        return sets
    }

    /// A mailbox name as an IMAP quoted string (names are checked to hold no quote or backslash).
    static func quoted(_ name: String) -> String { "\"\(name)\"" }

    /// A mailbox name for a URL path (RFC 5092): everything but unreserved characters percent-encoded.
    static func urlEncoded(_ name: String) -> String {
        var result = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
            }
        }
        return result
    }
}

extension IMAPResponses {
    /// The messages in a `UID FETCH … (UID BODY.PEEK[])` response, by UID; `nil` when the response does not read
    /// exactly (RFC 9051 §7.5.2, §4.3).
    ///
    /// `stream` is every response line of the transfer, as libcurl passed them to the header callback: the
    /// greeting, login and `SELECT` replies when the connection was new, then `* n FETCH (UID u BODY[] {size}`,
    /// the literal's bytes, `)`, …, and the tagged completion. Lines other than `FETCH` responses are skipped; a
    /// `FETCH` without a body (a flag update) is ignored. Each literal is taken by its announced length, and what
    /// follows must continue the `FETCH` response correctly: a line libcurl dropped or clipped, or a message
    /// that ends the response early (a line that looks like the tagged completion), makes the result `nil`.
    static func fetchedBodies(_ stream: [UInt8]) -> [UInt32: [UInt8]]? {
        stream.withUnsafeBufferPointer { bytes -> [UInt32: [UInt8]]? in
            var reader = FetchReader(bytes: bytes)
            var bodies: [UInt32: [UInt8]] = [:]
            while !reader.atEnd {
                guard reader.startsFetchResponse() else {
                    reader.skipLine()
                    continue
                }
                guard let (uid, body) = reader.fetchResponse() else { return nil }
                if let uid, let body { bodies[uid] = body }
            }
            return bodies
        }
    }
}

/// A cursor over the bytes of IMAP responses, reading `FETCH` data items (RFC 9051 §9 grammar, the parts used here).
private struct FetchReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    var atEnd: Bool { position >= bytes.count }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    private mutating func take(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for offset in 0..<count {
            var byte = bytes[position + offset]
            if byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") { byte -= 32 }
            if byte != text.utf8Start[offset] { return false }
        }
        position += count
        return true
    }

    private mutating func number() -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 19 {
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
            digits += 1
            position += 1
        }
        return digits > 0 ? value : nil
    }

    mutating func skipLine() {
        while let byte = peek() {
            position += 1
            if byte == UInt8(ascii: "\n") { return }
        }
    }

    /// Whether the line here is `* <number> FETCH (`; moves past that when it is, stays otherwise.
    mutating func startsFetchResponse() -> Bool {
        let start = position
        if take("* "), number() != nil, take(" FETCH (") { return true }
        position = start
        return false
    }

    /// The rest of a `FETCH` response after `(`, up to and including its line end: the UID and body, when given.
    mutating func fetchResponse() -> (uid: UInt32?, body: [UInt8]?)? {
        var uid: UInt32?
        var body: [UInt8]?
        while true {
            if take(UInt8(ascii: ")")) { break }
            guard let name = itemName() else { return nil }
            guard take(UInt8(ascii: " ")) else { return nil }
            switch name {
            case .uid:
                guard let value = number(), let value = UInt32(exactly: value) else { return nil }
                uid = value
            case .body:
                guard let value = nstring() else { return nil }
                body = value
            case .other:
                guard skipValue() else { return nil }
            }
            if take(UInt8(ascii: ")")) { break }
            guard take(UInt8(ascii: " ")) else { return nil }
        }
        _ = take(UInt8(ascii: "\r"))
        guard take(UInt8(ascii: "\n")) else { return nil }
        return (uid, body)
    }

    private enum ItemName { case uid, body, other }

    /// A data item's name: `UID`, `BODY[]` (the whole message), or another (`FLAGS`, `BODY[HEADER]<0>`, …).
    private mutating func itemName() -> ItemName? {
        let start = position
        if take("UID ") {
            position -= 1
            return .uid
        }
        if take("BODY[] ") {
            position -= 1
            return .body
        }
        // An atom, with a bracketed section (which may hold spaces and parentheses) and an optional <origin>.
        while let byte = peek(), byte != UInt8(ascii: " "), byte != UInt8(ascii: ")"), byte != UInt8(ascii: "\r") {
            position += 1
            if byte == UInt8(ascii: "[") {
                while let inner = peek(), inner != UInt8(ascii: "]"), inner != UInt8(ascii: "\n") { position += 1 }
                guard take(UInt8(ascii: "]")) else { return nil }
            }
        }
        return position > start ? .other : nil
    }

    /// A literal (`{n}` CRLF and n bytes; `~{n}` for binary), a quoted string, or `NIL` (returned as nil).
    private mutating func nstring() -> [UInt8]?? {
        if take("NIL") { return .some(nil) }
        if peek() == UInt8(ascii: "\"") { return quoted().map { .some($0) } }
        guard let range = literal() else { return nil }
        return .some(Array(bytes[range]))
    }

    private mutating func literal() -> Range<Int>? {
        _ = take(UInt8(ascii: "~"))
        guard take(UInt8(ascii: "{")), let count = number(), count <= UInt64(bytes.count) else { return nil }
        _ = take(UInt8(ascii: "+"))
        guard take(UInt8(ascii: "}")) else { return nil }
        _ = take(UInt8(ascii: "\r"))
        guard take(UInt8(ascii: "\n")), position + Int(count) <= bytes.count else { return nil }
        let range = position..<(position + Int(count))
        position = range.upperBound
        return range
    }

    private mutating func quoted() -> [UInt8]? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        var value: [UInt8] = []
        while let byte = peek() {
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return value
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { return nil }
                position += 1
                value.append(escaped)
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"): return nil
            default: value.append(byte)
            }
        }
        return nil
    }

    /// Skips one value: an atom or number, a quoted string, a literal, or a parenthesised list of them.
    ///
    /// Lists are counted, not recursed into: a hostile server's `((((…` a megabyte deep must not overflow the stack.
    private mutating func skipValue() -> Bool {
        var depth = 0
        while true {
            if depth > 0, take(UInt8(ascii: ")")) {
                depth -= 1  // `()`, or `(a )`
            } else if take(UInt8(ascii: "(")) {
                depth += 1
                continue
            } else if !skipScalar() {
                return false
            }
            // A value ended: it may end the lists it is last in; otherwise a space leads to the next one.
            while depth > 0, take(UInt8(ascii: ")")) { depth -= 1 }
            if depth == 0 { return true }
            guard take(UInt8(ascii: " ")) else { return false }
        }
    }

    /// Skips a value that is not a list: a quoted string, a literal, or an atom or number.
    private mutating func skipScalar() -> Bool {
        switch peek() {
        case UInt8(ascii: "\""):
            return quoted() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "~"):
            return literal() != nil
        default:
            let start = position
            while let byte = peek(), byte != UInt8(ascii: " "), byte != UInt8(ascii: ")"), byte != UInt8(ascii: "("),
                byte != UInt8(ascii: "\r"), byte != UInt8(ascii: "\n")
            {
                position += 1
                if byte == UInt8(ascii: "[") {
                    while let inner = peek(), inner != UInt8(ascii: "]"), inner != UInt8(ascii: "\n") { position += 1 }
                    guard take(UInt8(ascii: "]")) else { return false }
                }
            }
            return position > start
        }
    }
}
