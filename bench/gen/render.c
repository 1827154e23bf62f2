/* wsuslog-gen: renders one log file in time order, day by day. Each day's
 * anchors (service start, scans, server fault entries, the server's sync)
 * come from the planner; noise fills the gaps between them up to the file's
 * byte budget. Fault lines are written at the planned instant and recorded
 * in the fault table with the time exactly as rendered (truth). */
#include "gen.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- block templates: ETW (Windows 10/11) ------------------------------ */

static const char etw_init[] =
    "Shared|* START * Service startup\n"
    "Shared|Registering proxy/stubs.\n"
    "^Agent|WU client version $V\n"
    "=Agent|Base directory: C:\\WINDOWS\\SoftwareDistribution\n"
    "=Agent|Datastore directory: C:\\WINDOWS\\SoftwareDistribution\\DataStore\\DataStore.edb\n"
    "Misc|Network state: Connected\n"
    "Agent|Initializing global settings cache\n"
    "=Agent|WSUS server: $W$O\n"
    "=Agent|WSUS status server: $W\n"
    "=Agent|Alternate Download Server: (null)\n"
    "=Agent|Fill Empty Content Urls: No\n"
    "=Agent|Target group: (Unassigned Computers)\n"
    "=Agent|Windows Update access disabled: No\n"
    "=Agent|Do not connect to Windows Update Internet locations: No\n"
    "Agent|Initializing Windows Update Agent";

static const char etw_newid[] = "Agent|Created new random SusClientId $C. Old Id: none.";

static const char etw_pre[] =
    "*ComApi|* START *   Search ClientId = $R, ServiceId = 3DA21691-E39D-4DA6-8A4B-B43877BCB1B7, "
    "Flags: 0X10050$X\n"
    "IdleTimer|WU operation (CSearchCall::Init ID $i) started; operation # $o; does use network; "
    "is not at background priority\n"
    "Agent|* START * Queueing Finding updates [CallerId = $R  Id = $i]\n"
    "Agent|* END * Queueing Finding updates [CallerId = $R  Id = $i]\n"
    "Agent|* START * Finding updates CallerId = $R  Id = $i$X\n"
    "=Agent|Online = Yes; Interactive = No; AllowCachedResults = No; Ignore download priority = "
    "No\n"
    "=Agent|Criteria = $K\n"
    "=Agent|ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed\n"
    "=Agent|Search Scope = {Machine}\n"
    "=Agent|Caller SID for Applicability: S-1-5-18\n"
    "^Misc|Got WSUS Client/Server URL: $U\"\"\n"
    "ProtocolTalker|ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = $U\n"
    "=ProtocolTalker|OK to reuse existing configuration";

static const char etw_cookie[] =
    "ProtocolTalker|Cached cookie has expired or new PID is available\n"
    "Misc|Got WSUS SimpleTargeting URL: $W\"\"\n"
    "IdleTimer|WU operation (CAuthorizationCookieWrapper::InitializeSimpleTargetingCookie) "
    "started; operation # $o; does use network; is at background priority\n"
    "=ProtocolTalker|Initializing simple targeting cookie, clientId = $C, target group = , DNS "
    "name = $H\n"
    "=ProtocolTalker|  Server URL = $S\n"
    "IdleTimer|WU operation (CAuthorizationCookieWrapper::InitializeSimpleTargetingCookie, "
    "operation # $p) stopped; does use network; is at background priority\n"
    "IdleTimer|WU operation (CAgentProtocolTalker::GetCookie_WithRecovery) started; operation # "
    "$o; does use network; is at background priority\n"
    "IdleTimer|WU operation (CAgentProtocolTalker::GetCookie_WithRecovery, operation # $p) "
    "stopped; does use network; is at background priority";

static const char etw_nocookie[] = "=ProtocolTalker|Existing cookie is valid, just use it";

static const char etw_sync_start[] =
    "IdleTimer|WU operation (CAgentProtocolTalker::SyncUpdates_WithRecover) started; operation # "
    "$o; does use network; is at background priority";

static const char etw_fault[] =
    "=WebServices|WS error: The body of the received message contained a fault.\n"
    "=WebServices|WS error: Fault occurred\n"
    "=WebServices|WS Error code: Client\n"
    "=#WebServices|WS error: "
    "<detail><ErrorCode>$E</ErrorCode><Message>$M</Message><ID>$F</ID><Method>$Lhttp://"
    "www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"</Method></"
    "detail>\"";

static const char etw_fail_tail[] =
    "IdleTimer|WU operation (CAgentProtocolTalker::SyncUpdates_WithRecover, operation # $p) "
    "stopped; does use network; is at background priority\n"
    "ProtocolTalker|SyncUpdates round trips: $J\n"
    "=ProtocolTalker|*FAILED* [80244007] SyncUpdates_WithRecovery failed\n"
    "=ProtocolTalker|*FAILED* [80244007] Sync of Updates\n"
    "ProtocolTalker|*FAILED* [80244007] SyncServerUpdatesInternal failed\n"
    "Agent|*FAILED* [80244007] Synchronize\n"
    "Agent|* END * Finding updates CallerId = $R, Id = $i, Exit code = 0x80244007$X\n"
    "IdleTimer|WU operation (CSearchCall::Init ID $i, operation # $p) stopped; does use network; "
    "is not at background priority\n"
    "*ComApi|*RESUMED*   Search ClientId = $R, ServiceId = 3DA21691-E39D-4DA6-8A4B-B43877BCB1B7$X\n"
    "=*ComApi|* END *   Search ClientId = $R, Updates found = 0, ServiceId = "
    "3DA21691-E39D-4DA6-8A4B-B43877BCB1B7$X";

static const char etw_recover[] =
    "ProtocolTalker|PT: Calling GetConfig on server\n"
    "=IdleTimer|WU operation (CAgentProtocolTalker::GetConfig_WithRecovery) started; operation # "
    "$o; does use network; is at background priority\n"
    "IdleTimer|WU operation (CAgentProtocolTalker::GetConfig_WithRecovery, operation # $p) "
    "stopped; does use network; is at background priority\n"
    "ProtocolTalker|PT: Service supports GetConfig2, Calling GetConfig2 on server\n"
    "=IdleTimer|WU operation (CAgentProtocolTalker::GetConfig2_WithRecovery) started; operation # "
    "$o; does use network; is at background priority\n"
    "IdleTimer|WU operation (CAgentProtocolTalker::GetConfig2_WithRecovery, operation # $p) "
    "stopped; does use network; is at background priority\n"
    "ProtocolTalker|PTWarn: Anonymous plug-in skipped for WU\n"
    "IdleTimer|WU operation (CAgentProtocolTalker::GetCookie_WithRecovery) started; operation # "
    "$o; does use network; is at background priority\n"
    "IdleTimer|WU operation (CAgentProtocolTalker::GetCookie_WithRecovery, operation # $p) "
    "stopped; does use network; is at background priority";

static const char etw_ok_tail[] =
    "IdleTimer|WU operation (CAgentProtocolTalker::SyncUpdates_WithRecover, operation # $p) "
    "stopped; does use network; is at background priority\n"
    "^ProtocolTalker|SyncUpdates round trips: $J\n"
    "^Agent|Found $P updates and $T categories in search; evaluated appl. rules of $Y out of $Z "
    "deployed entities\n"
    "Agent|* END * Finding updates CallerId = $R, Id = $i, Exit code = 0x00000000$X\n"
    "IdleTimer|WU operation (CSearchCall::Init ID $i, operation # $p) stopped; does use network; "
    "is not at background priority\n"
    "*ComApi|*RESUMED*   Search ClientId = $R, ServiceId = 3DA21691-E39D-4DA6-8A4B-B43877BCB1B7$X\n"
    "=*ComApi|* END *   Search ClientId = $R, Updates found = $P, ServiceId = "
    "3DA21691-E39D-4DA6-8A4B-B43877BCB1B7$X";

