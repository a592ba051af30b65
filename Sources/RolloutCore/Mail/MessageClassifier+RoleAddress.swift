extension MessageClassifier {
    /// Why mail from `address` is always classified as automatic (and so never applied), if it is: a mail system's
    /// own name (`postmaster@`, `mailer-daemon@`) or a list manager's administrative address (`…-request@`).
    /// `config check` warns when a person is registered under such an address.
    public static func automaticSenderReason(_ address: EmailAddress) -> String? {
        if isMailerDaemon(Mailbox(address: address)) { return "a mail system's own address" }
        if isListMachinery(address) { return "a mailing list's administrative address" }
        return nil
    }
}
