import RolloutCore
import Testing

@Suite("Trace fields left out of a message's digest")
struct TraceFieldsTests {
    @Test("trace fields and their continuation lines go, DKIM-Signature and the body stay, CRLF reads as LF")
    func removesTraceFields() {
        // Given a message with trace fields around the author's fields
        let raw = Array("""
            Received: from a\r
            \tby b; Tue, 12 Mar 2024\r
            Return-Path: <p@example.org>\r
            From: P <p@example.org>\r
            DKIM-Signature: v=1; d=example.org;\r
             b=abc\r
            ARC-Seal: i=1; cv=none\r
            X-Spam-Status: No\r
            Subject: hello\r
            \r
            Received: in the body stays\r
            
            """.utf8)
        // When they are removed
        let result = String(decoding: TraceFields.removed(from: raw), as: UTF8.self)
        // Then only the author's fields and the body are left
        #expect(result == "From: P <p@example.org>\nDKIM-Signature: v=1; d=example.org;\n b=abc\nSubject: hello\n\nReceived: in the body stays\n")
    }

    @Test("a Message-ID's domain is compared without case, its local part as written")
    func messageIDKey() {
        var upper = InboundMessage()
        upper.headers.messageID = "Abc.1@CNAF.Example.ORG"
        var lower = InboundMessage()
        lower.headers.messageID = "Abc.1@cnaf.example.org"
        #expect(upper.seenKey == lower.seenKey)
        #expect(upper.seenKey == "<Abc.1@cnaf.example.org>")
        var otherLocal = InboundMessage()
        otherLocal.headers.messageID = "abc.1@cnaf.example.org"
        #expect(otherLocal.seenKey != lower.seenKey)
    }
}
