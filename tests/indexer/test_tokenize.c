/* Unit tests of the tokenizers (indexer/tokenize.h): header fields of the
 * classic, ETW and SoftwareDistribution.log formats, rejection of malformed
 * lines, per-line format sniffing and the civil-time conversion. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <stdio.h>

#include "../common/real_logs.h"
#include "tok_reference.h"
#include "tokenize.h"

#define LIT(s) (s), (sizeof(s) - 1)

static void assert_span(wl_span s, const char *want, size_t want_n)
{
	if (s.n != want_n || (want_n && memcmp(s.p, want, want_n) != 0))
		fail_msg("span \"%.*s\" (%zu bytes), want \"%s\" (%zu bytes)", (int)s.n,
		         s.p ? s.p : "", s.n, want, want_n);
}
#define ASSERT_SPAN(s, lit) assert_span((s), (lit), sizeof(lit) - 1)

/* The span lies inside line[0..n) (fields are views, never copies). */
static void assert_inside(wl_span s, const char *line, size_t n)
{
	if (s.n == 0)
		return;
	assert_true(s.p >= line && s.p + s.n <= line + n);
}

/* ---- wl_civil_to_us ---- */

static void civil_known_values(void **state)
{
	(void)state;
	assert_int_equal(wl_civil_to_us(1970, 1, 1, 0, 0, 0, 0), 0);
	assert_int_equal(wl_civil_to_us(1970, 1, 1, 0, 0, 1, 5), 1000005);
	assert_int_equal(wl_civil_to_us(2021, 8, 28, 11, 5, 7, 920000), INT64_C(1630148707920000));
	assert_int_equal(wl_civil_to_us(2000, 2, 29, 0, 0, 0, 0), INT64_C(951782400000000));
	assert_int_equal(wl_civil_to_us(2038, 1, 19, 3, 14, 7, 0), INT64_C(2147483647000000));
	assert_int_equal(wl_civil_to_us(2100, 3, 1, 0, 0, 0, 0), INT64_C(4107542400000000));
	assert_int_equal(wl_civil_to_us(2014, 1, 16, 18, 53, 54, 231000),
	                 INT64_C(1389898434231000));
	/* Consecutive days across a month end and a non-leap February. */
	assert_int_equal(wl_civil_to_us(2021, 3, 1, 0, 0, 0, 0) -
	                     wl_civil_to_us(2021, 2, 28, 0, 0, 0, 0),
	                 INT64_C(86400000000));
	assert_int_equal(wl_civil_to_us(2024, 3, 1, 0, 0, 0, 0) -
	                     wl_civil_to_us(2024, 2, 28, 0, 0, 0, 0),
	                 INT64_C(2) * 86400000000);
}

/* ---- classic ---- */

static void classic_tab_line(void **state)
{
	(void)state;
	static const char line[] =
	    "2021-08-28\t11:05:07:920\t 576\ta70\tMisc\t"
	    "===========  Logging initialized (build: 7.6.7600.256, tz: +0530)  ===========";
	wl_fields f;
	assert_true(wl_tok_classic(LIT(line), &f));
	assert_int_equal(f.ts_us, INT64_C(1630148707920000));
	assert_int_equal(f.pid, 576);
	assert_int_equal(f.tid, 0xa70);
	ASSERT_SPAN(f.component, "Misc");
	ASSERT_SPAN(
	    f.message,
	    "===========  Logging initialized (build: 7.6.7600.256, tz: +0530)  ===========");
	assert_inside(f.message, line, sizeof line - 1);
	assert_int_equal(f.level.n, 0);
	assert_int_equal(f.process.n, 0);
}

static void classic_padded_pid_tid(void **state)
{
	(void)state;
	static const char line[] = "2021-09-03\t18:28:07:640\t 716\t a0\tReport\tCWERReporter "
	                           "finishing event handling. (00000000)";
	wl_fields f;
	assert_true(wl_tok_classic(LIT(line), &f));
	assert_int_equal(f.pid, 716);
	assert_int_equal(f.tid, 0xa0);
	ASSERT_SPAN(f.component, "Report");
	ASSERT_SPAN(f.message, "CWERReporter finishing event handling. (00000000)");
	assert_int_equal(f.ts_us, wl_civil_to_us(2021, 9, 3, 18, 28, 7, 640000));

	static const char wide[] = "2016-10-19\t11:23:47:375\t1532\t13bc\tAgent\t  * Online = Yes";
	assert_true(wl_tok_classic(LIT(wide), &f));
	assert_int_equal(f.pid, 1532);
	assert_int_equal(f.tid, 0x13bc);
	ASSERT_SPAN(f.message, "  * Online = Yes"); /* leading blanks are message */
}

