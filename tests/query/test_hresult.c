/* Tests of the HRESULT name table (common/hresult.c, generated into
 * common/hresult_table.inc): known codes of every header family resolve,
 * the table is sorted without duplicates (every entry is reachable by the
 * binary search), unknown codes give NULL, and wl_hresult_describe() falls
 * back to the wrapped NTSTATUS or to the facility and code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "wsuslog/hresult.h"

static void test_known(void **state)
{
	(void)state;
	static const struct {
		uint32_t code;
		const char *name;
	} known[] = {
	    /* FORMATS.md section 6 */
	    {0x80244007u, "WU_E_PT_SOAPCLIENT_SOAPFAULT"},
	    {0x8024400Du, "WU_E_PT_SOAP_CLIENT"},
	    {0x8024400Eu, "WU_E_PT_SOAP_SERVER"},
	    {0x80244010u, "WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS"},
	    {0x80244016u, "WU_E_PT_HTTP_STATUS_BAD_REQUEST"},
	    {0x8024401Cu, "WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT"},
	    {0x80244022u, "WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL"},
	    {0x80244024u, "WU_E_PT_HTTP_STATUS_VERSION_NOT_SUP"},
	    {0x8024402Cu, "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED"},
	    {0x8024402Fu, "WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS"},
	    {0x80240438u, "WU_E_PT_ENDPOINT_UNREACHABLE"},
	    /* the ends of the table and of several families */
	    {0x00240001u, "WU_S_SERVICE_STOP"},
	    {0x00248001u, "WU_S_SEARCH_LOAD_SHEDDING"},
	    {0x80240001u, "WU_E_NO_SERVICE"},
	    {0x80240FFFu, "WU_E_UNEXPECTED"},
	    {0x80241FFFu, "WU_E_MSP_UNEXPECTED"},
	    {0x80242000u, "WU_E_UH_REMOTEUNAVAILABLE"},
	    {0x80242FFFu, "WU_E_UH_UNEXPECTED"},
	    {0x80243FFFu, "WU_E_AUCLIENT_UNEXPECTED"},
	    {0x80244FFFu, "WU_E_PT_UNEXPECTED"},
	    {0x8024502Du, "WU_E_PT_SAME_REDIR_ID"},
	    {0x80246001u, "WU_E_DM_URLNOTAVAILABLE"},
	    {0x80246FFFu, "WU_E_DM_UNEXPECTED"},
	    {0x80247001u, "WU_E_OL_INVALID_SCANFILE"},
	    {0x80248000u, "WU_E_DS_SHUTDOWN"},
	    {0x80248FFFu, "WU_E_DS_UNEXPECTED"},
	    {0x80249001u, "WU_E_INVENTORY_PARSEFAILED"},
	    {0x8024A000u, "WU_E_AU_NOSERVICE"},
	    {0x8024AFFFu, "WU_E_AU_UNEXPECTED"},
	    {0x8024C001u, "WU_E_DRV_PRUNED"},
	    {0x8024CFFFu, "WU_E_DRV_UNEXPECTED"},
	    {0x8024D001u, "WU_E_SETUP_INVALID_INFDATA"},
	    {0x8024DFFFu, "WU_E_SETUP_UNEXPECTED"},
	    {0x8024E001u, "WU_E_EE_UNKNOWN_EXPRESSION"},
	    {0x8024EFFFu, "WU_E_EE_UNEXPECTED"},
	    {0x8024F001u, "WU_E_REPORTER_EVENTCACHECORRUPT"},
	    {0x8024FFFFu, "WU_E_REPORTER_UNEXPECTED"},
	    {0x80243001u, "WU_E_INSTALLATION_RESULTS_UNKNOWN_VERSION"},
	    {0x8024B304u, "WU_E_TRUST_PROVIDER_UNKNOWN"},
	    /* winerror.h: success codes, COM and Win32 errors as
	     * HRESULT_FROM_WIN32; the HRESULT symbol wins over the Win32 one */
	    {0x00000000u, "S_OK"},
	    {0x00000001u, "S_FALSE"},
	    {0x80070002u, "ERROR_FILE_NOT_FOUND"},
	    {0x80070032u, "ERROR_NOT_SUPPORTED"},
	    {0x80070005u, "E_ACCESSDENIED"},
	    {0x80070057u, "E_INVALIDARG"},
	    {0x8007000Eu, "E_OUTOFMEMORY"},
	    {0x80070006u, "E_HANDLE"},
	    {0x80004005u, "E_FAIL"},
	    {0x80004001u, "E_NOTIMPL"},
	    {0x80004003u, "E_POINTER"},
	    {0x80004004u, "E_ABORT"},
	    {0x8000FFFFu, "E_UNEXPECTED"},
	    {0x8000000Au, "E_PENDING"},
	    {0x800401F0u, "CO_E_NOTINITIALIZED"},
	    {0x800706BAu, "RPC_S_SERVER_UNAVAILABLE"},
	    {0x80010105u, "RPC_E_SERVERFAULT"},
	    {0x80070102u, "WAIT_TIMEOUT"},
	    {0x800F0203u, "SPAPI_E_NO_DRIVER_SELECTED"},
	    {0x80092004u, "CRYPT_E_NOT_FOUND"},
	    {0x80190193u, "HTTP_E_STATUS_FORBIDDEN"},
	    /* winhttp.h over winerror.h's WININET_E_* and wininet.h */
	    {0x80072EE2u, "ERROR_WINHTTP_TIMEOUT"},
	    {0x80072EE7u, "ERROR_WINHTTP_NAME_NOT_RESOLVED"},
	    {0x80072EFDu, "ERROR_WINHTTP_CANNOT_CONNECT"},
	    {0x80072EFEu, "ERROR_WINHTTP_CONNECTION_ERROR"},
	    {0x80072F8Fu, "ERROR_WINHTTP_SECURE_FAILURE"},
	    /* deliveryoptimizationerrors.h, WebServices.h, WbemCli.h,
	     * slerror.h, BitsMsg.h, NtDsBMsg.h */
	    {0x80D02002u, "DO_E_DOWNLOAD_NO_PROGRESS"},
	    {0x80D03805u, "DO_E_BLOCKED_BY_NO_NETWORK"},
	    {0x803D0000u, "WS_E_INVALID_FORMAT"},
	    {0x803D0010u, "WS_E_ENDPOINT_UNREACHABLE"},
	    {0x803D0013u, "WS_E_ENDPOINT_FAULT_RECEIVED"},
	    {0x80041010u, "WBEM_E_INVALID_CLASS"},
	    {0xC004F012u, "SL_E_VALUE_NOT_FOUND"},
	    {0x8020002Bu, "BG_E_INVALID_RANGE"},
	    {0xC8000710u, "hrDiskFull"},
	    /* ntstatus.h error and warning statuses as HRESULT_FROM_NT */
	    {0xD0000022u, "STATUS_ACCESS_DENIED"},
	    {0xD0000034u, "STATUS_OBJECT_NAME_NOT_FOUND"},
	    {0x90000005u, "STATUS_BUFFER_OVERFLOW"},
	    /* newer than the hand-made WU table this replaced */
	    {0x00248002u, "WU_S_AAD_DEVICE_TICKET_NOT_NEEDED"},
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		const char *n = wl_hresult_name(known[i].code);
		if (!n || strcmp(n, known[i].name) != 0)
			fail_msg("%08X: got %s, want %s", (unsigned)known[i].code, n ? n : "NULL",
			         known[i].name);
	}
}