static const char etw_neterr[] =
    "=WebServices|WS error: There was an error communicating with the endpoint at '$U'.\n"
    "=WebServices|WS error: There was an error sending the HTTP request.\n"
    "=WebServices|*FAILED* [$h] Web service call\n"
    "IdleTimer|WU operation (CAgentProtocolTalker::SyncUpdates_WithRecover, operation # $p) "
    "stopped; does use network; is at background priority\n"
    "=ProtocolTalker|*FAILED* [$h] SyncUpdates_WithRecovery failed\n"
    "ProtocolTalker|*FAILED* [$h] Sync of Updates\n"
    "ProtocolTalker|*FAILED* [$h] SyncServerUpdatesInternal failed\n"
    "Agent|*FAILED* [$h] Synchronize\n"
    "Agent|* END * Finding updates CallerId = $R, Id = $i, Exit code = 0x$h$X\n"
    "IdleTimer|WU operation (CSearchCall::Init ID $i, operation # $p) stopped; does use network; "
    "is not at background priority\n"
    "*ComApi|*RESUMED*   Search ClientId = $R, ServiceId = 3DA21691-E39D-4DA6-8A4B-B43877BCB1B7$X\n"
    "=*ComApi|* END *   Search ClientId = $R, Updates found = 0, ServiceId = "
    "3DA21691-E39D-4DA6-8A4B-B43877BCB1B7$X";

/* ---- block templates: classic (Windows 7; 8.1 differs in the fault) ---- */

static const char cl_shutdown[] =
    "AU|AU initiates service shutdown\n"
    "AU|###########  AU: Uninitializing Automatic Updates  ###########\n"
    "Report|CWERReporter finishing event handling. (00000000)\n"
    "Service|*********\n"
    "=Service|**  END  **  Service: Service exit [Exit code = 0x240001]\n"
    "=Service|*************";

static const char cl_init[] =
    "Misc|===========  Logging initialized (build: $B, tz: $z)  ===========\n"
    "Misc|  = Process: C:\\Windows\\system32\\svchost.exe\n"
    "=Misc|  = Module: c:\\windows\\system32\\wuaueng.dll\n"
    "=Service|*************\n"
    "Service|** START **  Service: Service startup\n"
    "=Service|*********\n"
    "Agent|  * WU client version $B\n"
    "=Agent|  * Base directory: C:\\Windows\\SoftwareDistribution\n"
    "=Agent|  * Access type: No proxy\n"
    "Agent|  * Network state: Connected\n"
    "^Report|CWERReporter::Init succeeded\n"
    "=Agent|***********  Agent: Initializing Windows Update Agent  ***********\n"
    "Agent|***********  Agent: Initializing global settings cache  ***********\n"
    "=Agent|  * WSUS server: $W$O\n"
    "=Agent|  * WSUS status server: $W\n"
    "=Agent|  * Target group: (Unassigned Computers)\n"
    "=Agent|  * Windows Update access disabled: No\n"
    "DnldMgr|Download manager restoring 0 downloads\n"
    "AU|###########  AU: Initializing Automatic Updates  ###########\n"
    "=AU|  # WSUS server: $W\n"
    "=AU|  # Approval type: Scheduled (Policy)\n"
    "^Report|***********  Report: Initializing static reporting data  ***********\n"
    "Report|  * Computer Brand = $A\n"
    "=Report|  * Computer Model = $I\n"
    "AU|Successfully wrote event for AU health state:0\n"
    "=AU|AU finished delayed initialization";

/* First contact after the first service start: the reporter renews the
 * cookie, so a classic log names its SusClientId before its first scan. */
static const char cl_first[] =
    "^Report|Uploading 2 events using cached cookie, reporting URL = "
    "$W/ReportingWebService/ReportingWebService.asmx\n"
    "=PT|WARNING: Cached cookie has expired or new PID is available\n"
    "PT|Initializing simple targeting cookie, clientId = $C, target group = , DNS name = $H\n"
    "=PT|  Server URL = $S\n"
    "^Report|Reporter successfully uploaded 2 events.";

static const char cl_pre[] =
    "AU|#############\n"
    "=AU|## START ##  AU: Search for updates\n"
    "=AU|#########\n"
    "=AU|<<## SUBMITTED ## AU: Search for updates [CallId = {$0}]\n"
    "Agent|*************\n"
    "=Agent|** START **  Agent: Finding updates [CallerId = AutomaticUpdates]\n"
    "=Agent|*********\n"
    "=Agent|  * Online = Yes; Ignore download priority = No\n"
    "=Agent|  * Criteria = \"IsInstalled=0 and DeploymentAction='Installation' or IsPresent=1 and "
    "DeploymentAction='Uninstallation' or IsInstalled=1 and DeploymentAction='Installation' and "
    "RebootRequired=1 or IsInstalled=0 and DeploymentAction='Uninstallation' and "
    "RebootRequired=1\"\n"
    "=Agent|  * ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed\n"
    "=Agent|  * Search Scope = {Machine}\n"
    "EP|Got WSUS Client/Server URL: \"$U\"\n"
    "^PT|+++++++++++  PT: Synchronizing server updates  +++++++++++\n"
    "=PT|  + ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = $U";

static const char cl_cookie[] =
    "EP|Got WSUS SimpleTargeting URL: \"$W\"\n"
    "=PT|Initializing simple targeting cookie, clientId = $C, target group = , DNS name = $H\n"
    "=PT|  Server URL = $S";

static const char w8_sync_start[] =
    "IdleTmr|WU operation (CAgentProtocolTalker::SyncUpdates_WithRecover) started; operation # $o; "
    "does use network; is at background priority";

static const char w7_fault[] =
    "=PT|WARNING: SyncUpdates failure, error = 0x80244007, soap client error = 7, soap error code "
    "= 400, HTTP status code = 200\n"
    "=PT|WARNING: SOAP Fault: 0x000190\n"
    "=PT|WARNING: faultstring:Fault occurred\n"
    "=PT|WARNING: ErrorCode:$E($Q)\n"
    "=PT|WARNING: Message:$N\n"
    "=PT|WARNING: "
    "Method:\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"\n"
    "=#PT|WARNING: ID:$F\n"
    "=PT|WARNING: PTError: 0x80244007";

static const char w8_fault[] =
    "=WS|WARNING: Nws Failure: errorCode=0x803d0013\n"
    "=WS|WARNING: The body of the received message contained a fault.\n"
    "=WS|WARNING: Soap fault info:\n"
    "=WS|WARNING: reason: Fault occurred\n"
    "=WS|WARNING: code: Client\n"
    "=#WS|WARNING: detail: "
    "<detail><ErrorCode>$E</ErrorCode><Message>$M</Message><ID>$F</ID><Method>\"http://"
    "www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"</Method></"
    "detail>\n"
    "=#WS|WARNING: Soap fault detail: errorCode='$E', message='$M', id='$F', "
    "method='\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/"
    "SyncUpdates\"'\n"
    "=WS|FATAL: OnCallFailure failed with hr=0X80244007\n"
    "=PT|WARNING: PTError: 0x80244007";

static const char w8_sync_stop[] =
    "=IdleTmr|WU operation (CAgentProtocolTalker::SyncUpdates_WithRecover, operation # $p) "
    "stopped; does use network; is at background priority";

