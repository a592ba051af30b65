#ifndef CPSL_SHIM_H
#define CPSL_SHIM_H
/* libpsl (the Public Suffix List as Debian ships it): nothing variadic or macro-shaped is called, so the header
   is used as it is. */
#include <libpsl.h>
#endif
