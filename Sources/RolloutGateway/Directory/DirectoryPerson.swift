import Foundation
import RolloutCore

/// One person of the directory: an identifier that stays when addresses change (`voPersonID`, else `uid`, else the
/// entry's DN) and every address they write from, the first `mail` value first (where notifications go).
public struct DirectoryPerson: Sendable, Equatable, Codable {
    public var id: String
    public var addresses: [EmailAddress]

    public init(id: String, addresses: [EmailAddress]) {
        self.id = id
        self.addresses = addresses
    }

    /// Where notifications go: the first `mail` value.
    public var primary: EmailAddress? { addresses.first }
}