static const char cl_fail_tail[] =
    "=PT|WARNING: SyncUpdates_WithRecovery failed.: 0x80244007\n"
    "=PT|WARNING: Sync of Updates: 0x80244007\n"
    "=PT|WARNING: SyncServerUpdatesInternal failed: 0x80244007\n"
    "=Agent|  * WARNING: Failed to synchronize, error = 0x80244007\n"
    "=Agent|  * WARNING: Exit code = 0x80244007\n"
    "Agent|*********\n"
    "=Agent|**  END  **  Agent: Finding updates [CallerId = AutomaticUpdates]\n"
    "=Agent|*************\n"
    "=Agent|WARNING: WU client failed Searching for update with error 0x80244007\n"
    "AU|>>##  RESUMED  ## AU: Search for updates [CallId = {$0}]\n"
    "=AU|  # WARNING: Search callback failed, result = 0x80244007\n"
    "=AU|  # WARNING: Failed to find updates with error code 80244007\n"
    "=AU|#########\n"
    "=AU|##  END  ##  AU: Search for updates [CallId = {$0}]\n"
    "=AU|#############\n"
    "AU|Successfully wrote event for AU health state:0";

static const char cl_recover[] =
    "PT|WARNING: Server configuration changed, refreshing configuration (GetConfig)\n"
    "PT|+++++++++++  PT: Synchronizing server updates  +++++++++++\n"
    "=PT|  + ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = $U";

static const char cl_ok_tail[] =
    "^PT|+++++++++++  PT: Synchronizing extended update info  +++++++++++\n"
    "=PT|  + ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = $U\n"
    "^Agent|  * Found $P updates and $T categories in search; evaluated appl. rules of $Y out of "
    "$Z deployed entities\n"
    "Agent|*********\n"
    "=Agent|**  END  **  Agent: Finding updates [CallerId = AutomaticUpdates]\n"
    "=Agent|*************\n"
    "AU|>>##  RESUMED  ## AU: Search for updates [CallId = {$0}]\n"
    "=AU|  # $P updates detected\n"
    "=AU|#########\n"
    "=AU|##  END  ##  AU: Search for updates [CallId = {$0}]\n"
    "=AU|#############\n"
    "AU|Successfully wrote event for AU health state:0";

static const char cl_neterr[] =
    "=Misc|WARNING: Send failed with hr = $e.\n"
    "=Misc|WARNING: SendRequest failed with hr = $e. Proxy List used: <(null)> Bypass List used : "
    "<(null)> Auth Schemes used : <>\n"
    "=PT|WARNING: SyncUpdates failure, error = 0x$h, soap client error = 5, soap error code = 0, "
    "HTTP status code = 200\n"
    "=PT|WARNING: PTError: 0x$h\n"
    "=PT|WARNING: SyncUpdates_WithRecovery failed.: 0x$h\n"
    "=PT|WARNING: Sync of Updates: 0x$h\n"
    "=PT|WARNING: SyncServerUpdatesInternal failed: 0x$h\n"
    "=Agent|  * WARNING: Failed to synchronize, error = 0x$h\n"
    "=Agent|  * WARNING: Exit code = 0x$h\n"
    "Agent|*********\n"
    "=Agent|**  END  **  Agent: Finding updates [CallerId = AutomaticUpdates]\n"
    "=Agent|*************\n"
    "AU|>>##  RESUMED  ## AU: Search for updates [CallId = {$0}]\n"
    "=AU|  # WARNING: Search callback failed, result = 0x$h\n"
    "=AU|#########\n"
    "=AU|##  END  ##  AU: Search for updates [CallId = {$0}]\n"
    "=AU|#############";

/* ---- server entries ---------------------------------------------------- */

static const char srv_sync[] =
    "Info|WsusService.$w|EventLogEventReporter.ReportEvent|EventId=381,Type=Information,Category="
    "Synchronization,Message=A scheduled synchronization was started.\n"
    "Info|WsusService.$w|CatalogSyncAgentCore.ExecuteSyncProtocol|CatalogSyncAgent: Server ID is "
    "$4\n"
    "^Info|WsusService.$w|CatalogSyncAgentCore.ExecuteSyncProtocol|CatalogSyncAgent: Requesting "
    "updates from "
    "https://fe2.update.microsoft.com/v6/ServerSyncWebService/ServerSyncWebService.asmx";

static const char srv_sync_manual[] =
    "Change|w3wp.$w|AdminDataAccess.StartSubscriptionManually|Synchronization manually started\n"
    "^Info|WsusService.$w|EventLogEventReporter.ReportEvent|EventId=382,Type=Information,Category="
    "Synchronization,Message=A manual synchronization was started.\n"
    "Info|WsusService.$w|CatalogSyncAgentCore.ExecuteSyncProtocol|CatalogSyncAgent: Server ID is "
    "$4\n"
    "^Info|WsusService.$w|CatalogSyncAgentCore.ExecuteSyncProtocol|CatalogSyncAgent: Requesting "
    "updates from "
    "https://fe2.update.microsoft.com/v6/ServerSyncWebService/ServerSyncWebService.asmx";

static const char srv_sync_ok[] =
    "^Info|WsusService.$w|CatalogSyncAgentCore.UpdateSyncResultAndGarbageCollectCatalog|"
    "CatalogSyncAgent: Sync completed, $n updates received\n"
    "^Info|WsusService.$w|EventLogEventReporter.ReportEvent|EventId=384,Type=Information,Category="
    "Synchronization,Message=Synchronization completed successfully.\n"
    "=Info|WsusService.$w|CatalogSyncAgent.SetSubscriptionStateWithRetry|Firing event "
    "SyncFinish...";

static const char srv_uss[] =
    "=#Error|WsusService.$w|SoapUtilities.LogException|USS ThrowException: Actor = "
    "https://fe2.update.microsoft.com/v6/ServerSyncWebService/ServerSyncWebService.asmx, Method = "
    "\"http://www.microsoft.com/SoftwareDistribution/GetUpdateData\", ID=$F, "
    "ErrorCode=InternalServerError, Message=\n"
    ">   at Microsoft.UpdateServices.Internal.SoapUtilities.LogException(SoapException e)\n"
    ">   at "
    "Microsoft.UpdateServices.Internal.WebServiceCommunicationHelper."
    "ProcessWebServiceProxyException(SoapHttpClientProtocol& webServiceObject, Exception "
    "exceptionInfo)\n"
    ">   at "
    "Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.WebserviceGetUpdateData("
    "UpdateIdentity[] updateIds, List`1 allMetadata, List`1 allFileUrls, List`1& "
    "updatesWithSecureFileData, Boolean isForConfig)\n"
    ">   at "
    "Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.GetUpdateDataInChunksAndImport(List`"
    "1 neededUpdates, List`1 allMetadata, List`1 allFileUrls, Boolean isConfigData)\n"
    ">   at Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.ExecuteSyncProtocol(Boolean "
    "allowRedirect)\n"
    ">   at Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.CatalogSyncThreadProcess()\n"
    "^Info|WsusService.$w|EventLogEventReporter.ReportEvent|EventId=386,Type=Error,Category="
    "Synchronization,Message=Synchronization failed. Reason: The request failed with HTTP status "
    "500: Internal Server Error.\n"
    "=Info|WsusService.$w|CatalogSyncAgent.SetSubscriptionStateWithRetry|Firing event "
    "SyncFinish...";

static const char srv_throw[] =
    "=#Error|w3wp.$w|SoapUtilities.LogException|ThrowException: actor = $U, ID=$F, ErrorCode=$E, "
    "Message=$M, Client=$C\n"
    ">   at Microsoft.UpdateServices.Internal.SoapUtilities.ThrowException(ErrorCode errorCode, "
    "String message, String[] parameters)\n"
    ">   at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie, "
    "SyncUpdateParameters parameters)\n"
    ">   at Microsoft.UpdateServices.Internal.Client.SyncUpdates(Cookie cookie, "
    "SyncUpdateParameters parameters)\n"
    ">   at System.Web.Services.Protocols.LogicalMethodInfo.Invoke(Object target, Object[] "
    "values)\n"
    ">   at System.Web.Services.Protocols.WebServiceHandler.Invoke()\n"
    ">   at System.Web.Services.Protocols.WebServiceHandler.CoreProcessRequest()";