static void classic_message_with_tabs(void **state)
{
	(void)state;
	static const char line[] =
	    "2016-10-19\t14:24:01:200\t1532\taa4\tReport\tREPORT EVENT: "
	    "{CA27992C-3791-43CF-8ED3-18B05939AB84}\t2016-10-19 14:23:56:200-0600\t1\t181\t101\t"
	    "{37EA312C-2424-4158-B30F-E614AA28DA4A}\t501\t0\twusa\tSuccess\tContent Install\t"
	    "Installation Started: Windows successfully started the following update";
	static const char msg[] =
	    "REPORT EVENT: {CA27992C-3791-43CF-8ED3-18B05939AB84}\t2016-10-19 "
	    "14:23:56:200-0600\t1\t"
	    "181\t101\t{37EA312C-2424-4158-B30F-E614AA28DA4A}\t501\t0\twusa\tSuccess\tContent "
	    "Install\tInstallation Started: Windows successfully started the following update";
	wl_fields f;
	assert_true(wl_tok_classic(LIT(line), &f));
	assert_int_equal(f.tid, 0xaa4);
	ASSERT_SPAN(f.component, "Report");
	ASSERT_SPAN(f.message, msg);
	assert_true(f.message.p + f.message.n == line + sizeof line - 1);
}

static void classic_empty_message(void **state)
{
	(void)state;
	static const char line[] = "2016-10-19\t14:24:02:590\t8904\t18a8\tHandler\t";
	wl_fields f;
	assert_true(wl_tok_classic(LIT(line), &f));
	ASSERT_SPAN(f.component, "Handler");
	assert_int_equal(f.message.n, 0);
}

static void classic_time_without_ms(void **state)
{
	(void)state;
	static const char line[] =
	    "2004-06-01\t10:00:59\t1234\t 1f\tAU\tAU finished delayed initialization";
	wl_fields f;
	assert_true(wl_tok_classic(LIT(line), &f));
	assert_int_equal(f.ts_us, wl_civil_to_us(2004, 6, 1, 10, 0, 59, 0));
	assert_int_equal(f.tid, 0x1f);
	ASSERT_SPAN(f.component, "AU");
	ASSERT_SPAN(f.message, "AU finished delayed initialization");
}

static void classic_space_separated(void **state)
{
	(void)state;
	/* As printed in Microsoft's documentation (TABs turned into spaces). */
	static const char line[] =
	    "2015-10-30 17:12:54:073 880 1160 WS WARNING: Nws Failure: errorCode=0x803d0013";
	wl_fields f;
	assert_true(wl_tok_classic(LIT(line), &f));
	assert_int_equal(f.ts_us, INT64_C(1446225174073000));
	assert_int_equal(f.pid, 880);
	assert_int_equal(f.tid, 0x1160);
	ASSERT_SPAN(f.component, "WS");
	ASSERT_SPAN(f.message, "WARNING: Nws Failure: errorCode=0x803d0013");

	static const char pt[] = "2017-05-04 18:00:07:807 1676 117c PT +++++++++++ PT : "
	                         "Synchronizing server updates +++++++++++";
	assert_true(wl_tok_classic(LIT(pt), &f));
	assert_int_equal(f.tid, 0x117c);
	ASSERT_SPAN(f.component, "PT");
	ASSERT_SPAN(f.message, "+++++++++++ PT : Synchronizing server updates +++++++++++");
	assert_int_equal(wl_tok_sniff_line(LIT(pt)), WL_FMT_WU_CLASSIC);
}