static void test_unknown(void **state)
{
	(void)state;
	assert_null(wl_hresult_name(0x80244014u)); /* a gap in wuerror.h */
	assert_null(wl_hresult_name(0x800F0922u)); /* CBS: no public header */
	assert_null(wl_hresult_name(0x80070000u)); /* Win32 error 0 is S_OK */
	assert_null(wl_hresult_name(0xFFFFFFFFu));
	/* Flags that headers write as bare hex are not codes. */
	assert_null(wl_hresult_name(0x00000080u));
	/* Success and informational NTSTATUSes are not named as HRESULTs:
	 * STATUS_OBJECT_NAME_EXISTS is 0x40000000. */
	assert_null(wl_hresult_name(0x50000000u));
	assert_null(wl_hresult_name(0xD0000036u)); /* a gap in ntstatus.h */
}

static void test_describe(void **state)
{
	(void)state;
	char buf[WL_HRESULT_BUF];
	assert_string_equal(wl_hresult_describe(0x80072EE2u, buf, sizeof buf),
	                    "ERROR_WINHTTP_TIMEOUT");
	assert_string_equal(wl_hresult_describe(0x800F0922u, buf, sizeof buf),
	                    "FACILITY_SETUPAPI 0x922");
	assert_string_equal(wl_hresult_describe(0x8024FFFEu, buf, sizeof buf),
	                    "FACILITY_WINDOWSUPDATE 0xfffe");
	assert_string_equal(wl_hresult_describe(0x8007FFFEu, buf, sizeof buf),
	                    "FACILITY_WIN32 0xfffe");
	assert_string_equal(wl_hresult_describe(0x00000080u, buf, sizeof buf),
	                    "FACILITY_NULL 0x80");
	/* HRESULT_FACILITY is 13 bits: 0xC190040F is facility 0x190. */
	assert_string_equal(wl_hresult_describe(0xC190040Fu, buf, sizeof buf),
	                    "FACILITY_0x190 0x40f");
	/* The N bit: an unnamed HRESULT_FROM_NT prints its NTSTATUS. */
	assert_string_equal(wl_hresult_describe(0xD0000036u, buf, sizeof buf),
	                    "HRESULT_FROM_NT 0xC0000036");
	assert_string_equal(wl_hresult_describe(0x9FFF0001u, buf, sizeof buf),
	                    "HRESULT_FROM_NT 0x8FFF0001");
	assert_string_equal(wl_hresult_describe(0xD0000022u, buf, sizeof buf),
	                    "STATUS_ACCESS_DENIED");
	/* The longest facility name fits WL_HRESULT_BUF with the longest code;
	 * a short buffer gets a truncated text, never an overrun. */
	char small[8];
	assert_string_equal(wl_hresult_describe(0x800F0922u, small, sizeof small), "FACILIT");
	assert_string_equal(wl_hresult_describe(0x800F0922u, small, 0), "");
	assert_string_equal(wl_hresult_facility_name(7), "FACILITY_WIN32");
	assert_string_equal(wl_hresult_facility_name(36), "FACILITY_WINDOWSUPDATE");
	assert_string_equal(wl_hresult_facility_name(208), "FACILITY_DELIVERY_OPTIMIZATION");
	assert_string_equal(wl_hresult_facility_name(9), "FACILITY_SSPI"); /* first of two */
	assert_null(wl_hresult_facility_name(0x190));
}

/* Strictly ascending codes: sorted, no code twice. Each entry is then
 * found by the binary search, and every name looks like a C symbol. */
static void test_sorted_and_complete(void **state)
{
	(void)state;
	unsigned n = wl_hresult_count();
	for (unsigned i = 0; i < n; i++) {
		uint32_t code = wl_hresult_code_at(i);
		if (i > 0 && code <= wl_hresult_code_at(i - 1))
			fail_msg("entry %u (%08X) is not above entry %u (%08X)", i, (unsigned)code,
			         i - 1, (unsigned)wl_hresult_code_at(i - 1));
		const char *name = wl_hresult_name(code);
		if (!name || !*name ||
		    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                 "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(name))
			fail_msg("entry %u (%08X): bad or unreachable name", i, (unsigned)code);
	}
	/* The WU part alone is 467 symbols, winerror.h several thousand: a
	 * table far smaller is a truncated generation. */
	assert_true(n >= 8000);
	unsigned wu = 0;
	for (unsigned i = 0; i < n; i++)
		wu += strncmp(wl_hresult_name(wl_hresult_code_at(i)), "WU_", 3) == 0;
	assert_true(wu >= 465);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_describe),
	    cmocka_unit_test(test_sorted_and_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
