import RolloutCore

extension ConfigurationFile {
    /// `inbound.smime`: where the IGTF trust anchors are and which profiles count (issue 23).
    struct SMIME: Decodable {
        var caDirectory: String?
        var profiles: [String]?
        var requireCRL: Bool?
        /// Subject DN (one-line form) → the person's address, for certificates that name no address.
        var people: [String: String]?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case caDirectory = "ca_dir", profiles, requireCRL = "require_crl", people
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            caDirectory = try c.decodeIfPresent(String.self, forKey: .caDirectory)
            profiles = try c.decodeIfPresent([String].self, forKey: .profiles)
            requireCRL = try c.decodeIfPresent(Bool.self, forKey: .requireCRL)
            people = try c.decodeIfPresent([String: String].self, forKey: .people)
        }
    }
}

extension GatewayConfiguration {
    /// Validates `inbound.smime`: profile names are plain words (they name files), DNs in one-line form.
    static func smime(_ raw: ConfigurationFile.SMIME?, path: (String) -> String) throws -> SMIMESettings {
        guard let raw else { return SMIMESettings() }
        let profiles = raw.profiles ?? SMIMESettings.defaultProfiles
        for (index, profile) in profiles.enumerated()
        where profile.isEmpty || !profile.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            throw ConfigurationProblem(
                ["inbound", "smime", "profiles", String(index)], "'\(profile)' is no IGTF profile name; expected e.g. classic, mics, slcs")
        }
        var people: [String: EmailAddress] = [:]
        for (dn, address) in (raw.people ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard dn.hasPrefix("/"), dn.contains("=") else {
                throw ConfigurationProblem(
                    ["inbound", "smime", "people", dn], "'\(dn)' is no subject DN; expected the one-line form /C=…/O=…/CN=…")
            }
            guard address.split(separator: "@").count == 2 else {
                throw ConfigurationProblem(["inbound", "smime", "people", dn], "'\(address)' is not an e-mail address; expected local@domain")
            }
            people[dn] = EmailAddress(address)
        }
        return SMIMESettings(
            caDirectory: raw.caDirectory.map(path) ?? SMIMESettings.defaultCADirectory, profiles: profiles,
            requireCRL: raw.requireCRL ?? false, people: people)
    }
}
