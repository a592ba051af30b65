import Foundation

/// Who gives a command.
public struct Sender: Sendable, Equatable {
    public var address: EmailAddress
    public var authentication: AuthenticationLevel
    /// How ``authentication`` was established; recorded in the history with each command.
    public var basis: AuthenticationBasis?
    /// Why the message cannot carry commands that need a strong sender although the sender is strong: it is older
    /// than `inbound.max_age`, or older than a command of the same sender applied strongly on the ticket ("stale or
    /// replayed", SPEC §5 "Each message once"); nil for a fresh message.
    public var staleReason: String?
    /// The display name the mail gave with the address (`Mario Rossi`), as written: only shown, never trusted
    /// (``RelayAuthor`` cleans it and always shows the address beside it).
    public var name: String?
    /// What the message's signature proved, when it carried one: the signer recorded with each command, or why the
    /// signature was not accepted (said in the transcript beside a refused command).
    public var signature: SignatureCheck?

    /// - Parameter basis: defaults to `from-only` for a weak sender and `operator` for a local one.
    public init(
        address: EmailAddress, authentication: AuthenticationLevel, basis: AuthenticationBasis? = nil,
        staleReason: String? = nil, name: String? = nil, signature: SignatureCheck? = nil
    ) {
        self.signature = signature
        self.address = address
        self.name = name
        self.authentication = authentication
        self.staleReason = staleReason
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