static void classic_rejects_malformed(void **state)
{
	(void)state;
	wl_fields f;
	/* bad month */
	assert_false(wl_tok_classic(LIT("2021-13-28\t11:05:07:920\t 576\ta70\tMisc\tx"), &f));
	assert_false(wl_tok_classic(LIT("2021-00-28\t11:05:07:920\t 576\ta70\tMisc\tx"), &f));
	/* bad day, hour, minute */
	assert_false(wl_tok_classic(LIT("2021-08-32\t11:05:07:920\t 576\ta70\tMisc\tx"), &f));
	assert_false(wl_tok_classic(LIT("2021-08-28\t24:05:07:920\t 576\ta70\tMisc\tx"), &f));
	assert_false(wl_tok_classic(LIT("2021-08-28\t11:65:07:920\t 576\ta70\tMisc\tx"), &f));
	/* missing fields */
	assert_false(wl_tok_classic(LIT("2021-08-28\t11:05:07:920\t 576\ta70\tMisc"), &f));
	assert_false(wl_tok_classic(LIT("2021-08-28\t11:05:07:920\t 576"), &f));
	assert_false(wl_tok_classic(LIT("2021-08-28"), &f));
	assert_false(wl_tok_classic(LIT(""), &f));
	/* letters in the pid; a tid that is not hex */
	assert_false(wl_tok_classic(LIT("2021-08-28\t11:05:07:920\t 5x6\ta70\tMisc\tx"), &f));
	assert_false(wl_tok_classic(LIT("2021-08-28\t11:05:07:920\t 576\ta7g\tMisc\tx"), &f));
	/* ETW-style time with a '.' fraction, and '/' dates, are not classic */
	assert_false(wl_tok_classic(LIT("2021-08-28\t11:05:07.920\t 576\ta70\tMisc\tx"), &f));
	assert_false(wl_tok_classic(LIT("2021/08/28\t11:05:07:920\t 576\ta70\tMisc\tx"), &f));
	assert_false(wl_tok_classic(
	    LIT("2021-07-13 18:06:20.8989128 3752  3248  ComApi          * START *   Search"), &f));
	/* junk */
	assert_false(wl_tok_classic(LIT("   at Microsoft.UpdateServices.Internal.X()"), &f));
	assert_false(wl_tok_classic(LIT("Log file closed\tat\tsome\ttime\there\tnow"), &f));
}

/* ---- ETW ---- */

static void etw_slash_dates(void **state)
{
	(void)state;
	static const char line[] =
	    "2021/07/13 18:06:20.8989128 3752  3248  ComApi          "
	    "* START *   Search ClientId = CcmExec (cV = lsg8SRr0Xk+wqTGd.1.0.0)";
	wl_fields f;
	assert_true(wl_tok_etw(LIT(line), &f));
	assert_int_equal(f.ts_us, INT64_C(1626199580898912)); /* 7th digit dropped */
	assert_int_equal(f.pid, 3752);
	assert_int_equal(f.tid, 3248); /* decimal, not hex */
	ASSERT_SPAN(f.component, "ComApi");
	ASSERT_SPAN(f.message,
	            "* START *   Search ClientId = CcmExec (cV = lsg8SRr0Xk+wqTGd.1.0.0)");
	assert_inside(f.component, line, sizeof line - 1);
}

static void etw_dash_and_dot_dates(void **state)
{
	(void)state;
	static const char dash[] =
	    "2024-04-12 01:39:39.1677582 4972  12948 ProtocolTalker  TMI 0/142 bad core";
	wl_fields f;
	assert_true(wl_tok_etw(LIT(dash), &f));
	assert_int_equal(f.ts_us, INT64_C(1712885979167758));
	assert_int_equal(f.pid, 4972);
	assert_int_equal(f.tid, 12948);
	ASSERT_SPAN(f.component, "ProtocolTalker");
	ASSERT_SPAN(f.message, "TMI 0/142 bad core");

	static const char dot[] =
	    "2024.04.12 01:39:39.1677582 4972  12948 ProtocolTalker  TMI 0/142 bad core";
	wl_fields g;
	assert_true(wl_tok_etw(LIT(dot), &g));
	assert_int_equal(g.ts_us, f.ts_us);
	ASSERT_SPAN(g.message, "TMI 0/142 bad core");

	/* Mixed separators are not a date. */
	assert_false(wl_tok_etw(
	    LIT("2024-04/12 01:39:39.1677582 4972  12948 ProtocolTalker  TMI 0/142 bad core"), &g));
}

static void etw_fraction_digits(void **state)
{
	(void)state;
	wl_fields f;
	assert_true(
	    wl_tok_etw(LIT("2020/11/22 12:46:56.0287807 8668  1188  WebServices     x"), &f));
	assert_int_equal(f.ts_us, wl_civil_to_us(2020, 11, 22, 12, 46, 56, 28780));
	assert_true(
	    wl_tok_etw(LIT("2020/11/22 12:46:56.0000009 8668  1188  WebServices     x"), &f));
	assert_int_equal(f.ts_us, wl_civil_to_us(2020, 11, 22, 12, 46, 56, 0));
	assert_true(
	    wl_tok_etw(LIT("2020/11/22 12:46:56.9999999 8668  1188  WebServices     x"), &f));
	assert_int_equal(f.ts_us, wl_civil_to_us(2020, 11, 22, 12, 46, 56, 999999));
}

