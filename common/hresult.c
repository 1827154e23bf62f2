/* HRESULT names: the (value, symbol) facts of public Windows SDK headers,
 * generated into hresult_table.inc by scripts/gen-hresult-table (which says
 * which headers and which name wins where several name one code). Sorted by
 * code for a binary search; test_hresult checks the order, since an
 * unsorted entry would silently be unreachable. */
#include "wsuslog/hresult.h"

#include <stddef.h>
#include <stdio.h>

typedef struct hr_entry {
	uint32_t code;
	const char *name;
} hr_entry;

#include "hresult_table.inc"

#define HR_COUNT (sizeof hr_table / sizeof hr_table[0])
#define HR_NFACILITIES (sizeof hr_facilities / sizeof hr_facilities[0])

/* winerror.h's FACILITY_NT_BIT: HRESULT_FROM_NT(status) = status | N bit. */
#define HR_NT_BIT 0x10000000u

static const char *find(const hr_entry *t, size_t n, uint32_t code)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && t[lo].code == code)
		return t[lo].name;
	return NULL;
}

const char *wl_hresult_name(uint32_t code)
{
	return find(hr_table, HR_COUNT, code);
}

const char *wl_hresult_facility_name(unsigned facility)
{
	return find(hr_facilities, HR_NFACILITIES, facility);
}

const char *wl_hresult_describe(uint32_t code, char *buf, size_t cap)
{
	const char *name = wl_hresult_name(code);
	if (name)
		return name;
	if (cap == 0)
		return "";
	/* An HRESULT_FROM_NT: the NTSTATUS it wraps says more than its bits
	 * 16..28 as a facility would (they hold the N bit). */
	if (code & HR_NT_BIT) {
		snprintf(buf, cap, "HRESULT_FROM_NT 0x%08X", (unsigned)(code & ~HR_NT_BIT));
		return buf;
	}
	/* winerror.h: HRESULT_FACILITY is bits 16..28, HRESULT_CODE the low 16. */
	unsigned facility = (code >> 16) & 0x1FFFu, low = code & 0xFFFFu;
	const char *fname = wl_hresult_facility_name(facility);
	if (fname)
		snprintf(buf, cap, "%s 0x%x", fname, low);
	else
		snprintf(buf, cap, "FACILITY_0x%x 0x%x", facility, low);
	return buf;
}

unsigned wl_hresult_count(void)
{
	return (unsigned)HR_COUNT;
}

uint32_t wl_hresult_code_at(unsigned i)
{
	return i < HR_COUNT ? hr_table[i].code : 0;
}
