import Foundation
import Testing
import TestSupport

@testable import RolloutCore

/// `zeroPadded` writes what `%0*ld` writes (issue 24: its `Int` path writes the digits into the string's storage).
@Suite("zeroPadded: the digits %0*ld writes")
struct ZeroPaddedTests {
    @Test("2,000 random Ints and the edges, at widths 0 to 24, on the Int path and the generic one")
    func asPrintfWrites() {
        var random = SeededRandom(state: 24)
        var values = [0, 1, 9, 10, 99, 100, -1, -9, -10, -100, Int.min, Int.max, Int.min + 1, Int.max - 1]
        values += (1...19).flatMap { digits -> [Int] in
            let power = (1..<digits).reduce(1) { power, _ in power * 10 }
            return [power - 1, power, -power, -(power - 1)]
        }
        for _ in 0..<2_000 {
            let magnitude = Int.random(in: 0...Int.max, using: &random) >> Int.random(in: 0...62, using: &random)
            values.append(Bool.random(using: &random) ? magnitude : -magnitude)
        }
        for value in values {
            for width in [0, 1, 2, 3, 4, 5, 8, 19, 20, 21, 24] {
                let expected = String(format: "%0*ld", width, value)
                #expect(zeroPadded(value, width: width) == expected, "\(value) \(width)")
                if let small = Int32(exactly: value) {
                    #expect(zeroPadded(small, width: width) == expected, "Int32 \(value) \(width)")
                }
            }
        }
    }

    @Test("integers wider than Int take the generic path: UInt64 beyond Int.max")
    func beyondInt() {
        for value: UInt64 in [UInt64(Int.max) + 1, .max, 10_000_000_000_000_000_000] {
            #expect(zeroPadded(value, width: 22) == String(format: "%022lu", value))
            #expect(zeroPadded(value, width: 0) == "\(value)")
        }
    }
}