static void etw_wide_pid_tid(void **state)
{
	(void)state;
	static const char line[] =
	    "2024-04-12 13:41:21.1422927 123456 1234567 DownloadManager *FAILED* [80D03805] DO job";
	wl_fields f;
	assert_true(wl_tok_etw(LIT(line), &f));
	assert_int_equal(f.pid, 123456);
	assert_int_equal(f.tid, 1234567);
	ASSERT_SPAN(f.component, "DownloadManager"); /* exactly 15 wide */
	ASSERT_SPAN(f.message, "*FAILED* [80D03805] DO job");
}

static void etw_message_leading_spaces(void **state)
{
	(void)state;
	/* "Agent" padded to 15 columns + 1 separator; 4 more spaces belong to
	 * the message. */
	static const char line[] =
	    "2021/07/13 10:23:06.4186097 3696  4248  Agent               "
	    "Timer: 29A863E7-8609-4D1E-B7CD-5668F857F1DB, Expires 2021-06-10 13:08:51";
	wl_fields f;
	assert_true(wl_tok_etw(LIT(line), &f));
	ASSERT_SPAN(f.component, "Agent");
	ASSERT_SPAN(f.message,
	            "    Timer: 29A863E7-8609-4D1E-B7CD-5668F857F1DB, Expires 2021-06-10 13:08:51");

	static const char title[] = "2025/01/05 15:53:44.7024315 6052  8284  Agent             "
	                            "Title = Microsoft Defender";
	assert_true(wl_tok_etw(LIT(title), &f));
	ASSERT_SPAN(f.message, "  Title = Microsoft Defender");

	/* Component exactly 15 wide, then one space: nothing left over. */
	static const char dm[] = "2024-04-12 01:39:39.2576259 4972  12948 DownloadManager Download "
	                         "Manager got out of scope notification";
	assert_true(wl_tok_etw(LIT(dm), &f));
	ASSERT_SPAN(f.message, "Download Manager got out of scope notification");

	/* Component wider than the pad: one separator, the rest is message. */
	static const char wide[] =
	    "2024-04-12 01:39:39.2576259 4972  12948 SoftwareDistributionX  two spaces";
	assert_true(wl_tok_etw(LIT(wide), &f));
	ASSERT_SPAN(f.component, "SoftwareDistributionX");
	ASSERT_SPAN(f.message, " two spaces");
}

static void etw_rejects_malformed(void **state)
{
	(void)state;
	wl_fields f;
	/* bad month */
	assert_false(
	    wl_tok_etw(LIT("2021/13/13 10:23:06.3933718 3696  8172  Agent           msg"), &f));
	/* letters in the pid / tid */
	assert_false(
	    wl_tok_etw(LIT("2021/07/13 10:23:06.3933718 36a6  8172  Agent           msg"), &f));
	assert_false(
	    wl_tok_etw(LIT("2021/07/13 10:23:06.3933718 3696  81x2  Agent           msg"), &f));
	/* missing fields */
	assert_false(wl_tok_etw(LIT("2021/07/13 10:23:06.3933718 3696  8172  "), &f));
	assert_false(wl_tok_etw(LIT("2021/07/13 10:23:06.3933718 3696"), &f));
	assert_false(wl_tok_etw(LIT("2021/07/13 10:23:06.3933718"), &f));
	/* no fraction digits after the '.' */
	assert_false(
	    wl_tok_etw(LIT("2021/07/13 10:23:06. 3696  8172  Agent           message text"), &f));
	/* classic (TAB) lines and junk */
	assert_false(
	    wl_tok_etw(LIT("2021-08-28\t11:05:07:920\t 576\ta70\tMisc\tsome message text"), &f));
	assert_false(
	    wl_tok_etw(LIT("WS error: <detail><ErrorCode>InvalidParameters</ErrorCode>"), &f));
	assert_false(wl_tok_etw(LIT(""), &f));
}

/* ---- SoftwareDistribution.log ---- */

