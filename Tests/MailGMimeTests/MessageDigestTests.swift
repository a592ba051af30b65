import CGMime
import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// A message's digests are the keys it is recognised by when it comes again (replay, a second copy): taken by
/// swift-crypto now, they must be what GLib's SHA-256 gave for the same bytes, or every message seen before an upgrade
/// would count as new after it.
@Suite("Message digests: the SHA-256 GLib gave, byte for byte")
struct MessageDigestTests {
    private static func glib(_ bytes: [UInt8]) -> String {
        let input = bytes.isEmpty ? [0] : bytes
        let hex = input.withUnsafeBufferPointer { g_compute_checksum_for_data(G_CHECKSUM_SHA256, $0.baseAddress!, gsize(bytes.count)) }!
        defer { g_free(hex) }
        return String(cString: hex)
    }

    @Test("empty, around the block and padding boundaries, and a megabyte", arguments: [0, 1, 55, 56, 63, 64, 65, 119, 120, 1 << 20])
    func sameAsGLib(count: Int) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        #expect(SHA256Hex.of(bytes) == Self.glib(bytes))
    }

    @Test("a parsed message's digests: of its bytes, of its bytes without trace fields, of a long Message-ID")
    func parsedMessage() {
        let id = String(repeating: "x", count: 1200) + "@example.org"
        let raw = Array("Received: from a by b; Mon, 30 Nov 2026 16:05:01 +0100\r\nFrom: a@example.org\r\nMessage-ID: <\(id)>\r\nSubject: s\r\n\r\nbody\r\n".utf8)
        let message = GMimeMailParser().parse(raw)
        #expect(message.digest == Self.glib(raw))
        #expect(message.contentDigest == Self.glib(TraceFields.removed(from: raw)))
        #expect(message.contentDigest != message.digest)
        #expect(message.messageIDDigest == Self.glib(Array(message.headers.messageID!.utf8)))
    }
}
