import MailGMime
import RolloutCore

let parser = GMimeMailParser()

/// Parses `fixtures/mail/<path>`.
func parseFixture(_ path: String) throws -> InboundMessage {
    parser.parse(try Fixtures.mail(path))
}

/// Lower-case hex SHA-256, to compare attachment bytes with what the corpus generator wrote.
func sha256Hex(_ bytes: [UInt8]) -> String {
    // The parser's digest of a message is the SHA-256 of its raw bytes; borrow it for attachments.
    parser.parse(bytes).digest
}

extension Array where Element == Mailbox {
    var addresses: [String] { map(\.address.value) }
}
