/* Names of HRESULTs: the symbols that public Windows SDK headers give them
 * (wuerror.h, winerror.h with the Win32 errors as HRESULT_FROM_WIN32,
 * winhttp.h, wininet.h, deliveryoptimizationerrors.h, WebServices.h,
 * WbemCli.h, slerror.h, BitsMsg.h, NtDsBMsg.h; ntstatus.h's error and
 * warning statuses as HRESULT_FROM_NT), shipped as data so reports
 * can say what a code means. The table is generated: see
 * scripts/gen-hresult-table. */
#ifndef WSUSLOG_HRESULT_H
#define WSUSLOG_HRESULT_H

#include <stddef.h>
#include <stdint.h>

/* The symbol for code (0x80244007 -> "WU_E_PT_SOAPCLIENT_SOAPFAULT",
 * 0x80072EE2 -> "ERROR_WINHTTP_TIMEOUT"), or NULL if no header names it.
 * The string is static. */
const char *wl_hresult_name(uint32_t code);

/* Room for any wl_hresult_describe() text, NUL included. */
#define WL_HRESULT_BUF 64

/* What to print for code: its symbol if a header names it; else, for a code
 * with the N bit, the NTSTATUS it wraps: "HRESULT_FROM_NT 0xC0000999" for
 * an unnamed 0xD0000999; else its facility and code as winerror.h's
 * HRESULT_FACILITY / HRESULT_CODE split them: "FACILITY_WIN32 0x32" for an
 * unnamed 0x80070032, or "FACILITY_0x1a5 0x1" where winerror.h names no
 * such facility. Returns
 * the static symbol or buf (cap bytes, WL_HRESULT_BUF is enough; a
 * smaller buf gets a truncated, NUL-terminated text). Never NULL. */
const char *wl_hresult_describe(uint32_t code, char *buf, size_t cap);

/* The FACILITY_* name of a facility number, or NULL. */
const char *wl_hresult_facility_name(unsigned facility);

/* For tests: the number of named codes and the i-th (in table order, which
 * must be ascending by code). */
unsigned wl_hresult_count(void);
uint32_t wl_hresult_code_at(unsigned i);

#endif
