/* Names of Windows Update HRESULTs (the WU_E_* symbols of wuerror.h), shipped
 * as data so reports can say what a code means. */
#ifndef WSUSLOG_HRESULT_H
#define WSUSLOG_HRESULT_H

#include <stdint.h>

/* The WU_E_* / WU_S_* symbol for code (e.g. 0x80244007 ->
 * "WU_E_PT_SOAPCLIENT_SOAPFAULT"), or NULL if the table has none.
 * The string is static. */
const char *wl_hresult_name(uint32_t code);

/* Number of entries in the table (for tests). */
unsigned wl_hresult_count(void);

#endif
