#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
/* Debian builds libxml2 with ICU, so its encoding.h includes the system's <unicode/ucnv.h>, whose
   UErrorCode clashes with Foundation's bundled ICU ("'UErrorCode' has different definitions in
   different modules") when one Swift module sees both. Only the ICU fields at the end of
   xmlCharEncodingHandler depend on it, and Swift never touches that struct's fields or size. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/parser.h>

/* The options the gateway reads untrusted HTML mail with: recover from broken markup, print nothing,
   never touch the network, ignore <meta charset> (the text has already been converted to UTF-8). */
static inline int CLibXML2_html_mail_options(void) {
    return HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
        | HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
}

/* xmlFree is a global function pointer, which Swift 6 refuses to read from concurrent code. */
static inline void CLibXML2_free(void *pointer) { xmlFree(pointer); }

/* The options the gateway reads an XML API's answer with: never touch the network, print nothing, no entity
   substitution (XML_PARSE_NOENT is not set), CDATA as text. */
static inline int CLibXML2_api_answer_options(void) {
    return XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
}

#endif
