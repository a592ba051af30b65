import RolloutCore

/// Reads the recipients of a `message/delivery-status` body (RFC 3464 §2), leniently.
///
/// The body is a per-message field group followed by one group per recipient, groups separated by blank
/// lines. A recipient group names `Final-Recipient` and/or `Original-Recipient` (`rfc822; addr`), `Action`,
/// `Status` and perhaps `Diagnostic-Code`. Folded lines are unfolded; unknown fields are ignored.
enum DeliveryStatusReport {
    static func failedRecipients(in text: String) -> [FailedRecipient] {
        var recipients: [FailedRecipient] = []
        for group in fieldGroups(text) {
            let finalRecipient = group["final-recipient"].flatMap(address(fromTypedValue:))
            let originalRecipient = group["original-recipient"].flatMap(address(fromTypedValue:))
            guard let recipient = finalRecipient ?? originalRecipient else { continue }
            let status = group["status"].map { String($0.split(separator: " ").first ?? "") }
            var action = group["action"]?.lowercased() ?? ""
            if let space = action.firstIndex(where: { $0 == " " || $0 == "(" }) {
                action = String(action[..<space])
            }
            if action.isEmpty {
                action = status?.hasPrefix("5") == true ? "failed" : status?.hasPrefix("4") == true ? "delayed" : "unknown"
            }
            recipients.append(
                FailedRecipient(
                    address: EmailAddress(recipient), action: action, status: status.flatMap { $0.isEmpty ? nil : $0 },
                    diagnostic: group["diagnostic-code"].map(stripType(_:))))
        }
        return recipients
    }

    /// The longest field value read, in bytes of UTF-8 (a diagnostic of a few lines fits many times over).
    static let longestValue = 4096

    /// Field groups with lower-cased names; within a group the first occurrence of a field wins.
    static func fieldGroups(_ text: String) -> [[String: String]] {
        var groups: [[String: String]] = []
        var group: [String: String] = [:]
        var lastName: String? = nil
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !group.isEmpty { groups.append(group) }
                group = [:]
                lastName = nil
                continue
            }
            if line.first == " " || line.first == "\t" {
                // A value is cut at ``longestValue``: each folded line copies it, so a field folded a million
                // times (any mail may carry a delivery-status part) would cost the square of its length.
                if let name = lastName, let value = group[name], value.utf8.count < longestValue {
                    group[name] = value + " " + String(line).mimeTrimmed()
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].mimeTrimmedSubstring().lowercased()
            let value = String(line[line.index(after: colon)...]).mimeTrimmed()
            if group[name] == nil { group[name] = value }
            lastName = name
        }
        if !group.isEmpty { groups.append(group) }
        return groups
    }

    /// `rfc822; <addr>` → `addr`; also accepts a bare address.
    static func address(fromTypedValue value: String) -> String? {
        var address = stripType(value)
        if address.hasPrefix("<"), address.hasSuffix(">") { address = String(address.dropFirst().dropLast()) }
        address = address.mimeTrimmed()
        return address.isEmpty ? nil : address
    }

    private static func stripType(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else { return value.mimeTrimmed() }
        return String(value[value.index(after: semicolon)...]).mimeTrimmed()
    }
}

extension Substring {
    func mimeTrimmedSubstring() -> String { String(self).mimeTrimmed() }
}