enum {
	T_ETW_INIT,
	T_ETW_NEWID,
	T_ETW_PRE,
	T_ETW_COOKIE,
	T_ETW_NOCOOKIE,
	T_ETW_SYNC,
	T_ETW_FAULT,
	T_ETW_FAIL,
	T_ETW_RECOVER,
	T_ETW_OK,
	T_ETW_NETERR,
	T_CL_SHUTDOWN,
	T_CL_INIT,
	T_CL_FIRST,
	T_CL_PRE,
	T_CL_COOKIE,
	T_W8_SYNC,
	T_W7_FAULT,
	T_W8_FAULT,
	T_W8_SYNC_STOP,
	T_CL_FAIL,
	T_CL_RECOVER,
	T_CL_OK,
	T_CL_NETERR,
	T_SRV_SYNC,
	T_SRV_SYNC_MANUAL,
	T_SRV_SYNC_OK,
	T_SRV_USS,
	T_SRV_THROW,
	T_N
};

static wl_gen_tpl tpls[T_N];

void wl_gen_render_init(void)
{
	static const struct {
		const char *text;
		unsigned fields;
	} src[T_N] = {
	    {etw_init, 2},      {etw_newid, 2},       {etw_pre, 2},     {etw_cookie, 2},
	    {etw_nocookie, 2},  {etw_sync_start, 2},  {etw_fault, 2},   {etw_fail_tail, 2},
	    {etw_recover, 2},   {etw_ok_tail, 2},     {etw_neterr, 2},  {cl_shutdown, 2},
	    {cl_init, 2},       {cl_first, 2},        {cl_pre, 2},      {cl_cookie, 2},
	    {w8_sync_start, 2}, {w7_fault, 2},        {w8_fault, 2},    {w8_sync_stop, 2},
	    {cl_fail_tail, 2},  {cl_recover, 2},      {cl_ok_tail, 2},  {cl_neterr, 2},
	    {srv_sync, 4},      {srv_sync_manual, 4}, {srv_sync_ok, 4}, {srv_uss, 4},
	    {srv_throw, 4},
	};
	for (unsigned i = 0; i < T_N; i++)
		tpls[i] = wl_gen_tpl_compile(src[i].text, src[i].fields);
}

/* ---- per-client constants ---------------------------------------------- */

static const char *const etw_versions[] = {"10.0.19041.3636", "1023.1020.2192.0",
                                           "1216.2402.13012.0", "1309.2410.10022.0",
                                           "10.0.17763.1852"};
static const char *const makes[][2] = {
    {"Dell+Inc.", "Latitude+5420"},
    {"HP", "HP+EliteBook+840+G8+Notebook+PC"},
    {"LENOVO", "20XW"},
    {"Microsoft+Corporation", "Surface+Pro+7"},
    {"VMware%2C+Inc.", "VMware7%2C1"},
    {"Gigabyte+Technology+Co.%2C+Ltd.", "A320M-S2H+V2"},
};
static const char *const titles_ascii[] = {
    ("Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version "
     "1.403.2154.0) - Current Channel (Broad)"),
    "2026-02 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5034763)",
    "Windows Malicious Software Removal Tool x64 - v5.122 (KB890830)",
};
static const char *const titles_utf8[] = {
    ("Sicherheitsupdate f\xc3\xbcr Microsoft Defender Antivirus \xe2\x80\x93 KB2267602 (Version "
     "1.403.2154.0) \xe2\x80\x93 Kanal \xe2\x80\x9e"
     "Aktuell (Breit)\xe2\x80\x9c"),
    ("Microsoft Defender Antivirus "
     "\xe7\x9a\x84\xe5\xae\x89\xe5\x85\xa8\xe6\x99\xba\xe8\x83\xbd\xe6\x9b\xb4\xe6\x96\xb0 - "
     "KB2267602 (\xe7\x89\x88\xe6\x9c\xac 1.421.1198.0)"),
    ("Mise \xc3\xa0 jour de la veille de s\xc3\xa9"
     "curit\xc3\xa9 pour Microsoft Defender Antivirus - KB2267602 (Version 1.403.2154.0)"),
};
static const char etw_criteria[] =
    "IsInstalled=0 and DeploymentAction='Installation' or IsInstalled=0 and "
    "DeploymentAction='OptionalInstallation' or IsPresent=1 and DeploymentAction='Uninstallation' "
    "or IsInstalled=1 and DeploymentAction='Installation' and RebootRequired=1 or IsInstalled=0 "
    "and DeploymentAction='Uninstallation' and RebootRequired=1\"\"";

/* ---- the render context ------------------------------------------------ */

typedef struct rx {
	const wl_gen_site *s;
	wl_gen_out *o;
	wl_gen_tctx tc;
	wl_gen_rng nrng, brng;
	wl_gen_family fam;
	const wl_gen_noise *nz, *ez;
	const wl_gen_noise *lz; /* failure loops, NULL unless the client fails */
	uint32_t err_pm;        /* error lines per 1000 noise lines */
	uint32_t fail_hr;       /* the failing client's code */
	wl_gen_evlist *evs;     /* client events to record, or NULL */
	uint32_t lineno;
	int64_t t, limit;
	uint32_t pid, tid, pid2, tid2;
	uint32_t tids[6];
	char sep;
	int64_t dday;
	char dstr[12];
	uint64_t emitted;
	int64_t debt;
	double avg_burst; /* observed bytes per noise burst (moving average) */
	wl_gen_fault *fault;
	int mark_client, mark_server;
	/* server */
	int spaces;
	wl_gen_srv_pass *pass;
	uint64_t entry, seg_start;
	int seg_state; /* 0 lost, 1 .old, 2 .log */
	uint64_t keep_from, log_from;
	/* variable storage */
	char url[192], base[160], sauth[224], dns[96], cid[40], fid[40];
	char num[6][16];
	uint8_t pool[256][16];
	char cv[64];
	char msg[64];
} rx;

static void setv(rx *x, char v, const char *s)
{
	wl_gen_tctx_set(&x->tc, v, s, strlen(s));
}

static char *put_date_cached(rx *x, char *p, int64_t days, char sep)
{
	if (days != x->dday) {
		x->dday = days;
		wl_gen_put_date(x->dstr, days, sep);
	}
	memcpy(p, x->dstr, 10);
	return p + 10;
}

static int srv_transition(rx *x, int want);

/* A client line was written: if the grammar makes it an error event, it
 * goes to the truth with its line number. */
static void record(rx *x, const wl_gen_tline *l, const char *m, const char *e)
{
	wl_gen_evlist *v = x->evs;
	uint32_t code = 0;
	x->lineno++;
	int kind = wl_gen_event_kind(m, (size_t)(e - m), &code);
	if (!kind || v->oom)
		return;
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 1024;
		wl_gen_ev *nv = realloc(v->v, cap * sizeof *nv);
		if (!nv) {
			v->oom = 1;
			return;
		}
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] =
	    (wl_gen_ev){.line = x->lineno, .code = code, .shape = l->shape, .kind = (uint8_t)kind};
}