static void sdist_tab_header(void **state)
{
	(void)state;
	static const char line[] =
	    "2014-01-16 18:53:54.231 UTC\tChange\tw3wp.58\t"
	    "AdminDataAccess.StartSubscriptionManually\tSynchronization manually started";
	wl_fields f;
	assert_true(wl_tok_sdist_is_header(LIT(line)));
	assert_true(wl_tok_sdist(LIT(line), &f));
	assert_int_equal(f.ts_us, INT64_C(1389898434231000));
	ASSERT_SPAN(f.level, "Change");
	ASSERT_SPAN(f.process, "w3wp.58");
	ASSERT_SPAN(f.component, "AdminDataAccess.StartSubscriptionManually");
	ASSERT_SPAN(f.message, "Synchronization manually started");
	assert_int_equal(f.pid, 0);
	assert_int_equal(f.tid, 0);
}

static void sdist_space_header(void **state)
{
	(void)state;
	static const char line[] = "2014-01-16 18:53:56.168 UTC  Info         WsusService.15 "
	                           "EventLogEventReporter.ReportEvent  "
	                           "EventId=382,Type=Information,Category=Synchronization,Message="
	                           "A manual synchronization was started.";
	wl_fields f;
	assert_true(wl_tok_sdist(LIT(line), &f));
	assert_int_equal(f.ts_us, wl_civil_to_us(2014, 1, 16, 18, 53, 56, 168000));
	ASSERT_SPAN(f.level, "Info");
	ASSERT_SPAN(f.process, "WsusService.15");
	ASSERT_SPAN(f.component, "EventLogEventReporter.ReportEvent");
	ASSERT_SPAN(f.message,
	            "EventId=382,Type=Information,Category=Synchronization,Message=A manual "
	            "synchronization was started.");

	static const char err[] =
	    "2019-02-01 10:00:00.000 UTC Error WsusService.25 SoapUtilities.LogException USS "
	    "ThrowException: Actor = https://fe2.update.microsoft.com/v6/ServerSyncWebService/"
	    "ServerSyncWebService.asmx, Method = \"x\", ID=a, ErrorCode=InternalServerError, "
	    "Message=";
	assert_true(wl_tok_sdist(LIT(err), &f));
	ASSERT_SPAN(f.level, "Error");
	ASSERT_SPAN(f.component, "SoapUtilities.LogException");
	assert_true(f.message.n > 4 && memcmp(f.message.p, "USS ThrowException:", 19) == 0);
}

static void sdist_rejects_malformed(void **state)
{
	(void)state;
	wl_fields f;
	/* continuation lines are not headers */
	assert_false(wl_tok_sdist_is_header(
	    LIT("   at Microsoft.UpdateServices.Internal.SoapUtilities.LogException(SoapException "
	        "e)")));
	assert_false(wl_tok_sdist(LIT("   at System.Threading.ThreadHelper.ThreadStart()"), &f));
	/* no "UTC" */
	assert_false(wl_tok_sdist(LIT("2014-01-16 18:53:54.231 Change w3wp.58 A.B msg"), &f));
	/* bad month */
	assert_false(wl_tok_sdist(LIT("2014-14-16 18:53:54.231 UTC Change w3wp.58 A.B msg"), &f));
	/* missing level/process */
	assert_false(wl_tok_sdist(LIT("2014-01-16 18:53:54.231 UTC"), &f));
	assert_false(wl_tok_sdist(LIT("2014-01-16 18:53:54.231 UTC Info"), &f));
	/* placeholder dates of the documentation */
	assert_false(wl_tok_sdist(LIT("<Date> <Time> Error WsusService.25 X.Y msg"), &f));
}

/* ---- sniffing ---- */

static void sniff_each_format(void **state)
{
	(void)state;
	assert_int_equal(
	    wl_tok_sniff_line(LIT("2021-08-28\t11:05:07:920\t 576\ta70\tMisc\t  = Process: x")),
	    WL_FMT_WU_CLASSIC);
	assert_int_equal(
	    wl_tok_sniff_line(LIT("2021/07/13 10:23:06.3933718 3696  8172  Agent           "
	                          "Fill Empty Content Urls: No")),
	    WL_FMT_WU_ETW);
	assert_int_equal(
	    wl_tok_sniff_line(LIT("2024-04-12 01:39:39.2569610 4972  12948 ProtocolTalker  "
	                          "SyncUpdates round trips: 2")),
	    WL_FMT_WU_ETW);
	assert_int_equal(
	    wl_tok_sniff_line(LIT("2014-01-16 18:53:54.231 UTC\tChange\tw3wp.58\t"
	                          "AdminDataAccess.StartSubscriptionManually\tstarted")),
	    WL_FMT_SDIST);
	assert_int_equal(
	    wl_tok_sniff_line(LIT("2014-01-16 18:55:06.307 UTC Info WsusService.31 "
	                          "CatalogSyncAgent.SetSubscriptionStateWithRetry Firing")),
	    WL_FMT_SDIST);
	/* A line that still carries a UTF-8 BOM. */
	assert_int_equal(
	    wl_tok_sniff_line(LIT("\xEF\xBB\xBF"
	                          "2025/01/04 14:44:39.7026250 6212  6960  "
	                          "Agent           Service 7971F918 is in sequential scan list")),
	    WL_FMT_WU_ETW);
}

