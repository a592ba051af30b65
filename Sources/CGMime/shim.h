#ifndef CGMIME_SHIM_H
#define CGMIME_SHIM_H
#include <gmime/gmime.h>

/* GObject cast and type-check macros cannot be imported into Swift: static inline shims go here,
   prefixed CGMime_. Casts take a gpointer so Swift can pass any GMime object pointer. */

static inline gboolean CGMime_is_message(gpointer obj) { return obj != NULL && GMIME_IS_MESSAGE(obj); }
static inline gboolean CGMime_is_part(gpointer obj) { return obj != NULL && GMIME_IS_PART(obj); }
static inline gboolean CGMime_is_text_part(gpointer obj) { return obj != NULL && GMIME_IS_TEXT_PART(obj); }
static inline gboolean CGMime_is_multipart(gpointer obj) { return obj != NULL && GMIME_IS_MULTIPART(obj); }
static inline gboolean CGMime_is_message_part(gpointer obj) { return obj != NULL && GMIME_IS_MESSAGE_PART(obj); }
static inline gboolean CGMime_is_internet_address_mailbox(gpointer obj) {
    return obj != NULL && INTERNET_ADDRESS_IS_MAILBOX(obj);
}
static inline gboolean CGMime_is_internet_address_group(gpointer obj) {
    return obj != NULL && INTERNET_ADDRESS_IS_GROUP(obj);
}

static inline GMimeObject *_Nonnull CGMime_object(gpointer _Nonnull obj) { return GMIME_OBJECT(obj); }
static inline GMimePart *_Nonnull CGMime_part(gpointer _Nonnull obj) { return GMIME_PART(obj); }
static inline GMimeMultipart *_Nonnull CGMime_multipart(gpointer _Nonnull obj) { return GMIME_MULTIPART(obj); }
static inline GMimeMessagePart *_Nonnull CGMime_message_part(gpointer _Nonnull obj) { return GMIME_MESSAGE_PART(obj); }
static inline GMimeStreamMem *_Nonnull CGMime_stream_mem(gpointer _Nonnull obj) { return GMIME_STREAM_MEM(obj); }
static inline GMimeStreamFilter *_Nonnull CGMime_stream_filter(gpointer _Nonnull obj) { return GMIME_STREAM_FILTER(obj); }
static inline InternetAddressMailbox *_Nonnull CGMime_internet_address_mailbox(gpointer _Nonnull obj) {
    return INTERNET_ADDRESS_MAILBOX(obj);
}
static inline InternetAddressGroup *_Nonnull CGMime_internet_address_group(gpointer _Nonnull obj) {
    return INTERNET_ADDRESS_GROUP(obj);
}

/* An address of ASCII bytes is its own IDNA form: GMime derives that form with libidn2 every time it encodes an
   address list (a twentieth of composing a notification), and libidn2 gives ASCII back unchanged or fails, when GMime
   keeps the address as it is. So a mailbox with an ASCII address is given its IDNA form at once (GMime owns and frees
   it with the mailbox; setting another address clears it). Any other address is left to libidn2. */
static inline void CGMime_mailbox_preset_ascii_idn_addr(InternetAddressMailbox *mailbox) {
    if (mailbox->idn_addr != NULL || mailbox->addr == NULL) return;
    for (const unsigned char *byte = (const unsigned char *)mailbox->addr; *byte != 0; byte++) {
        if (*byte >= 0x80) return;
    }
    mailbox->idn_addr = g_strdup(mailbox->addr);
}

/* The bytes a memory stream holds (NULL-safe): Swift cannot reach GByteArray's fields through the macro cast. */
static inline const guint8 *CGMime_stream_mem_data(GMimeStream *stream, size_t *length) {
    GByteArray *array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
    if (array == NULL) { *length = 0; return NULL; }
    *length = array->len;
    return array->data;
}

/* Header text with raw 8-bit bytes is read as UTF-8 when valid, else as windows-1252 (a superset of
   ISO-8859-1 in practice). GMime copies the list. */
static inline void CGMime_parser_options_set_mail_fallback_charsets(GMimeParserOptions *options) {
    const char *charsets[] = { "UTF-8", "windows-1252", "iso-8859-1", NULL };
    g_mime_parser_options_set_fallback_charsets(options, charsets);
}

#endif