static void put_line(rx *x, const wl_gen_tpl *t, const wl_gen_tline *l)
{
	if (x->fam == WL_GEN_FAM_SERVER && !(l->flags & WL_GEN_LF_RAW) && x->pass) {
		wl_gen_srv_pass *ps = x->pass;
		uint64_t e = x->entry++;
		if (ps->mode == WL_GEN_SRV_MEASURE) {
			if (ps->roll_bytes && e > 0 &&
			    x->emitted - x->seg_start >= ps->roll_bytes &&
			    ps->ncut < WL_GEN_CUTS_MAX) {
				ps->seg_bytes[ps->ncut] = x->emitted - x->seg_start;
				ps->cut[ps->ncut++] = e;
				x->seg_start = x->emitted;
			}
		} else if (ps->mode == WL_GEN_SRV_WRITE) {
			int want = e < x->keep_from ? 0 : e < x->log_from ? 1 : 2;
			if (want != x->seg_state)
				srv_transition(x, want);
		}
	}
	char *p0 = wl_gen_out_line(x->o), *p = p0;
	int64_t ts = x->t;
	x->tc.now = ts;
	int alt = (l->flags & WL_GEN_LF_PID2) != 0;
	uint32_t pid = alt ? x->pid2 : x->pid, tid = alt ? x->tid2 : x->tid;
	if (x->fam == WL_GEN_FAM_ETW) {
		int64_t days = ts / WL_GEN_TICKS_DAY;
		int64_t tod = ts - days * WL_GEN_TICKS_DAY;
		p = put_date_cached(x, p, days, x->sep);
		*p++ = ' ';
		unsigned sec = (unsigned)(tod / WL_GEN_TICKS_SEC);
		unsigned frac = (unsigned)(tod % WL_GEN_TICKS_SEC);
		p = wl_gen_put_2d(p, sec / 3600);
		*p++ = ':';
		p = wl_gen_put_2d(p, sec / 60 % 60);
		*p++ = ':';
		p = wl_gen_put_2d(p, sec % 60);
		*p++ = '.';
		p = wl_gen_put_2d(p, frac / 100000);
		p = wl_gen_put_2d(p, frac / 1000 % 100);
		p = wl_gen_put_2d(p, frac / 10 % 100);
		*p++ = (char)('0' + frac % 10);
		*p++ = ' ';
		p = wl_gen_put_u_left(p, pid, 5);
		*p++ = ' ';
		p = wl_gen_put_u_left(p, tid, 5);
		*p++ = ' ';
		char *c0 = p;
		p = wl_gen_tpl_field(&x->tc, p, t, l, 0);
		while (p - c0 < 15)
			*p++ = ' ';
		*p++ = ' ';
		char *m = p;
		p = wl_gen_tpl_field(&x->tc, p, t, l, 1);
		if (x->evs)
			record(x, l, m, p);
	} else if (x->fam != WL_GEN_FAM_SERVER) {
		int64_t lt = ts + (int64_t)x->tc.tz_min * WL_GEN_TICKS_MIN;
		int64_t days = lt / WL_GEN_TICKS_DAY;
		int64_t tod = lt - days * WL_GEN_TICKS_DAY;
		p = put_date_cached(x, p, days, '-');
		*p++ = '\t';
		unsigned sec = (unsigned)(tod / WL_GEN_TICKS_SEC);
		p = wl_gen_put_2d(p, sec / 3600);
		*p++ = ':';
		p = wl_gen_put_2d(p, sec / 60 % 60);
		*p++ = ':';
		p = wl_gen_put_2d(p, sec % 60);
		*p++ = ':';
		p = wl_gen_put_3d(p, (unsigned)(tod % WL_GEN_TICKS_SEC / WL_GEN_TICKS_MS));
		*p++ = '\t';
		p = wl_gen_put_u_right(p, pid, 4);
		*p++ = '\t';
		p = wl_gen_put_hex_right(p, tid, 3);
		*p++ = '\t';
		p = wl_gen_tpl_field(&x->tc, p, t, l, 0);
		*p++ = '\t';
		char *m = p;
		p = wl_gen_tpl_field(&x->tc, p, t, l, 1);
		if (x->evs)
			record(x, l, m, p);
	} else if (l->flags & WL_GEN_LF_RAW) {
		p = wl_gen_tpl_field(&x->tc, p, t, l, 0);
	} else {
		int64_t days = ts / WL_GEN_TICKS_DAY;
		int64_t tod = ts - days * WL_GEN_TICKS_DAY;
		p = put_date_cached(x, p, days, '-');
		*p++ = ' ';
		unsigned sec = (unsigned)(tod / WL_GEN_TICKS_SEC);
		p = wl_gen_put_2d(p, sec / 3600);
		*p++ = ':';
		p = wl_gen_put_2d(p, sec / 60 % 60);
		*p++ = ':';
		p = wl_gen_put_2d(p, sec % 60);
		*p++ = '.';
		p = wl_gen_put_3d(p, (unsigned)(tod % WL_GEN_TICKS_SEC / WL_GEN_TICKS_MS));
		memcpy(p, " UTC", 4);
		p += 4;
		if (!x->spaces) {
			for (unsigned f = 0; f < 4; f++) {
				*p++ = '\t';
				p = wl_gen_tpl_field(&x->tc, p, t, l, f);
			}
		} else {
			static const unsigned width[3] = {9, 16, 46};
			*p++ = ' ';
			*p++ = ' ';
			for (unsigned f = 0; f < 3; f++) {
				char *f0 = p;
				p = wl_gen_tpl_field(&x->tc, p, t, l, f);
				do
					*p++ = ' ';
				while ((unsigned)(p - f0) < width[f]);
				if (f == 2)
					*p++ = ' ';
			}
			p = wl_gen_tpl_field(&x->tc, p, t, l, 3);
		}
	}
	*p++ = '\r';
	*p++ = '\n';
	assert((size_t)(p - p0) < WL_GEN_LINE_MAX);
	x->emitted += (uint64_t)(p - p0);
	wl_gen_out_commit(x->o, p, l->flags & WL_GEN_LF_ERROR);
}

/* Rendered instant of a line, UTC: ETW keeps 100 ns, the others ms. */
static int64_t rendered(const rx *x)
{
	if (x->fam == WL_GEN_FAM_ETW)
		return x->t;
	return x->t - x->t % WL_GEN_TICKS_MS;
}

static void mark(rx *x)
{
	wl_gen_fault *f = x->fault;
	if (!f)
		return;
	int64_t r = rendered(x);
	if (x->mark_client) {
		if (!f->client_written || r < f->client_ticks)
			f->client_ticks = r;
		f->client_written = 1;
	}
	if (x->mark_server && x->o->file) {
		if (!f->server_written || r < f->server_ticks)
			f->server_ticks = r;
		f->server_written = 1;
	}
}

static void step(rx *x, uint8_t flags)
{
	if (flags & WL_GEN_LF_SAME)
		return;
	wl_gen_rng *r = x->tc.rng;
	int64_t d;
	if (flags & WL_GEN_LF_PAUSE) {
		d = wl_gen_range(r, 50 * WL_GEN_TICKS_MS, 3 * WL_GEN_TICKS_SEC);
	} else {
		uint32_t u = wl_gen_below(r, 100);
		d = u < 65   ? wl_gen_range(r, 10, 5000)
		    : u < 95 ? wl_gen_range(r, 5000, 400000)
		             : wl_gen_range(r, 400000, 4000000);
	}
	x->t += d;
	if (x->t > x->limit)
		x->t = x->limit;
}

static void emit(rx *x, const wl_gen_tpl *t, const wl_gen_tline *l)
{
	step(x, l->flags);
	if (l->flags & WL_GEN_LF_MARK)
		mark(x);
	if (l->flags & WL_GEN_LF_BACK) {
		int64_t now = x->t;
		x->t -= wl_gen_range(x->tc.rng, WL_GEN_TICKS_MS, 40 * WL_GEN_TICKS_MS);
		put_line(x, t, l);
		x->t = now;
		return;
	}
	put_line(x, t, l);
}

