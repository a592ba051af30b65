#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <curl/curl.h>
/* curl_easy_setopt is variadic: typed static inline shims go here, prefixed CCurl_. */
#endif
