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
                "inbound.strong_by includes \(strongBases.filter { [.dkim, .dmarc].contains($0) }.map(\.rawValue).sorted().joined(separator: " and ")): a DKIM or DMARC pass proves the sender's domain, not the person; anyone who can send through that domain's mail server counts as strong")
        }
        warnings += roleAddressWarnings
        return warnings
    }

    /// What `config check` warns of about the S/MIME CA directory, given its file names (nil when it cannot be read):
    /// with `inbound.smime.require_crl` false and no `*.r0` CRL there, a revoked certificate is accepted as valid.
    public func smimeCRLWarnings(caDirectoryListing listing: [String]?) -> [String] {
        guard strongBases.contains(.signature), !smime.requireCRL else { return [] }
        guard let listing else { return [] }
        guard !listing.contains(where: { $0.hasSuffix(".r0") }) else { return [] }
        return [
            "inbound.smime.ca_dir \(smime.caDirectory) holds no CRL (*.r0) and inbound.smime.require_crl is false: a revoked certificate's signature counts as valid; run fetch-crl (Debian package fetch-crl) or set require_crl: true"
        ]
    }

    /// A registered person whose address the gateway reads as automatic mail: what they send is never applied.
    var roleAddressWarnings: [String] {
        let registry = workflow.registry
        let people: [(role: String, address: EmailAddress)] =
            registry.releaseManagers.map { ("release manager", $0) }
            + registry.stacks.sorted { $0.key < $1.key }.flatMap { stack in stack.value.managers.map { ("manager of \(stack.key)", $0) } }
            + registry.teams.values.sorted { $0.name.description < $1.name.description }.flatMap { team in
                team.members.map { ("member of \(team.name)", $0) }
            }
        return people.compactMap { person in
            MessageClassifier.automaticSenderReason(person.address).map {
                "\(person.address.value) (\(person.role)) is \($0), which the gateway reads as automatic mail: whatever is sent from it is never applied; register the person's own address"
            }
        }
    }
}
