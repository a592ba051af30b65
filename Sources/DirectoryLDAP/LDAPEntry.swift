import Foundation

/// One entry a search returned: its DN and the values of the attributes asked for (names lower-cased).
struct LDAPEntry: Sendable, Equatable {
    var dn: String
    var attributes: [String: [String]]

    func values(_ name: String) -> [String] { attributes[name.lowercased()] ?? [] }
    func first(_ name: String) -> String? { values(name).first }
}