static void sniff_web_config(void **state)
{
	(void)state;
	assert_int_equal(wl_tok_sniff_line(LIT("<configuration>")), WL_FMT_WEBCONFIG);
	assert_int_equal(wl_tok_sniff_line(LIT("  \t<configuration xmlns=\"urn:x\">")),
	                 WL_FMT_WEBCONFIG);
	assert_int_equal(wl_tok_sniff_line(LIT("<?xml version=\"1.0\" encoding=\"utf-8\"?>")),
	                 WL_FMT_UNKNOWN);
	assert_int_equal(wl_tok_sniff_line(LIT("<configuratio")), WL_FMT_UNKNOWN);
	assert_int_equal(wl_tok_sniff_line(LIT("</configuration>")), WL_FMT_UNKNOWN);
}

static void sniff_non_log_text(void **state)
{
	(void)state;
	assert_int_equal(wl_tok_sniff_line(LIT("")), WL_FMT_UNKNOWN);
	assert_int_equal(wl_tok_sniff_line(LIT("hello world")), WL_FMT_UNKNOWN);
	assert_int_equal(wl_tok_sniff_line(LIT("#Fields: date time s-ip cs-method cs-uri-stem")),
	                 WL_FMT_UNKNOWN);
	assert_int_equal(
	    wl_tok_sniff_line(LIT("2019-05-02 10:11:12 10.0.0.1 POST /ClientWebService/"
	                          "Client.asmx - 8530 - 10.0.0.9 Windows-Update-Agent 200 0 0 42")),
	    WL_FMT_UNKNOWN);
	assert_int_equal(wl_tok_sniff_line(LIT("<?xml version=\"1.0\" encoding=\"utf-8\"?>")),
	                 WL_FMT_UNKNOWN);
	assert_int_equal(
	    wl_tok_sniff_line(LIT("   at System.Threading.ThreadHelper.ThreadStart()")),
	    WL_FMT_UNKNOWN);
	assert_int_equal(wl_tok_sniff_line(LIT("\xEF\xBB\xBF")), WL_FMT_UNKNOWN);
	assert_int_equal(wl_tok_sniff_line(LIT("2021-08-28")), WL_FMT_UNKNOWN);
}

/* Fields never read past n (ASan sees an exact-size heap copy). */
static void no_read_past_end(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "2021-08-28\t11:05:07:920\t 576\ta70\tMisc\t",
	    "2021-08-28\t11:05:07:920\t 576\ta70\tMisc",
	    "2021-08-28\t11:05:07",
	    "2021/07/13 10:23:06.3933718 3696  8172  Agent",
	    "2021/07/13 10:23:06.3933718 3696  8172  Agent           ",
	    "2021/07/13 10:23:06.3933718 3696  8172  AgentComponentLongerThan15",
	    "2021/07/13 10:23:06.39337",
	    "2014-01-16 18:53:54.231 UTC Info w3wp.58",
	    "2014-01-16 18:53:54.231 UTC Info w3wp.58 A.B",
	    "2014-01-16 18:53:54.",
	    "2014-01-16 18:53:54",
	};
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		size_t n = strlen(lines[i]);
		for (size_t k = 0; k <= n; k++) {
			char *copy = malloc(k ? k : 1);
			assert_non_null(copy);
			memcpy(copy, lines[i], k);
			wl_fields f;
			if (wl_tok_classic(copy, k, &f) || wl_tok_etw(copy, k, &f) ||
			    wl_tok_sdist(copy, k, &f)) {
				assert_inside(f.message, copy, k);
				assert_inside(f.component, copy, k);
			}
			(void)wl_tok_sniff_line(copy, k);
			(void)wl_tok_sdist_is_header(copy, k);
			free(copy);
		}
	}
}

/* ---- the fast paths against the code they replaced (tok_reference.c) ---- */

