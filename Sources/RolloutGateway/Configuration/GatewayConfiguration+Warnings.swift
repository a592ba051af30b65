import RolloutCore

extension GatewayConfiguration {
    /// What `config check` warns of: settings that are valid but leave a door open.
    public var warnings: [String] {
        var warnings: [String] = []
        let strong = workflow.policy.strongAuthenticationVerbs
        for verb in Self.hookVerbs where !strong.contains(verb) {
            let hook = verb == .status ? "stage_rollout" : "production"
            warnings.append(
                "workflow.strong_authentication does not list \(verb.rawValue): a mail whose From alone names the right person may run the \(hook) hook (anyone can write a From)")
        }
        if !strongBases.isDisjoint(with: [.dkim, .dmarc]) {
            warnings.append(
                "inbound.strong_by includes \(strongBases.filter { $0 != .token }.map(\.rawValue).sorted().joined(separator: " and ")): a DKIM or DMARC pass proves the sender's domain, not the person; anyone who can send through that domain's mail server counts as strong")
        }
        return warnings
    }
}
