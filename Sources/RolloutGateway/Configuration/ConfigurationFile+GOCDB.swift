import Foundation

extension ConfigurationFile {
    /// `gocdb:` — the grid's service registry, asked for the accepted teams' beta downtimes.
    struct GOCDB: Decodable {
        var url: String
        var certificateFile: String?
        var keyFile: String?
        var caFile: String?
        var refreshMinutes: Int?
        var serviceTypes: [String]?
        var sites: [String: String]?
        var reminders: Int?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case url, certificateFile = "certificate_file", keyFile = "key_file", caFile = "ca_file"
            case refreshMinutes = "refresh_minutes", serviceTypes = "service_types", sites, reminders
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            url = try c.decode(String.self, forKey: .url)
            certificateFile = try c.decodeIfPresent(String.self, forKey: .certificateFile)
            keyFile = try c.decodeIfPresent(String.self, forKey: .keyFile)
            caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
            refreshMinutes = try c.decodeIfPresent(Int.self, forKey: .refreshMinutes)
            serviceTypes = try c.decodeIfPresent([String].self, forKey: .serviceTypes)
            sites = try c.decodeIfPresent([String: String].self, forKey: .sites)
            reminders = try c.decodeIfPresent(Int.self, forKey: .reminders)
        }
    }
}
