/// How OpenPGP signatures are checked (`inbound.openpgp`, issue 23): against the public keys the operator lists.
public struct OpenPGPSettings: Sendable, Equatable {
    /// The operator's keyring (armored or binary public keys). Every key in it is trusted for its own user IDs:
    /// the keyring is the trust (GnuPG's `trust-model always`, in a private home the gateway makes).
    public var keyring: String

    public init(keyring: String) {
        self.keyring = keyring
    }
}
