import Foundation

/// One value of a store row, typed as both drivers understand it.
public enum StoreValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bytes([UInt8])
    case date(Date)
    case bool(Bool)
}