static void run(rx *x, unsigned which, unsigned from, unsigned to)
{
	const wl_gen_tpl *t = &tpls[which];
	if (to > t->nline)
		to = t->nline;
	for (unsigned i = from; i < to; i++)
		emit(x, t, &t->line[i]);
}

static void run_all(rx *x, unsigned which)
{
	run(x, which, 0, tpls[which].nline);
}

static uint32_t new_id4(wl_gen_rng *r, uint32_t lo, uint32_t hi)
{
	return 4 * (uint32_t)wl_gen_range(r, lo / 4, hi / 4);
}

static void burst_setup(rx *x, wl_gen_rng *r)
{
	x->tc.gv_valid = 0;
	x->tc.call_id = 1 + wl_gen_below(r, 40);
	x->tc.hr = wl_gen_noise_hr[wl_gen_below(r, wl_gen_noise_nhr)];
	x->tc.thr = 1 + wl_gen_below(r, 64);
	x->tc.bnum = 1 + wl_gen_below(r, 999);
	x->tid = x->tids[wl_gen_below(r, 6)];
	if (x->fam == WL_GEN_FAM_WIN7 || x->fam == WL_GEN_FAM_WIN8) {
		x->pid2 = new_id4(r, 1000, 9999);
		x->tid2 = new_id4(r, 0x100, 0x2fff);
	}
}

/* Noise between a and b worth `budget` bytes; carries the difference to the
 * next gap so the file's total stays on target. */
static void noise(rx *x, int64_t a, int64_t b, double budget)
{
	double want = budget - (double)x->debt;
	if (want <= 0) {
		x->debt = -(int64_t)want;
		return;
	}
	if (b <= a + 2)
		b = a + 2;
	wl_gen_rng *r = &x->nrng;
	wl_gen_rng *saved = x->tc.rng;
	x->tc.rng = r;
	uint64_t start = x->emitted;
	x->t = a;
	x->limit = b - 1;
	if (x->avg_burst <= 0)
		x->avg_burst = x->nz->avg_bytes;
	while ((double)(x->emitted - start) < want) {
		/* Spread the bursts still to come over the time still left. */
		double left = want - (double)(x->emitted - start);
		double gap = (double)(b - x->t) / (left / x->avg_burst + 1.5);
		uint64_t before = x->emitted;
		x->t += (int64_t)(gap * (0.5 + wl_gen_unit(r)));
		if (x->t > x->limit)
			x->t = x->limit;
		int loop = x->lz && wl_gen_below(r, 1000) < WL_GEN_LOOP_PM;
		const wl_gen_burst *bu = wl_gen_noise_pick(loop ? x->lz : x->nz, r);
		burst_setup(x, r);
		if (loop) /* mostly the client's own failure, sometimes another */
			x->tc.hr = wl_gen_pm(r, 900)
			               ? x->fail_hr
			               : wl_gen_fail_hr[wl_gen_below(r, wl_gen_fail_nhr)];
		for (unsigned i = 0; i < bu->tpl.nline; i++) {
			emit(x, &bu->tpl, &bu->tpl.line[i]);
			if (wl_gen_below(r, 1000) < x->err_pm &&
			    !(i + 1 < bu->tpl.nline &&
			      (bu->tpl.line[i + 1].flags & WL_GEN_LF_RAW))) {
				const wl_gen_burst *eb = wl_gen_noise_pick(x->ez, r);
				for (unsigned j = 0; j < eb->tpl.nline; j++)
					emit(x, &eb->tpl, &eb->tpl.line[j]);
			}
		}
		x->avg_burst += ((double)(x->emitted - before) - x->avg_burst) / 64;
	}
	x->debt = (int64_t)((double)(x->emitted - start) - want);
	x->tc.rng = saved;
}

/* ---- clients ----------------------------------------------------------- */

static void client_server_vars(rx *x, uint32_t c, uint32_t sv)
{
	const wl_gen_client *cl = &x->s->cli[c];
	wl_gen_url_base(x->s, c, sv, x->base, sizeof x->base);
	snprintf(x->url, sizeof x->url, "%s/ClientWebService/%s", x->base,
	         cl->asmx_upper ? "Client.asmx" : "client.asmx");
	snprintf(x->sauth, sizeof x->sauth, "%s/SimpleAuthWebService/SimpleAuth.asmx", x->base);
	setv(x, 'U', x->url);
	setv(x, 'W', x->base);
	setv(x, 'S', x->sauth);
}

static void set_num(rx *x, unsigned i, char v, uint32_t n)
{
	*wl_gen_put_u(x->num[i], n) = 0;
	setv(x, v, x->num[i]);
}

static void fault_vars(rx *x, const wl_gen_fault *f)
{
	*wl_gen_put_guid(x->fid, f->guid, 0) = 0;
	setv(x, 'F', x->fid);
	const char *code = f->kind == WL_GEN_FK_CONFIG ? "ConfigChanged"
	                   : f->kind == WL_GEN_FK_USS  ? "InternalServerError"
	                                               : "InvalidParameters";
	setv(x, 'E', code);
	setv(x, 'Q', f->kind == WL_GEN_FK_CONFIG ? "2" : "7");
	const char *param = f->kind == WL_GEN_FK_PREREQ     ? "InstalledNonLeafUpdateIDs"
	                    : f->kind == WL_GEN_FK_CACHED   ? "OtherCachedUpdateIDs"
	                    : f->kind == WL_GEN_FK_BADPARAM ? wl_gen_badparam[f->param]
	                                                    : NULL;
	if (param)
		snprintf(x->msg, sizeof x->msg, "parameters.%s", param);
	else
		x->msg[0] = 0;
	setv(x, 'M', x->msg);
	setv(x, 'N', param ? x->msg : "(null)");
}

static void rx_init(rx *x, const wl_gen_site *s, wl_gen_out *o, wl_gen_family fam)
{
	memset(x, 0, sizeof *x);
	x->s = s;
	x->o = o;
	x->fam = fam;
	x->nz = wl_gen_noise_get(fam);
	x->ez = wl_gen_noise_errors(fam);
	x->dday = -1;
	x->tc.rng = &x->brng;
	x->tc.op_next = 10;
	x->tc.pool = (const uint8_t(*)[16])x->pool;
	setv(x, 'O', "");
	setv(x, 'L', "");
	setv(x, 'X', "");
}

/* The update IDs this machine keeps seeing (its own stream, so the pool does
 * not shift the other random choices). */
static void pool_fill(rx *x, uint64_t seed, uint64_t kind, uint64_t idx)
{
	wl_gen_rng r;
	wl_gen_rng_seed(&r, seed, kind, idx, 0);
	x->tc.npool = 128 + wl_gen_below(&r, 129);
	for (unsigned i = 0; i < x->tc.npool; i++)
		wl_gen_guid_new(&r, x->pool[i]);
}

static void new_process(rx *x, wl_gen_rng *r)
{
	if (x->fam == WL_GEN_FAM_ETW) {
		x->pid = new_id4(r, 900, 14000);
		x->pid2 = new_id4(r, 900, 14000);
		for (int i = 0; i < 6; i++)
			x->tids[i] = new_id4(r, 60, 16000);
		x->tid2 = new_id4(r, 60, 16000);
	} else {
		x->pid = new_id4(r, 400, 1400);
		for (int i = 0; i < 6; i++)
			x->tids[i] = new_id4(r, 0x80, 0x1ffc);
	}
	x->tid = x->tids[0];
}

