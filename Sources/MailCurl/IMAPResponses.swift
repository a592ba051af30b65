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
    static func searchedUIDs(_ bytes: [UInt8]) -> [UInt32] {
        var uids: [UInt32] = []
        for line in lines(bytes) {
            let words = line.split(separator: " ")
            guard words.count >= 2, words[0] == "*" else { continue }
            switch words[1].uppercased() {
            case "SEARCH":
                uids.append(contentsOf: words.dropFirst(2).compactMap { UInt32($0) })
            case "ESEARCH":
                if let all = words.firstIndex(where: { $0.uppercased() == "ALL" }), all + 1 < words.count {
                    uids.append(contentsOf: expand(words[all + 1]))
                }
            default:
                continue
            }
        }
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
    static func expand<S: StringProtocol>(_ set: S) -> [UInt32] {
        var result: [UInt32] = []
        for part in set.split(separator: ",") {
            let bounds = part.split(separator: ":")
            if bounds.count == 1, let uid = UInt32(bounds[0]) {
                result.append(uid)
            } else if bounds.count == 2, let a = UInt32(bounds[0]), let b = UInt32(bounds[1]) {
                result.append(contentsOf: min(a, b)...max(a, b))
            }
        }
        return result
    }

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
