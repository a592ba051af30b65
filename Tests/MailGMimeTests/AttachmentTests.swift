import MailGMime
import RolloutCore
import Testing

@Suite("Attachments")
struct AttachmentTests {
    @Test("a well-named ODF report: name, type and the exact ZIP bytes with 'mimetype' at offset 30")
    func odtReport() throws {
        let message = try parseFixture("attachments/odt-report-well-named.eml")
        #expect(message.attachments.count == 1)
        let report = try #require(message.attachments.first)
        #expect(report.fileName == "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt")
        #expect(report.contentType == "application/vnd.oasis.opendocument.text")
        #expect(report.bytes.count == 774)
        #expect(Array(report.bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        #expect(Array(report.bytes[30..<38]) == Array("mimetype".utf8))
        #expect(Array(report.bytes[38..<77]) == Array("application/vnd.oasis.opendocument.text".utf8))
        #expect(sha256Hex(report.bytes) == "ab3ed2c388d3ca4ba18b82f07ec4b8d035aee9cc525608a9d5cb7b2ac430c702")
        #expect(message.text == "Report attached, all tests passed.\n\nPaolo\n")
    }

    @Test("a badly named .docx keeps its name and its ZIP bytes")
    func badlyNamedDocx() throws {
        let report = try #require(try parseFixture("attachments/docx-report-badly-named.eml").attachments.first)
        #expect(report.fileName == "report.docx")
        #expect(report.contentType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        #expect(sha256Hex(report.bytes) == "ac73a017daf66220279a4a041678a235203bb5202551a3fd69ed885188c4ed97")
    }

    @Test("a .doc that is really plain text comes out byte for byte")
    func docThatIsText() throws {
        let report = try #require(try parseFixture("attachments/doc-that-is-plain-text.eml").attachments.first)
        #expect(report.fileName == "ea-NGI_DE-FZK-LCG2-EMI-1.0-SE-DPM_mysql-1.8.0-1.doc")
        #expect(report.contentType == "application/msword")
        #expect(report.bytes == Array("Staged Rollout report\r\nTeam: ea-NGI_DE-FZK-LCG2\r\nResult: passed\r\n".utf8))
    }

    @Test("an RFC 2231 file name, continued over two parameters, is decoded")
    func rfc2231Name() throws {
        let report = try #require(try parseFixture("attachments/rfc2231-file-name-utf-8.eml").attachments.first)
        #expect(report.fileName == "Prüfbericht für ea-NGI_DE-FZK-LCG2 – März.odt")
        #expect(Array(report.bytes[30..<38]) == Array("mimetype".utf8))
    }

    @Test("an encoded-word file name is decoded, and a quoted-printable text attachment keeps its bytes")
    func encodedWordName() throws {
        let message = try parseFixture("attachments/encoded-word-file-name.eml")
        let attachment = try #require(message.attachments.first)
        #expect(attachment.fileName == "Relazione finale – ea-NGI_IT-INFN-T1.txt")
        #expect(attachment.contentType == "text/plain")
        #expect(attachment.bytes == Array("Tutti i test sono passati. Perché no?\n".utf8))
        #expect(message.text == "Relazione allegata.\n")
    }

    @Test("a text/plain attachment is listed, never taken as the body")
    func textAttachmentNotBody() throws {
        let message = try parseFixture("attachments/text-log-attachment-after-body.eml")
        #expect(message.text == "ggus 98765\nLog attached.\n")
        #expect(message.attachments.map(\.fileName) == ["dpm-install.log"])
        #expect(String(decoding: message.attachments[0].bytes, as: UTF8.self).hasPrefix("accept ea-NGI_DE-FZK-LCG2 (this line"))
    }

    @Test("a file name of 40,000 combining marks over RFC 2231 continuations is cut to 255 bytes, on a scalar boundary")
    func longFileName() throws {
        let marks = String(repeating: "%CC%81", count: 40_000)
        let pieces = stride(from: 0, to: marks.count, by: 600).enumerated().map { index, start in
            let from = marks.index(marks.startIndex, offsetBy: start)
            let to = marks.index(from, offsetBy: min(600, marks.count - start))
            return " filename*\(index)*=\(index == 0 ? "utf-8''x" : "")\(marks[from..<to]);"
        }
        let raw = "From: a@b.example\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Disposition: attachment;\r\n" + pieces.joined(separator: "\r\n") + "\r\n\r\nAAAA\r\n--b--\r\n"
        let message = GMimeMailParser().parse(Array(raw.utf8))
        let name = try #require(message.attachments.first?.fileName)
        #expect(name.utf8.count <= 255 && name.utf8.count >= 250)
        #expect(Array(name.unicodeScalars.prefix(2)) == ["x", "\u{301}"])
    }

    @Test("a file name's right-to-left override, zero-width space and line break are shown as _ (a .exe never reads as a .odt)")
    func invisibleCharactersInName() throws {
        // RFC 2231: "report" U+202E "tdo.exe", then "a" U+200B "b" CR LF "c.log"
        let raw = "From: a@b.example\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=utf-8''report%E2%80%AEtdo.exe\r\n\r\nAAAA\r\n"
            + "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename*=utf-8''a%E2%80%8Bb%0D%0Ac.log\r\n\r\nlog\r\n--b--\r\n"
        let names = GMimeMailParser().parse(Array(raw.utf8)).attachments.map(\.fileName)
        #expect(names == ["report_tdo.exe", "a_b__c.log"])
    }
}

