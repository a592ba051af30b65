#ifndef CGMIME_SHIM_H
#define CGMIME_SHIM_H
#include <gmime/gmime.h>
/* GObject cast and type-check macros cannot be imported into Swift: static inline shims go here,
   prefixed CGMime_. */
#endif
