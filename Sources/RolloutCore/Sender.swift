import Foundation

/// Who gives a command.
public struct Sender: Sendable, Equatable {
    public var address: EmailAddress
    public var authentication: AuthenticationLevel
    /// How ``authentication`` was established; recorded in the history with each command.
    public var basis: AuthenticationBasis?

    /// - Parameter basis: defaults to `from-only` for a weak sender and `operator` for a local one.
    public init(address: EmailAddress, authentication: AuthenticationLevel, basis: AuthenticationBasis? = nil) {
        self.address = address
        self.authentication = authentication
        self.basis =
            basis
            ?? {
                switch authentication {
                case .weak: .fromOnly
                case .local: .operator
                case .strong: nil
                }
            }()
    }
}
