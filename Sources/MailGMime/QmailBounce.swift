import RolloutCore

/// Reads a qmail-style plain-text bounce (QSBMF, <https://cr.yp.to/proto/qsbmf.txt>): recipient paragraphs
/// starting `<address>:`, then a break line after which the returned message (or its headers) follows.
struct QmailBounce {
    var failedRecipients: [FailedRecipient]
    /// The returned message as it followed the break line.
    var returnedMessage: String
    /// Whether only the returned message's headers were enclosed.
    var headersOnly: Bool

    private static let fullCopy = "--- Below this line is a copy of the message."
    private static let headersCopy = "--- Enclosed are the original headers of the message."

    /// `nil` unless `text` has a QSBMF break line and at least one recipient paragraph before it.
    init?(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard
            let breakIndex = lines.firstIndex(where: {
                let line = $0.mimeTrimmedSubstring()
                return line == Self.fullCopy || line == Self.headersCopy
            })
        else { return nil }
        headersOnly = lines[breakIndex].mimeTrimmedSubstring() == Self.headersCopy

        var recipients: [FailedRecipient] = []
        var paragraph: [Substring] = []
        func finishParagraph() {
            defer { paragraph = [] }
            guard let first = paragraph.first?.mimeTrimmedSubstring(), first.hasPrefix("<"),
                first.hasSuffix(">:")
            else { return }
            let address = String(first.dropFirst().dropLast(2))
            guard address.contains("@") else { return }
            let diagnostic = paragraph.dropFirst().map { $0.mimeTrimmedSubstring() }.joined(separator: " ")
            var status: String? = nil
            let scalars = Array(diagnostic.unicodeScalars)
            if let open = scalars.indices.first(where: { scalars[$0] == "(" && $0 + 1 < scalars.count && scalars[$0 + 1] == "#" }),
                let close = scalars[(open + 2)...].firstIndex(of: ")")
            {
                status = String(String.UnicodeScalarView(scalars[(open + 2)..<close]))
            }
            recipients.append(
                FailedRecipient(
                    address: EmailAddress(address), action: "failed", status: status,
                    diagnostic: diagnostic.isEmpty ? nil : diagnostic))
        }
        for line in lines[..<breakIndex] {
            if line.mimeTrimmedSubstring().isEmpty { finishParagraph() } else { paragraph.append(line) }
        }
        finishParagraph()
        guard !recipients.isEmpty else { return nil }
        failedRecipients = recipients

        var copy = lines[(breakIndex + 1)...]
        while let first = copy.first, first.mimeTrimmedSubstring().isEmpty { copy.removeFirst() }
        returnedMessage = copy.joined(separator: "\n")
    }
}