static unsigned long long g_checked;

static void same_span(const char *what, wl_span a, wl_span b, const char *line, size_t n)
{
	if (a.n != b.n || (a.n && a.p != b.p))
		fail_msg("%s differs from the reference (%zu vs %zu bytes) on \"%.*s\"", what, a.n,
		         b.n, (int)(n < 120 ? n : 120), line);
}

static void same_fields(const char *tok, bool ok, bool want, const wl_fields *a, const wl_fields *b,
                        const char *line, size_t n)
{
	g_checked++;
	if (ok != want)
		fail_msg("%s: %s, reference %s, on \"%.*s\" (%zu bytes)", tok,
		         ok ? "accepted" : "rejected", want ? "accepted" : "rejected",
		         (int)(n < 120 ? n : 120), line, n);
	if (!ok)
		return;
	if (a->ts_us != b->ts_us || a->pid != b->pid || a->tid != b->tid)
		fail_msg("%s: time/pid/tid %lld/%u/%u, reference %lld/%u/%u, on \"%.*s\"", tok,
		         (long long)a->ts_us, a->pid, a->tid, (long long)b->ts_us, b->pid, b->tid,
		         (int)(n < 120 ? n : 120), line);
	same_span("component", a->component, b->component, line, n);
	same_span("level", a->level, b->level, line, n);
	same_span("process", a->process, b->process, line, n);
	same_span("message", a->message, b->message, line, n);
}

/* All three tokenizers on an exact-size heap copy (ASan sees over-reads). */
static void check_line(const char *line, size_t n)
{
	char *c = malloc(n ? n : 1);
	assert_non_null(c);
	memcpy(c, line, n);
	wl_fields a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	bool x = wl_tok_classic(c, n, &a), y = ref_tok_classic(c, n, &b);
	same_fields("classic", x, y, &a, &b, c, n);
	x = wl_tok_etw(c, n, &a);
	y = ref_tok_etw(c, n, &b);
	same_fields("etw", x, y, &a, &b, c, n);
	x = wl_tok_sdist(c, n, &a);
	y = ref_tok_sdist(c, n, &b);
	same_fields("sdist", x, y, &a, &b, c, n);
	free(c);
}

/* Every line of every real log, with and without its CR. */
static void fast_paths_match_reference_on_real_logs(void **state)
{
	(void)state;
	const char *dir = WL_SHARED_DIR "/real-logs";
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s", dir);
	unsigned files = 0;
	g_checked = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		size_t ln = strlen(e->d_name);
		if (ln < 5 || strcmp(e->d_name + ln - 4, ".log") != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		long sz = ftell(f);
		fseek(f, 0, SEEK_SET);
		char *buf = malloc((size_t)sz + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)sz, f), (size_t)sz);
		fclose(f);
		for (size_t s = 0, i = 0; i <= (size_t)sz; i++) {
			if (i == (size_t)sz || buf[i] == '\n') {
				size_t n = i - s;
				check_line(buf + s, n);
				if (n && buf[s + n - 1] == '\r')
					check_line(buf + s, n - 1);
				s = i + 1;
			}
		}
		free(buf);
		files++;
	}
	closedir(d);
	assert_true(files >= 7);
	assert_true(g_checked > 100000);
}

/* Lines of each format, with the field boundaries moved about (so that TABs
 * and blanks fall on both sides of the 16- and 64-byte vector loads), cut at
 * every length and with single bytes replaced at every position of the
 * header by characters that matter to the grammars. */
