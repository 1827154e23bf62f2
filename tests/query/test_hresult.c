/* Tests of the WU_E_* table (common/hresult.c): known codes resolve, the
 * table is sorted (every entry is reachable by the binary search) and
 * unknown codes give NULL. */
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
	assert_null(wl_hresult_name(0));
	assert_null(wl_hresult_name(0x80072EE2u)); /* Win32, not WU */
	assert_null(wl_hresult_name(0x80244014u)); /* a gap in wuerror.h */
	assert_null(wl_hresult_name(0xFFFFFFFFu));
}

/* All entries lie in 0x0024xxxx (WU_S_) or 0x8024xxxx (WU_E_). A lookup of
 * every code there finds each entry exactly once only if the table is
 * sorted and has no duplicate codes; names must look like symbols. */
static void test_sorted_and_complete(void **state)
{
	(void)state;
	unsigned found = 0;
	static const uint32_t bases[] = {0x00240000u, 0x80240000u};
	for (size_t b = 0; b < 2; b++) {
		for (uint32_t low = 0; low <= 0xFFFFu; low++) {
			const char *n = wl_hresult_name(bases[b] | low);
			if (!n)
				continue;
			found++;
			assert_true(strncmp(n, b == 0 ? "WU_S_" : "WU_E_", 5) == 0);
		}
	}
	assert_int_equal(found, wl_hresult_count());
	assert_true(wl_hresult_count() >= 400); /* the full table, not a stub */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_sorted_and_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
