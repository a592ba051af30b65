#ifndef CLDAP_SHIM_H
#define CLDAP_SHIM_H
/* OpenLDAP's libldap (Debian's libldap-dev): only the non-deprecated API (ldap_initialize, ldap_sasl_bind_s,
   ldap_search_ext_s, ldap_get_values_len). */
#define LDAP_DEPRECATED 0
#include <ldap.h>
#include <sys/time.h>

/* Macros Swift does not import (casts, pointers): one static inline shim each, prefixed CLDAP_. */

/* Simple bind: LDAP_SASL_SIMPLE is ((char*)0). */
static inline int CLDAP_simple_bind(LDAP *ld, const char *dn, const char *password, size_t length) {
    struct berval credentials;
    credentials.bv_val = (char *)password;
    credentials.bv_len = (ber_len_t)length;
    return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &credentials, NULL, NULL, NULL);
}

static inline int CLDAP_set_int(LDAP *ld, int option, int value) { return ldap_set_option(ld, option, &value); }

static inline int CLDAP_set_string(LDAP *ld, int option, const char *value) { return ldap_set_option(ld, option, value); }

static inline int CLDAP_set_timeout(LDAP *ld, int option, long seconds) {
    struct timeval timeout = { seconds, 0 };
    return ldap_set_option(ld, option, &timeout);
}

/* Referrals are not chased (LDAP_OPT_OFF is a null pointer, not a pointer to 0). */
static inline int CLDAP_referrals_off(LDAP *ld) { return ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF); }

/* A fresh TLS context after the TLS options were set on this handle (the options apply to new contexts only). */
static inline int CLDAP_new_tls_context(LDAP *ld) {
    int server = 0;
    return ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &server);
}

static inline int CLDAP_search(LDAP *ld, const char *base, const char *filter, char **attributes, long seconds,
                               int sizelimit, LDAPMessage **result) {
    struct timeval timeout = { seconds, 0 };
    return ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attributes, 0, NULL, NULL, &timeout, sizelimit, result);
}

#endif
