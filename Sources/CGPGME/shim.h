#ifndef CGPGME_SHIM_H
#define CGPGME_SHIM_H
#include <gpgme.h>

/* GPGME's version check is a macro Swift cannot call; it must run once before any context is made. */
static inline const char *CGPGME_initialize(void) { return gpgme_check_version(NULL); }

/* The error code part of a gpgme_error_t (GPG_ERR_BAD_SIGNATURE, GPG_ERR_NO_PUBKEY, …). */
static inline unsigned int CGPGME_code(gpgme_error_t error) { return (unsigned int)gpgme_err_code(error); }

/* Bit fields, read in C. */
static inline int CGPGME_signature_wrong_key_usage(gpgme_signature_t signature) { return signature->wrong_key_usage; }
static inline int CGPGME_key_revoked(gpgme_key_t key) { return key->revoked; }
static inline int CGPGME_key_unusable(gpgme_key_t key) { return key->disabled || key->invalid; }
static inline int CGPGME_subkey_revoked(gpgme_subkey_t subkey) { return subkey->revoked; }
static inline int CGPGME_user_id_usable(gpgme_user_id_t uid) { return !uid->revoked && !uid->invalid; }

#endif
