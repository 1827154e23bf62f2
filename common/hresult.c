/* WU_E_* table: placeholder until the generated table lands. */
#include "wsuslog/hresult.h"

const char *wl_hresult_name(uint32_t code)
{
	return code == 0x80244007u ? "WU_E_PT_SOAPCLIENT_SOAPFAULT" : 0;
}

unsigned wl_hresult_count(void)
{
	return 1;
}
