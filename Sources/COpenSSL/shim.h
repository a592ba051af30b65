#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* OpenSSL's typed stacks and some constants are macros Swift cannot import: static inline shims go here,
   prefixed COpenSSL_. */

static inline int COpenSSL_certificates_count(const STACK_OF(X509) *stack) { return stack == NULL ? 0 : sk_X509_num(stack); }
static inline X509 *COpenSSL_certificate_at(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
static inline void COpenSSL_certificates_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }
/* Only the stack: its certificates belong to someone else (CMS_get0_signers). */
static inline void COpenSSL_certificates_free_shallow(STACK_OF(X509) *stack) { sk_X509_free(stack); }

static inline int COpenSSL_strings_count(const STACK_OF(OPENSSL_STRING) *stack) {
    return stack == NULL ? 0 : sk_OPENSSL_STRING_num(stack);
}
static inline const char *COpenSSL_string_at(const STACK_OF(OPENSSL_STRING) *stack, int index) {
    return sk_OPENSSL_STRING_value(stack, index);
}

static inline int COpenSSL_signer_infos_count(CMS_ContentInfo *cms) {
    STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
    return infos == NULL ? 0 : sk_CMS_SignerInfo_num(infos);
}

static inline X509_LOOKUP_METHOD *COpenSSL_hash_dir_method(void) { return X509_LOOKUP_hash_dir(); }
static inline int COpenSSL_lookup_add_dir(X509_LOOKUP *lookup, const char *dir) {
    return X509_LOOKUP_add_dir(lookup, dir, X509_FILETYPE_PEM);
}

/* A CRL the directory does not hold is no failure when CRLs are optional (`require_crl: false`): a revoked
   certificate is still refused whenever the issuer's CRL is there (hash.rN). */
static inline int COpenSSL_crl_optional_callback(int ok, X509_STORE_CTX *context) {
    if (!ok && X509_STORE_CTX_get_error(context) == X509_V_ERR_UNABLE_TO_GET_CRL) return 1;
    return ok;
}
static inline void COpenSSL_store_context_crl_optional(X509_STORE_CTX *context) {
    X509_STORE_CTX_set_verify_cb(context, COpenSSL_crl_optional_callback);
}

/* The signing time a signer claimed (CMS signed attribute signingTime), as seconds since 1970; 0 when absent. */
static inline long long COpenSSL_signing_time(CMS_ContentInfo *cms) {
    STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
    if (infos == NULL || sk_CMS_SignerInfo_num(infos) != 1) return 0;
    CMS_SignerInfo *info = sk_CMS_SignerInfo_value(infos, 0);
    int index = CMS_signed_get_attr_by_NID(info, NID_pkcs9_signingTime, -1);
    if (index < 0) return 0;
    X509_ATTRIBUTE *attribute = CMS_signed_get_attr(info, index);
    ASN1_TYPE *value = X509_ATTRIBUTE_get0_type(attribute, 0);
    if (value == NULL) return 0;
    const ASN1_TIME *time = NULL;
    if (value->type == V_ASN1_UTCTIME) time = value->value.utctime;
    else if (value->type == V_ASN1_GENERALIZEDTIME) time = value->value.generalizedtime;
    if (time == NULL) return 0;
    int days = 0, seconds = 0;
    /* The difference from the epoch, computed by OpenSSL without the local time zone. */
    ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
    if (epoch == NULL) return 0;
    int diffOK = ASN1_TIME_diff(&days, &seconds, epoch, time);
    ASN1_TIME_free(epoch);
    return diffOK == 1 ? (long long)days * 86400 + seconds : 0;
}

static inline unsigned int COpenSSL_flags_binary_no_signer_verify(void) { return CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY; }

/* Outbound signing (outbox.smime): a detached signature over the exact bytes, the chain's certificates with it. */
static inline unsigned int COpenSSL_flags_detached_binary(void) { return CMS_DETACHED | CMS_BINARY; }
static inline STACK_OF(X509) *COpenSSL_certificates_new(void) { return sk_X509_new_null(); }
/* Takes over `certificate` (freed with the stack), also when it cannot be added. */
static inline int COpenSSL_certificates_push(STACK_OF(X509) *stack, X509 *certificate) {
    if (sk_X509_push(stack, certificate) > 0) return 1;
    X509_free(certificate);
    return 0;
}

#endif
