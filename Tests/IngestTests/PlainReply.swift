import Foundation

/// A reply to ticket #12 from `sender`, its new text on top, nothing quoted below: the mail a person writes by hand.
func plainReply(from sender: String, lines: [String]) -> [UInt8] {
    Array("""
        From: \(sender)\r
        To: staged-rollout@rollout.example.org\r
        Subject: Re: [staged-rollout #12] Please test\r
        Message-ID: <\(UUID().uuidString)@example.org>\r
        Date: \(MessageDates.next())\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        \(lines.joined(separator: "\r\n"))\r

        """.utf8)
}
