import Foundation
import RolloutGateway
import Testing

@Suite("Hexadecimal digests")
struct SHA256HexTests {
    @Test("every byte is written as printf's %02x writes it; a digest as sha256sum prints it")
    func digits() {
        let bytes = (0...255).map(UInt8.init)
        #expect(SHA256Hex.hex(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(SHA256Hex.hex([]) == "")
        #expect(SHA256Hex.of(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
