import CLDAP
import Foundation
import RolloutGateway

/// One session with the directory through OpenLDAP's libldap: connect (TLS, or StartTLS on `ldap://` except on
/// loopback), bind, search. Blocking calls, bounded by the network and search time limits. Not shared.
final class LDAPConnection {
    private var handle: OpaquePointer?
    let settings: DirectorySettings
    let timeoutSeconds: Int
    let sizeLimit: Int32

    init(_ settings: DirectorySettings, timeoutSeconds: Int, sizeLimit: Int32) throws {
        self.settings = settings
        self.timeoutSeconds = timeoutSeconds
        self.sizeLimit = sizeLimit
        var ld: OpaquePointer?
        let initialized = ldap_initialize(&ld, settings.url)
        guard initialized == LDAP_SUCCESS, let ld else {
            throw DirectoryError.refused(key: "url", "'\(settings.url)' is not usable: \(Self.text(initialized))")
        }
        handle = ld
        _ = CLDAP_set_int(ld, LDAP_OPT_PROTOCOL_VERSION, LDAP_VERSION3)
        _ = CLDAP_set_timeout(ld, LDAP_OPT_NETWORK_TIMEOUT, timeoutSeconds)
        _ = CLDAP_set_timeout(ld, LDAP_OPT_TIMEOUT, timeoutSeconds)
        _ = CLDAP_referrals_off(ld)
        _ = CLDAP_set_int(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, LDAP_OPT_X_TLS_DEMAND)
        if let caFile = settings.caFile { _ = CLDAP_set_string(ld, LDAP_OPT_X_TLS_CACERTFILE, caFile) }
        _ = CLDAP_new_tls_context(ld)
        let plain = settings.url.lowercased().hasPrefix("ldap://")
        if plain && !settings.isLoopback {
            let started = ldap_start_tls_s(ld, nil, nil)
            guard started == LDAP_SUCCESS else {
                throw Self.failure(started, key: "url", "StartTLS on \(settings.url) failed (a plain connection is allowed on loopback only)")
            }
        }
    }

    deinit { close() }

    func close() {
        if let handle { ldap_unbind_ext_s(handle, nil, nil) }
        handle = nil
    }

    /// A simple bind with the password file's first line, or none (anonymous) without a bind DN.
    func bind() throws {
        guard let handle, let dn = settings.bindDN, let file = settings.passwordFile else { return }
        let password: String
        do {
            password = try String(contentsOfFile: file, encoding: .utf8).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        } catch {
            throw DirectoryError.refused(key: "password_file", "\(file) cannot be read (\(error.localizedDescription))")
        }
        let result = password.withCString { CLDAP_simple_bind(handle, dn, $0, strlen($0)) }
        guard result == LDAP_SUCCESS else {
            switch result {
            case LDAP_INVALID_CREDENTIALS: throw DirectoryError.refused(key: "password_file", "the bind as \(dn) was refused: invalid credentials")
            case LDAP_INVALID_DN_SYNTAX, LDAP_INAPPROPRIATE_AUTH, LDAP_UNWILLING_TO_PERFORM:
                throw DirectoryError.refused(key: "bind_dn", "the bind as \(dn) was refused: \(Self.text(result))")
            default: throw Self.failure(result, key: "bind_dn", "the bind as \(dn) failed")
            }
        }
    }

    /// Every entry under `base_dn` matching `filter`, with the attributes named; `key` names the filter's
    /// configuration key in errors. A result cut by the size limit is an error, never a partial snapshot.
    func search(_ filter: String, attributes: [String], key: String) throws -> [LDAPEntry] {
        guard let handle else { throw DirectoryError.unavailable("the connection is closed") }
        var names: [UnsafeMutablePointer<CChar>?] = attributes.map { strdup($0) } + [nil]
        defer { names.forEach { free($0) } }
        var result: OpaquePointer?
        let status = names.withUnsafeMutableBufferPointer { buffer in
            CLDAP_search(handle, settings.baseDN, filter, buffer.baseAddress, timeoutSeconds, sizeLimit, &result)
        }
        defer { if let result { ldap_msgfree(result) } }
        switch status {
        case LDAP_SUCCESS: break
        case LDAP_FILTER_ERROR: throw DirectoryError.refused(key: key, "'\(filter)' is not a valid LDAP filter")
        case LDAP_NO_SUCH_OBJECT: throw DirectoryError.refused(key: "base_dn", "'\(settings.baseDN)' does not exist in the directory")
        case LDAP_SIZELIMIT_EXCEEDED:
            throw DirectoryError.refused(key: key, "'\(filter)' matches more than \(sizeLimit) entries (or the server's size limit); nothing was stored")
        case LDAP_INSUFFICIENT_ACCESS: throw DirectoryError.refused(key: "bind_dn", "the directory does not let this bind search \(settings.baseDN)")
        default: throw Self.failure(status, key: key, "the search '\(filter)' failed")
        }
        var entries: [LDAPEntry] = []
        var entry = ldap_first_entry(handle, result)
        while let current = entry {
            var dn = ""
            if let raw = ldap_get_dn(handle, current) {
                dn = String(cString: raw)
                ldap_memfree(raw)
            }
            var values: [String: [String]] = [:]
            for name in attributes {
                guard let list = ldap_get_values_len(handle, current, name) else { continue }
                var index = 0
                while let value = list[index] {
                    let bytes = UnsafeRawBufferPointer(start: value.pointee.bv_val, count: Int(value.pointee.bv_len))
                    values[name.lowercased(), default: []].append(String(decoding: bytes, as: UTF8.self))
                    index += 1
                }
                ldap_value_free_len(list)
            }
            entries.append(LDAPEntry(dn: dn, attributes: values))
            entry = ldap_next_entry(handle, current)
        }
        return entries
    }

    private static func text(_ code: Int32) -> String { String(cString: ldap_err2string(code)) }

    /// A failure that is the directory's state (down, busy, timed out: try later) or, otherwise, the configuration's.
    private static func failure(_ code: Int32, key: String, _ what: String) -> DirectoryError {
        switch code {
        case LDAP_SERVER_DOWN, LDAP_CONNECT_ERROR, LDAP_TIMEOUT, LDAP_TIMELIMIT_EXCEEDED, LDAP_BUSY, LDAP_UNAVAILABLE, LDAP_OTHER,
            LDAP_LOCAL_ERROR, LDAP_NO_MEMORY, LDAP_ADMINLIMIT_EXCEEDED:
            .unavailable("\(what): \(text(code))")
        default:
            .refused(key: key, "\(what): \(text(code))")
        }
    }
}