int wl_gen_render_client(const wl_gen_site *s, uint32_t c, wl_gen_out *o, int noise_on, int mark_on,
                         wl_gen_fault *faults, wl_gen_evlist *evs)
{
	const wl_gen_client *cl = &s->cli[c];
	int etw = WL_GEN_IS_ETW(cl->fmt);
	rx x;
	rx_init(&x, s, o,
	        etw                      ? WL_GEN_FAM_ETW
	        : cl->fmt == WL_GEN_WIN7 ? WL_GEN_FAM_WIN7
	                                 : WL_GEN_FAM_WIN8);
	wl_gen_rng_seed(&x.brng, s->o.seed, 3, c, 0);
	wl_gen_rng_seed(&x.nrng, s->o.seed, 4, c, 0);
	pool_fill(&x, s->o.seed, 10, c);
	x.err_pm = etw ? 24 : 19;
	if (cl->failing) {
		x.lz = wl_gen_noise_loops(x.fam);
		x.fail_hr = cl->fail_hr;
	}
	x.evs = evs;
	if (evs) {
		evs->n = 0;
		evs->oom = 0;
	}
	x.sep = cl->date_sep;
	x.mark_client = mark_on;
	wl_gen_rng *br = &x.brng;

	/* client constants */
	*wl_gen_put_guid(x.cid, cl->susid, 0) = 0;
	setv(&x, 'C', x.cid);
	snprintf(x.dns, sizeof x.dns, "%s.corp.example", cl->host);
	setv(&x, 'H', x.dns);
	setv(&x, 'B', cl->fmt == WL_GEN_WIN7 ? "7.6.7601.24085" : "7.9.9600.18970");
	unsigned mk = (unsigned)((wl_gen_mix(s->o.seed ^ c) >> 8) % 6);
	setv(&x, 'A', makes[mk][0]);
	setv(&x, 'I', makes[mk][1]);
	setv(&x, 'V', etw_versions[(wl_gen_mix(s->o.seed + c) >> 9) % 5]);
	setv(&x, 'G', cl->nonascii ? titles_utf8[c % 3] : titles_ascii[c % 3]);
	setv(&x, 'K', etw_criteria);
	setv(&x, 'L', cl->space_before_http ? " " : "");
	uint32_t cur_sv = wl_gen_client_server(s, c, 0);
	client_server_vars(&x, c, cur_sv);
	new_process(&x, br);

	unsigned D = s->o.days;
	uint32_t fi = cl->fault_first, fend = cl->fault_first + cl->nfaults;
	wl_gen_day pd;
	for (unsigned day = 0; day < D; day++) {
		wl_gen_plan_day(s, c, (int)day, &pd);
		int64_t day0 = (s->o.start_day + day) * WL_GEN_TICKS_DAY;
		int64_t day1 = day0 + WL_GEN_TICKS_DAY;
		double dbud =
		    noise_on ? (double)cl->noise_per_day * D * s->dayw[day] / s->dayw_sum : 0;
		int64_t cursor = day0;
		unsigned k = 0;
		int init_done = !pd.init_block;
		for (;;) {
			int64_t at;
			int is_init = 0;
			if (!init_done) {
				at = pd.init_t;
				is_init = 1;
			} else if (k < pd.nscan) {
				at = pd.scan[k].t - 3 * WL_GEN_TICKS_SEC;
			} else {
				break;
			}
			if (at < cursor)
				at = cursor;
			double seg = (day == 0 && is_init)
			                 ? 0
			                 : dbud * (double)(at - cursor) / WL_GEN_TICKS_DAY;
			noise(&x, cursor, at, seg);
			x.t = at;
			x.limit = at + 10 * WL_GEN_TICKS_MIN;
			x.tc.rng = br;
			if (is_init) {
				init_done = 1;
				if (!etw && day > 0)
					run_all(&x, T_CL_SHUTDOWN);
				new_process(&x, br);
				if (!etw)
					x.tc.tz_min =
					    cl->tz_min +
					    (cl->dst_day >= 0 && (int)day >= cl->dst_day ? 60 : 0);
				uint32_t sv = wl_gen_client_server(s, c, (int)day);
				setv(&x, 'O', sv != cur_sv ? " (Changed)" : "");
				if (sv != cur_sv) {
					cur_sv = sv;
					client_server_vars(&x, c, sv);
				}
				run_all(&x, etw ? T_ETW_INIT : T_CL_INIT);
				if (day == 0)
					run_all(&x, etw ? T_ETW_NEWID : T_CL_FIRST);
				cursor = x.t;
				continue;
			}
			wl_gen_scan *sc = &pd.scan[k++];
			x.fault = NULL;
			if (sc->kind != WL_GEN_SCAN_OK && sc->kind != WL_GEN_SCAN_NETERR) {
				/* the k-th fault of this client, in plan order */
				if (fi < fend && memcmp(faults[fi].guid, sc->guid, 16) == 0) {
					x.fault = &faults[fi++];
					fault_vars(&x, x.fault);
				}
			}
			x.tid = x.tids[wl_gen_below(br, 6)];
			x.tc.gv_valid = 0;
			x.tc.call_id = 1 + wl_gen_below(br, 30);
			x.tc.hr = sc->hr;
			set_num(&x, 0, 'P', sc->found);
			set_num(&x, 1, 'T', sc->cats);
			set_num(&x, 2, 'Y', sc->evaluated);
			set_num(&x, 3, 'Z', sc->deployed);
			set_num(&x, 4, 'J', sc->trips);
			setv(&x, 'R',
			     cl->fmt == WL_GEN_WIN11 && wl_gen_pm(br, 300) ? "MoUpdateOrchestrator"
			                                                   : "UpdateOrchestrator");
			if (cl->fmt == WL_GEN_WIN11) {
				char *q = x.cv;
				q = wl_gen_put_str(q, " (cV = ");
				for (int i = 0; i < 16; i++)
					*q++ = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxy"
					       "z0123456789+/"[wl_gen_below(br, 64)];
				q = wl_gen_put_str(q, ".1.0.0)");
				*q = 0;
				setv(&x, 'X', x.cv);
			}
			/* before the instant */
			x.t = sc->t - 3 * WL_GEN_TICKS_SEC;
			if (x.t < cursor)
				x.t = cursor;
			x.limit = sc->t - WL_GEN_TICKS_MS;
			run_all(&x, etw ? T_ETW_PRE : T_CL_PRE);
			if (etw)
				run_all(&x, sc->cookie ? T_ETW_COOKIE : T_ETW_NOCOOKIE);
			else if (sc->cookie)
				run_all(&x, T_CL_COOKIE);
			if (etw)
				run_all(&x, T_ETW_SYNC);
			else if (cl->fmt == WL_GEN_WIN8)
				run_all(&x, T_W8_SYNC);
			/* the instant */
			x.t = sc->t;
			x.limit = sc->t + 10 * WL_GEN_TICKS_MIN;
			int fault = x.fault != NULL;
			switch (sc->kind) {
			case WL_GEN_SCAN_LIMIT:
			case WL_GEN_SCAN_BADPARAM:
			case WL_GEN_SCAN_CONFIG:
				if (!fault)
					break; /* cannot happen: plan and render agree */
				if (etw) {
					run_all(&x, T_ETW_FAULT);
				} else if (cl->fmt == WL_GEN_WIN7) {
					run_all(&x, T_W7_FAULT);
				} else {
					run_all(&x, T_W8_FAULT);
					run_all(&x, T_W8_SYNC_STOP);
				}
				if (sc->kind == WL_GEN_SCAN_CONFIG) {
					run_all(&x, etw ? T_ETW_RECOVER : T_CL_RECOVER);
					if (etw)
						run_all(&x, T_ETW_SYNC);
					run_all(&x, etw ? T_ETW_OK : T_CL_OK);
				} else {
					run_all(&x, etw ? T_ETW_FAIL : T_CL_FAIL);
				}
				break;
			case WL_GEN_SCAN_NETERR:
				if (!etw && cl->fmt == WL_GEN_WIN8)
					run_all(&x, T_W8_SYNC_STOP);
				run_all(&x, etw ? T_ETW_NETERR : T_CL_NETERR);
				break;
			default:
				if (!etw && cl->fmt == WL_GEN_WIN8)
					run_all(&x, T_W8_SYNC_STOP);
				run_all(&x, etw ? T_ETW_OK : T_CL_OK);
				break;
			}
			x.fault = NULL;
			cursor = x.t;
		}
		double seg = dbud * (double)(day1 - cursor) / WL_GEN_TICKS_DAY;
		noise(&x, cursor, day1, seg);
	}
	return wl_gen_out_switch(o, NULL);
}

