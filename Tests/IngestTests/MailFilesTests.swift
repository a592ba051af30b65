import Foundation
import MailMaildir
import Testing

@Suite("Reading Maildirs and mbox files")
struct MailFilesTests {
    static func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "rollout-mailfiles-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("an mbox is split at From_ lines, >From quoting undone, each message whole")
    func mbox() throws {
        let folder = try Self.scratch()
        let path = folder + "/inbox.mbox"
        let text = """
            From paolo@cnaf.example.org Mon Nov 30 10:00:00 2026
            Subject: one

            accept NGI_IT-INFN-T1
            >From the quoted text

            From pavel@kit.example.org Mon Nov 30 11:00:00 2026
            Subject: two

            reject NGI_DE-FZK-LCG2
            From inside a paragraph is not a separator

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let messages = Array(try MboxReader(path: path)).map { String(decoding: $0, as: UTF8.self) }
        #expect(messages.count == 2)
        #expect(messages[0] == "Subject: one\n\naccept NGI_IT-INFN-T1\nFrom the quoted text\n")
        #expect(messages[1].hasPrefix("Subject: two\n"))
        #expect(messages[1].contains("From inside a paragraph is not a separator"))
    }

    @Test("a Maildir's messages move to cur/ when done and to failed/ with their reason")
    func maildir() throws {
        let root = try Self.scratch()
        for sub in ["new", "cur", "tmp"] { try FileManager.default.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true) }
        try "Subject: a\n\nx\n".write(toFile: "\(root)/new/1.a", atomically: true, encoding: .utf8)
        try "Subject: b\n\nx\n".write(toFile: "\(root)/new/2.b", atomically: true, encoding: .utf8)
        let source = MaildirSource(root: root)
        let pending = try source.pending()
        #expect(pending.map(\.name) == ["1.a", "2.b"])
        #expect(try source.read(pending[0], limit: 4) == Array("Subj".utf8))
        try source.markDone(pending[0])
        try source.setAside(pending[1], reason: "the store refused it")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/cur") == ["1.a:2,S"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/new").isEmpty)
        #expect(try String(contentsOfFile: "\(root)/failed/2.b.reason", encoding: .utf8) == "the store refused it\n")
        #expect(throws: MaildirError.self) { _ = try MaildirSource(root: root + "/nothing").pending() }
    }
}
