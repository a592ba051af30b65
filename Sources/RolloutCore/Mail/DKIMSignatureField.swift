import Foundation

/// The tags of a `DKIM-Signature` value (RFC 6376 §3.2: `name=value` pairs separated by `;`, names case-sensitive).
enum DKIMSignatureField {
    /// The value of the tag `name`, folding white space removed; nil when the field has no such tag or an empty one.
    static func tag(_ name: String, in field: String) -> String? {
        guard let value = rawTag(name, in: field) else { return nil }
        return value.isEmpty ? nil : value
    }

    /// Whether the field has the tag `name` at all, empty or not.
    static func hasTag(_ name: String, in field: String) -> Bool { rawTag(name, in: field) != nil }

    private static func rawTag(_ name: String, in field: String) -> String? {
        for tag in field.split(separator: ";") {
            let parts = tag.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
            return parts[1].filter { !$0.isWhitespace }
        }
        return nil
    }
}