/* ---- servers ----------------------------------------------------------- */

static int srv_transition(rx *x, int want)
{
	wl_gen_srv_pass *ps = x->pass;
	wl_gen_out_switch(x->o, NULL);
	if (x->seg_state == 1 && ps->has_old) {
		if (wl_gen_file_close(&ps->old_file))
			ps->rc = -1;
		ps->has_old = 0;
	}
	x->seg_state = want;
	if (ps->rc)
		return -1;
	if (want == 0)
		return 0; /* rolled out before the .old: lost */
	wl_gen_file *f = want == 1 ? &ps->old_file : &ps->log_file;
	uint64_t size = want == 1 ? ps->seg_bytes[ps->ncut - 1] : ps->seg_bytes[ps->ncut];
	if (ps->enc == WL_GEN_ENC_BOM)
		size += 3;
	if (wl_gen_file_open(f, ps->dest, ps->kind, want == 1 ? ps->old_path : ps->log_path,
	                     ps->enc, size, ps->cctx)) {
		ps->rc = -1;
		x->o->err = 1;
		return -1;
	}
	if (want == 1)
		ps->has_old = 1;
	wl_gen_out_switch(x->o, f);
	return 0;
}

int wl_gen_render_server(const wl_gen_site *s, uint32_t sv, wl_gen_out *o, wl_gen_srv_pass *pass,
                         wl_gen_fault *faults)
{
	const wl_gen_server *v = &s->srv[sv];
	rx x;
	rx_init(&x, s, o, WL_GEN_FAM_SERVER);
	wl_gen_rng_seed(&x.brng, s->o.seed, 5, sv, 0);
	wl_gen_rng_seed(&x.nrng, s->o.seed, 6, sv, 0);
	pool_fill(&x, s->o.seed, 11, sv);
	wl_gen_rng *br = &x.brng;
	x.err_pm = 4;
	x.spaces = v->sep_spaces;
	x.pass = pass;
	x.mark_server = pass->mark;
	if (pass->mode == WL_GEN_SRV_MEASURE) {
		pass->ncut = 0;
		memset(pass->seg_bytes, 0, sizeof pass->seg_bytes);
	} else if (pass->mode == WL_GEN_SRV_WRITE) {
		x.keep_from = pass->ncut >= 2 ? pass->cut[pass->ncut - 2] : 0;
		x.log_from = pass->ncut >= 1 ? pass->cut[pass->ncut - 1] : 0;
		x.seg_state = -1;
		pass->has_old = 0;
		pass->rc = 0;
		wl_gen_out_switch(o, NULL);
	}
	unsigned D = s->o.days;
	uint32_t fi = 0;
	for (unsigned day = 0; day < D; day++) {
		int64_t day0 = (s->o.start_day + day) * WL_GEN_TICKS_DAY;
		int64_t day1 = day0 + WL_GEN_TICKS_DAY;
		double dbud =
		    pass->noise ? (double)v->noise_per_day * D * s->dayw[day] / s->dayw_sum : 0;
		wl_gen_rng dr;
		wl_gen_rng_seed(&dr, s->o.seed, 9, sv, day);
		int64_t sync_t = day0 + v->sync_minute * WL_GEN_TICKS_MIN +
		                 wl_gen_range(&dr, 0, 20 * WL_GEN_TICKS_SEC);
		int manual = wl_gen_pm(&dr, 150);
		int sync_fails = 0;
		for (uint32_t j = fi; j < v->nfaults; j++) {
			const wl_gen_fault *f = &faults[v->faults[j]];
			if (f->server_ms * WL_GEN_TICKS_MS >= day1)
				break;
			sync_fails |= f->kind == WL_GEN_FK_USS;
		}
		int sync_done = 0;
		int64_t cursor = day0;
		for (;;) {
			wl_gen_fault *f = NULL;
			int64_t ft = INT64_MAX;
			if (fi < v->nfaults) {
				f = &faults[v->faults[fi]];
				ft = f->server_ms * WL_GEN_TICKS_MS;
				if (ft >= day1 && day + 1 < D) {
					f = NULL;
					ft = INT64_MAX;
				}
			}
			int64_t at;
			int is_sync = !sync_done && sync_t <= ft;
			if (is_sync)
				at = sync_t;
			else if (f)
				at = ft;
			else
				break;
			int64_t nb = at < cursor ? cursor : at;
			noise(&x, cursor, nb, dbud * (double)(nb - cursor) / WL_GEN_TICKS_DAY);
			x.tc.rng = br;
			x.tc.gv_valid = 0;
			x.tc.thr = 1 + wl_gen_below(br, 64);
			x.t = at;
			x.limit = at + 30 * WL_GEN_TICKS_MIN;
			if (is_sync) {
				sync_done = 1;
				run_all(&x, manual ? T_SRV_SYNC_MANUAL : T_SRV_SYNC);
				if (!sync_fails)
					run_all(&x, T_SRV_SYNC_OK);
				if (x.t > cursor)
					cursor = x.t;
				continue;
			}
			fi++;
			x.fault = f;
			fault_vars(&x, f);
			if (f->kind == WL_GEN_FK_USS) {
				run_all(&x, T_SRV_USS);
			} else {
				const wl_gen_client *cl = &s->cli[f->client];
				char host[64];
				snprintf(host, sizeof host, "%s", v->chost);
				const char *asmx = v->asmx_upper ? "Client.asmx" : "client.asmx";
				if (f->url_style == 1)
					snprintf(x.url, sizeof x.url,
					         "https://%s:8531/ClientWebService/%s", host, asmx);
				else if (f->url_style == 2)
					snprintf(x.url, sizeof x.url,
					         "http://%s/ClientWebService/%s", host, asmx);
				else
					snprintf(x.url, sizeof x.url,
					         "http://%s:8530/ClientWebService/%s", host, asmx);
				setv(&x, 'U', x.url);
				*wl_gen_put_guid(x.cid, cl->susid, 0) = 0;
				setv(&x, 'C', x.cid);
				run(&x, T_SRV_THROW, 0, 3 + wl_gen_below(br, 5));
			}
			x.fault = NULL;
			if (x.t > cursor)
				cursor = x.t;
		}
		noise(&x, cursor, day1 > cursor ? day1 : cursor + 1,
		      dbud * (double)(day1 - cursor) / WL_GEN_TICKS_DAY);
	}
	if (pass->mode == WL_GEN_SRV_MEASURE) {
		pass->seg_bytes[pass->ncut] = x.emitted - x.seg_start;
	} else if (pass->mode == WL_GEN_SRV_WRITE) {
		if (x.seg_state != 2)
			srv_transition(&x, 2);
		wl_gen_out_switch(o, NULL);
		if (x.seg_state == 2 && wl_gen_file_close(&pass->log_file))
			pass->rc = -1;
		if (pass->rc)
			return -1;
	}
	return wl_gen_out_switch(o, NULL);
}
