import Foundation

/// Whether a command line may change the rollout's course, given where it stands and who sent it (SPEC §5).
///
/// The checks run in this order, each only when the one before let the command through:
/// 1. permission (``Run/permission(_:_:)``): someone who may not give the command hears "not allowed", not how to
///    give it;
/// 2. position: a privileged command outside the leading command block is not the sender's instruction, whoever
///    the sender is — it may be quoted text that lost its quote marks — so it is refused before the sender's
///    strength is looked at;
/// 3. strength: a verb that needs a strong sender, from a weak one;
/// 4. staleness: a strong sender's message that is too old, or older than a command of theirs already applied.
extension Run {
    /// Verbs that count only in the leading command block: those that need a strong sender, and those that choose
    /// who tests or call for volunteers.
    var leadingOnlyVerbs: Set<Verb> { policy.strongAuthenticationVerbs.union([.assign, .unassign, .escalate]) }

    /// Why a permitted command from `sender` is not applied where it stands, or nil when it may apply.
    func trustRefusal(_ verb: Verb, _ sender: Sender, leading: Bool) -> Refusal? {
        if !leading, leadingOnlyVerbs.contains(verb) {
            return Refusal(
                reason:
                    "\(verb.rawValue) was not applied: commands that change the rollout's course count only at the top of your reply, and this line stands below other text; put them at the top of your reply, before any other text",
                kind: .outsideLeadingBlock)
        }
        guard policy.strongAuthenticationVerbs.contains(verb) else { return nil }
        if sender.authentication == .weak {
            if let why = sender.signature?.refusal {
                return Refusal(
                    reason:
                        "\(verb.rawValue) needs a strongly authenticated sender, and the signature of your message was not accepted: \(why). Sign with the personal certificate (S/MIME) whose e-mail address is the one you write from, or reply to your own copy of a notification of this ticket",
                    kind: .needsStrongAuthentication)
            }
            return Refusal(
                reason:
                    "\(verb.rawValue) needs a strongly authenticated sender. Sign your reply with your personal certificate (S/MIME, e.g. your IGTF grid certificate, whose e-mail address is the one you write from; see \"Signed mail\" in the gateway's README for Thunderbird and Outlook); or reply to your own copy of a notification of this ticket (its Reply-To address was issued to you), from the address we know you by; or send from a mail server that signs your mail with DKIM for your domain",
                kind: .needsStrongAuthentication)
        }
        if let stale = sender.staleReason {
            return Refusal(
                reason: "\(verb.rawValue) was not applied: stale or replayed: \(stale); send the command again in a new reply",
                kind: .staleOrReplayed)
        }
        return nil
    }
}
