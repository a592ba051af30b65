import Foundation
import MailGMime
import RolloutCore
import Testing

@Suite("The whole corpus under fixtures/mail")
struct CorpusTests {
    @Test("every fixture parses, with size and digest of its raw bytes")
    func everyFixtureParses() throws {
        let paths = Fixtures.allMailPaths()
        #expect(paths.count >= 60)
        for path in paths {
            let raw = try Fixtures.mail(path)
            let message = parser.parse(raw)
            #expect(message.size == raw.count, "\(path)")
            #expect(message.digest.count == 64, "\(path)")
            #expect(message.digest.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(path)")
        }
    }

    @Test(
        "well-formed mail parses without defects",
        arguments: ["replies", "lists", "html", "flowed", "attachments", "bounces", "auto-replies"])
    func wellFormedFoldersHaveNoDefects(folder: String) throws {
        let paths = Fixtures.allMailPaths().filter { $0.hasPrefix(folder + "/") }
        #expect(!paths.isEmpty)
        for path in paths {
            let message = try parseFixture(path)
            #expect(message.defects.isEmpty, "\(path): \(message.defects)")
            #expect(!message.text.isEmpty, "\(path)")
            #expect(message.headers.messageID != nil, "\(path)")
        }
    }

    @Test("every fixture cut short at any of several points still parses")
    func truncatedFixturesParse() throws {
        for path in Fixtures.allMailPaths() {
            let raw = try Fixtures.mail(path)
            for fraction in [1, 3, 5, 7, 9] {
                let cut = Array(raw.prefix(raw.count * fraction / 10))
                let message = parser.parse(cut)
                #expect(message.size == cut.count)
            }
        }
    }

    @Test("the digest is the SHA-256 of the raw bytes")
    func digestIsSHA256() {
        #expect(parser.parse([]).digest == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(parser.parse(Array("abc".utf8)).digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a 20 MB base64 attachment parses and decodes to its exact bytes")
    func largeGeneratedMessage() {
        // Given a message with a 20 MB attachment, generated here rather than committed
        let size = 20 * 1024 * 1024
        var payload = [UInt8](repeating: 0, count: size)
        var state: UInt32 = 12
        for index in payload.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            payload[index] = UInt8(truncatingIfNeeded: state >> 24)
        }
        let encoded = Data(payload).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        let raw = Array(
            """
            From: Paolo Veronesi <paolo.veronesi@cnaf.example.org>
            To: staged-rollout@rollout.example.org
            Subject: Re: [staged-rollout #12] big logs
            Message-ID: <large@cnaf.example.org>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="big"

            --big
            Content-Type: text/plain

            accept NGI_IT-INFN-T1

            --big
            Content-Type: application/octet-stream
            Content-Disposition: attachment; filename="logs.tar"
            Content-Transfer-Encoding: base64

            \(encoded)
            --big--

            """.utf8)
        // When it is parsed
        let message = parser.parse(raw)
        // Then the text and the attachment's exact bytes come out
        #expect(message.defects.isEmpty)
        #expect(message.text == "accept NGI_IT-INFN-T1\n")
        #expect(message.attachments.count == 1)
        #expect(message.attachments.first?.fileName == "logs.tar")
        #expect(message.attachments.first?.bytes == payload)
        #expect(message.size == raw.count)
    }

    @Test("a message of only junk bytes and NULs parses")
    func binaryJunkGenerated() {
        var state: UInt32 = 7
        let junk = (0..<200_000).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        let message = parser.parse(junk)
        #expect(message.size == junk.count)
        #expect(!message.defects.isEmpty)
    }
}