static void fast_paths_match_reference_on_mutations(void **state)
{
	(void)state;
	static const char *const base[] = {
	    "2021-08-28\t11:05:07:920\t 576\ta70\tMisc\tWARNING: a message\tWith a tab",
	    "2021-08-28\t11:05:07:920\t576\t   a70\tAgentComponentLong\t* END * Finding updates",
	    "2021-08-28 11:05:07:920  576  a70 Misc   space separated message",
	    "2021-08-28\t11:05:07\t  576\ta70\t\tno component",
	    "2016/01/11 10:22:19.6660751 1004  2616  Agent           * END * Finding updates",
	    "2016.01.11 10:22:19.6 1004  2616  Agent    x",
	    "2016-01-11 10:22:19.123456789 4294967295 99999 ComponentLongerThan15 msg",
	    "2016/01/11 10:22:19 1004  2616  Agent           no fraction",
	    "2026-03-24 23:52:07.455 UTC\tInfo\tWsusService.38\tEventLogEventReporter.ReportEvent"
	    "\tEventId=12022,Type=Information",
	    "2026-03-24 23:52:07.455 UTC    Error   w3wp.5  ClientImplementation.SyncUpdates"
	    "   ThrowException: actor = http://srv/ClientWebService/client.asmx, ID=x",
	    "2026-03-24 23:52:07 UTC Info p.1 M.N message",
	    "2026-03-24 23:52:07.455 UTC\tInfo\tAVeryLongProcessNameThatCrossesSixteen.38\t"
	    "AClassWithAVeryLongName.AndAnEvenLongerMethodNameThanThat\tmsg",
	};
	static const char repl[] = " \t09:/-.aFZ\r\n*";
	char buf[512];
	for (size_t b = 0; b < sizeof base / sizeof *base; b++) {
		for (int pad = 0; pad < 40; pad++) {
			/* Widen the field after the time by pad spaces (leading
			 * blanks every grammar skips or trims there). */
			const char *src = base[b];
			size_t sn = strlen(src), at = 0;
			while (at < sn && at < 24 && src[at] != '\t' && src[at] != ' ')
				at++;
			at++;
			while (at < sn && src[at] != '\t' && src[at] != ' ')
				at++;
			at += at < sn;
			size_t n = 0;
			memcpy(buf, src, at);
			n = at;
			for (int k = 0; k < pad; k++)
				buf[n++] = ' ';
			memcpy(buf + n, src + at, sn - at);
			n += sn - at;
			for (size_t k = 0; k <= n; k++)
				check_line(buf, k);
			for (size_t i = 0; i < n && i < 100; i++) {
				char keep = buf[i];
				for (size_t r = 0; r < sizeof repl - 1; r++) {
					buf[i] = repl[r];
					check_line(buf, n);
				}
				buf[i] = keep;
			}
		}
	}
	/* Random lines from the same alphabet: rarely valid, often nearly. */
	uint64_t x = 0x9E3779B97F4A7C15u;
	static const char alpha[] = "0123456789 \t:/-.UTCab";
	for (int t = 0; t < 20000; t++) {
		size_t n = 0, len;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		len = (size_t)(x % 120);
		/* Start from a valid date and time most of the time. */
		const char *head =
		    (x >> 20) & 1 ? "2021-08-28\t11:05:07:920\t" : "2016/01/11 10:22:19.";
		if ((x >> 21) % 4) {
			n = strlen(head);
			memcpy(buf, head, n);
		}
		while (n < len + 20) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[n++] = alpha[x % (sizeof alpha - 1)];
		}
		check_line(buf, n);
	}
}

/* Two CTest tests: test_tokenize (no argument) and test_tokenize_reallogs
 * ("--real-logs", the one case that reads ../shared/real-logs, skipped
 * where that is missing), so a clone on its own still runs the rest. */
int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--real-logs") == 0) {
		wl_need_real_logs("test_tokenize_reallogs", WL_SHARED_DIR "/real-logs");
		const struct CMUnitTest real[] = {
		    cmocka_unit_test(fast_paths_match_reference_on_real_logs),
		};
		return cmocka_run_group_tests(real, NULL, NULL);
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(civil_known_values),
	    cmocka_unit_test(classic_tab_line),
	    cmocka_unit_test(classic_padded_pid_tid),
	    cmocka_unit_test(classic_message_with_tabs),
	    cmocka_unit_test(classic_empty_message),
	    cmocka_unit_test(classic_time_without_ms),
	    cmocka_unit_test(classic_space_separated),
	    cmocka_unit_test(classic_rejects_malformed),
	    cmocka_unit_test(etw_slash_dates),
	    cmocka_unit_test(etw_dash_and_dot_dates),
	    cmocka_unit_test(etw_fraction_digits),
	    cmocka_unit_test(etw_wide_pid_tid),
	    cmocka_unit_test(etw_message_leading_spaces),
	    cmocka_unit_test(etw_rejects_malformed),
	    cmocka_unit_test(sdist_tab_header),
	    cmocka_unit_test(sdist_space_header),
	    cmocka_unit_test(sdist_rejects_malformed),
	    cmocka_unit_test(sniff_each_format),
	    cmocka_unit_test(sniff_web_config),
	    cmocka_unit_test(sniff_non_log_text),
	    cmocka_unit_test(no_read_past_end),
	    cmocka_unit_test(fast_paths_match_reference_on_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
