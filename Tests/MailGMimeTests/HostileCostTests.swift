import MailGMime
import RolloutCore
import Testing

/// Mail built to make the reader's own work grow faster than the mail: nesting that copies, warnings that are
/// searched, values that are copied per line, lines removed one by one. Each test would fail, or run for minutes,
/// on the reader before its bound.
@Suite("Hostile cost: the reader's work grows with the mail, not faster")
struct HostileCostTests {
    /// `multipart/signed` (S/MIME) nested `levels` deep around `payload`.
    static func nestedSigned(levels: Int, payload: String) -> [UInt8] {
        var body = "Content-Type: text/plain\n\n\(payload)\n"
        for level in 0..<levels {
            let boundary = "b\(level)"
            body = """
                Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="\(boundary)"

                --\(boundary)
                \(body)
                --\(boundary)
                Content-Type: application/pkcs7-signature; name=smime.p7s
                Content-Transfer-Encoding: base64

                MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCAMIIB
                --\(boundary)--

                """
        }
        return Array("From: ea@example.org\nTo: rollout@example.org\nSubject: Re: [staged-rollout #1]\nMessage-ID: <n@example.org>\nMIME-Version: 1.0\n\(body)".utf8)
    }

    static func keptBytes(_ parts: [SignedPart]) -> Int {
        parts.reduce(0) { total, part in
            switch part.form {
            case .detached(let content, let signature): total + content.count + signature.count
            case .opaque(let blob): total + blob.count
            case .notKept: total
            }
        }
    }

    @Test("signed parts nested a thousand deep: counted, one of them copied, the nesting cut at the bound")
    func nestedSignedParts() {
        // Given 1,000 levels of multipart/signed around 64 KB (before: every level copied all below it, 1,000 × 64 KB)
        let raw = HostileCostTests.nestedSigned(levels: 1_000, payload: String(repeating: "accept NGI_IT-INFN-T1 ", count: 3_000))
        // When it is read
        let message = parser.parse(raw)
        // Then the parts are counted up to the nesting bound, and only the outermost is held with its bytes
        #expect(message.signedParts.count == 100)
        #expect(message.signedParts.filter { $0.form != .notKept }.count == 1)
        #expect(message.signedParts.first?.form != .notKept)
        #expect(HostileCostTests.keptBytes(message.signedParts) <= 2 * raw.count)
        #expect(message.defects.contains("multiparts nested deeper than 100, inner parts skipped"))
    }

    @Test("one signed part, or two, are held with their bytes (the control)")
    func fewSignedParts() {
        let one = parser.parse(HostileCostTests.nestedSigned(levels: 1, payload: "accept NGI_IT-INFN-T1"))
        #expect(one.signedParts.count == 1)
        if case .detached(let content, _) = one.signedParts.first?.form {
            #expect(String(decoding: content, as: UTF8.self).contains("accept NGI_IT-INFN-T1\r\n"))
        } else {
            Issue.record("the signed part's bytes were not kept: \(String(describing: one.signedParts.first))")
        }
        #expect(one.text.contains("accept NGI_IT-INFN-T1"))

        let two = parser.parse(HostileCostTests.nestedSigned(levels: 2, payload: "accept NGI_IT-INFN-T1"))
        #expect(two.signedParts.map(\.scheme) == [.smime, .smime])
        #expect(two.signedParts.last?.form == .notKept)
        #expect(two.text.contains("accept NGI_IT-INFN-T1"))
    }

    @Test("twenty thousand distinct parser warnings: the first hundred are kept, then only the kinds that follow")
    func manyWarnings() {
        // Given a header block where 20,000 field names each appear twice, then another kind of defect (before: every
        // warning searched all the earlier ones, and all were kept)
        var header = "From: ea@example.org\nTo: rollout@example.org\nSubject: Re: [staged-rollout #1]\nMessage-ID: <w@example.org>\nMIME-Version: 1.0\n"
        for index in 0..<20_000 { header += "Content-X\(index): a\nContent-X\(index): b\n" }
        header += "Content-Type: text/plain; charset=us-ascii; charset=utf-8\n"
        // When it is read
        let message = parser.parse(Array((header + "\naccept NGI_IT-INFN-T1\n").utf8))
        // Then the bound's worth is listed with names, a note says more were found, the later kind is still told,
        // and the words are read
        #expect(message.defects.count <= 100 + 1 + 20)
        #expect(message.defects.contains("conflicting header Content-X0"))
        #expect(message.defects.contains("more parser warnings, not listed"))
        #expect(message.defects.contains("conflicting parameter"))
        #expect(!message.defects.contains("conflicting header Content-X19999"))
        #expect(message.text.contains("accept NGI_IT-INFN-T1"))
    }

    @Test("a delivery-status field folded a million times is cut, not copied per line")
    func foldedDeliveryStatus() {
        // Given a bounce whose Diagnostic-Code goes on for a million folded lines
        let status = "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; ea@example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 no such user\n"
            + String(repeating: " x\n", count: 1_000_000)
        let raw = """
            From: MAILER-DAEMON@example.org
            To: rollout@example.org
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <d@example.org>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="r"

            --r
            Content-Type: text/plain

            The mail could not be delivered.
            --r
            Content-Type: message/delivery-status

            \(status)
            --r--

            """
        // When it is read
        let message = parser.parse(Array(raw.utf8))
        // Then the recipient is read, its diagnostic held to the bound
        #expect(message.failedRecipients.map(\.address.value) == ["ea@example.org"])
        let diagnostic = message.failedRecipients.first?.diagnostic ?? ""
        #expect(diagnostic.hasPrefix("550 no such user x x"))
        #expect(diagnostic.utf8.count <= 4096 + 8)
    }

    @Test("HTML that opens with a million line breaks is read in linear time", .timeLimit(.minutes(1)))
    func leadingBreaks() {
        // Given an HTML-only reply of 1,000,000 <br> before its words (before: each empty line removed one by one,
        // every removal moving all the lines after it)
        let raw = "From: ea@example.org\nTo: rollout@example.org\nSubject: Re: [staged-rollout #1]\nMessage-ID: <h@example.org>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n<html><body>"
            + String(repeating: "<br>", count: 1_000_000) + "accept NGI_IT-INFN-T1</body></html>\n"
        // When it is read
        let message = parser.parse(Array(raw.utf8))
        // Then the words are the text, without the empty lines before them
        #expect(message.text == "accept NGI_IT-INFN-T1\n")
    }
}
