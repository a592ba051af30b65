/// The hosts of one `Received` field (RFC 5321 §4.4): who handed the message over and who took it.
///
/// `from mail.lip.example.org (mail.lip.example.org [192.0.2.7]) by mx.rollout.example.org (Postfix) with ESMTPS id
/// 4Q; Mon, 18 Mar 2024 17:05:01 +0000` gives the HELO name `mail.lip.example.org`, the connecting host's verified
/// name `mail.lip.example.org`, its address `192.0.2.7` and the receiving host `mx.rollout.example.org`. Read
/// leniently: what cannot be read is left out.
public struct ReceivedField: Sendable, Equatable {
    /// The name the sending host gave (HELO/EHLO), lower-cased; nil without a `from` clause.
    public var heloName: String?
    /// Host names inside the `from` clause's comment (the MTA's verified reverse lookup), lower-cased; `unknown` and
    /// `helo=` values are dropped.
    public var commentNames: [String]
    /// Address literals of the `from` clause, without brackets or an `IPv6:` prefix.
    public var addresses: [String]
    /// The receiving host (`by`), lower-cased; nil when the field names none.
    public var byHost: String?
    /// The protocol (`with`), lower-cased: `esmtps`, `lmtp`, `local`, …; nil when the field names none.
    public var protocolName: String?

    public init(heloName: String? = nil, commentNames: [String] = [], addresses: [String] = [], byHost: String? = nil) {
        self.heloName = heloName
        self.commentNames = commentNames
        self.addresses = addresses
        self.byHost = byHost
    }

    /// Reads a field's value.
    public init(parsing value: String) {
        self.init()
        // The date follows the last ";" and is of no use here.
        let clauses = value.split(separator: ";", omittingEmptySubsequences: false)
        let body = clauses.count > 1 ? clauses.dropLast().joined(separator: ";") : value
        var words: [(text: Substring, inComment: Bool)] = []
        var depth = 0
        var current = ""
        func flush() {
            if !current.isEmpty { words.append((Substring(current), depth > 0)) }
            current = ""
        }
        for character in body {
            switch character {
            case "(":
                flush()
                depth += 1
            case ")":
                flush()
                depth = max(0, depth - 1)
            case _ where character.isWhitespace:
                flush()
            default:
                current.append(character)
            }
        }
        flush()

        var clause: Substring?
        var index = 0
        while index < words.count {
            let (text, inComment) = words[index]
            let keyword = text.lowercased()
            if !inComment, ["from", "by", "via", "with", "id", "for"].contains(keyword) {
                clause = Substring(keyword)
                if keyword == "by", byHost == nil, index + 1 < words.count, !words[index + 1].inComment {
                    byHost = Self.host(words[index + 1].text)
                    index += 1
                }
                if keyword == "with", protocolName == nil, index + 1 < words.count, !words[index + 1].inComment {
                    protocolName = words[index + 1].text.lowercased()
                    index += 1
                }
                if keyword == "from", heloName == nil, index + 1 < words.count, !words[index + 1].inComment {
                    let word = words[index + 1].text
                    if let address = Self.addressLiteral(word) { addresses.append(address) } else { heloName = Self.host(word) }
                    index += 1
                }
                index += 1
                continue
            }
            if clause == "from" {
                // `helo=name` (Exim) repeats the sender's claim: neither an address seen nor a verified name.
                if text.contains("=") {
                    index += 1
                    continue
                }
                if let address = Self.addressLiteral(text) {
                    addresses.append(address)
                } else if inComment, let name = Self.host(text), name != "unknown", name.contains(".") || name == "localhost" {
                    commentNames.append(name)
                }
            }
            index += 1
        }
    }

    /// Whether the field has a `from` clause at all (a message submitted on the host itself has none).
    public var hasFromClause: Bool { heloName != nil || !addresses.isEmpty || !commentNames.isEmpty }

    static func host(_ word: Substring) -> String? {
        let trimmed = word.trimmingCharacters(in: ["<", ">", ",", "\"", "'"]).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// `[192.0.2.7]`, `[IPv6:2001:db8::1]`, and bare ones as Exim, qmail and Exchange write them (`192.0.2.7`,
    /// `2001:db8::5`, `[192.0.2.7]:25`) → the address.
    public static func addressLiteral(_ word: Substring) -> String? {
        var text = word.trimmingCharacters(in: [",", "<", ">"])
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            text = String(text[text.index(after: text.startIndex)..<close])
        }
        if text.lowercased().hasPrefix("ipv6:") { text = String(text.dropFirst(5)) }
        let isV4 = text.split(separator: ".", omittingEmptySubsequences: false).count == 4
            && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        let isV6 = text.filter { $0 == ":" }.count >= 2 && text.allSatisfy { $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") }
        return isV4 || isV6 ? text.lowercased() : nil
    }

    /// Loopback addresses: only a process on the same host can connect from them.
    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address == "0:0:0:0:0:0:0:1" || address.hasPrefix("::ffff:127.")
    }

    /// Whether the host that handed the message over is one of ours.
    ///
    /// Only what the receiving host saw on the connection counts: an address literal (loopback, or listed among the
    /// internal hosts). Names in the `from` clause — the HELO, a reverse lookup, "(may be forged)" — are the
    /// sender's to choose or spoof, and decide nothing on an SMTP hop. A hop without any address counts as inside
    /// only when it was a local transport (LMTP over a socket, a pipe) from a named host of ours.
    public func fromIsInternal(_ internalHosts: Set<String>) -> Bool {
        guard hasFromClause else { return false }
        if !addresses.isEmpty {
            return addresses.allSatisfy { Self.isLoopback($0) || internalHosts.contains($0) }
        }
        let local = ["lmtp", "lmtps", "lmtpa", "lmtpsa", "local"].contains(protocolName ?? "")
        let names = commentNames + (heloName.map { [$0] } ?? [])
        return local && !names.isEmpty && names.allSatisfy { internalHosts.contains($0) || $0 == "localhost" }
    }
}
