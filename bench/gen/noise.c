/* wsuslog-gen: the noise that surrounds the incidents. Bursts of ordinary
 * lines shaped after the real logs in shared/real-logs (ETW, Windows 7),
 * the Windows 8.1 lines Microsoft documents, and plausible WSUS server
 * entries (no real SoftwareDistribution.log is public). Values vary through
 * slots; see tpl.c for the slot letters. Error lines come from separate
 * tables so their share of all lines is set directly (render.c). */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>

#define M_ETW (1u << WL_GEN_FAM_ETW)
#define M_W7 (1u << WL_GEN_FAM_WIN7)
#define M_W8 (1u << WL_GEN_FAM_WIN8)
#define M_CL (M_W7 | M_W8)
#define M_SRV (1u << WL_GEN_FAM_SERVER)

typedef struct src_burst {
	unsigned mask;
	unsigned weight;
	const char *text;
} src_burst;

/* Client lines are "component|message"; server lines are
 * "level|process.thread|Class.Method|message" and ">" raw continuations. */
static const src_burst bursts[] = {
    /* ---- ETW (Windows 10/11) ---- */
    {M_ETW, 120,
     "Agent|Added update $0.$n to search result\n"
     "=Agent|Added update $1.$n to search result\n"
     "Agent|Added update $2.$n to search result\n"
     "Agent|Removing unreferenced framework update {$3}.$n from search result."},
    {M_ETW, 60,
     "SLS|Get response for service $0 - forceExpire[False] asyncRefreshOnExpiry[False]\n"
     "SLS|path used for cache lookup: "
     "/SLS/{$0}/x64/10.0.19045.$n/0?CH=$n&L=en-US&P=&PT=0x30&WUA=$V&MK=$A&MD=$I"},
    {M_ETW, 50,
     "Misc|Set CDN prefix to $kD\n"
     "DownloadManager|Update the URLs for DO Job $0 - Update $1.1\n"
     "DownloadManager|0 of 1 files' URLs are updated.\n"
     "=DownloadManager|Download job $0 resumed."},
    {M_ETW, 40,
     "Handler|CBS called Progress with state=$k, ticks=$n, total=1000\n"
     "Deployment|Deployment job Id $0 : NotifyClient ($m)(0) called for update id $5.200, code = "
     "Update progress, percent complete = $c\n"
     "=Agent|Deploy call $2 : deployment callback for top-level update $5.200, callback code = "
     "Update progress, reboot required = unspecified, commit required = No, mapped result = "
     "0x00000000, unmapped result = 0x00000000\n"
     "Agent|Deploy call $2 : NotifyClient ($m)(0) called with Deployment callback code = Update "
     "progress, reboot status = unspecified\n"
     "=Agent|Deploy call $2 : Callback to client with code Update progress and error 0 "},
    {M_ETW, 35,
     "Misc|UUS: Session=wu.handler.wuauengcore, Module=wuauengcore.dll, Version=$V, "
     "Path=C:\\Windows\\uus\\packages\\preview\\AMD64\\wuauengcore.dll\n"
     "=Misc|Load undocked module: "
     "UusId:wu.handler.wuauengcore|hr:0x0|ModuleVer:$V|LoadProps:3|Path:C:"
     "\\Windows\\uus\\packages\\preview\\AMD64\\wuauengcore.dll"},
    {M_ETW, 30,
     "IdleTimer|Activate PDC state for AllNetworks\n"
     "=IdleTimer|Incremented PDC RefCount for Network to 1\n"
     "Agent|Obtained a network PDC reference for callID {$0} with No-Progress-Timeout set to 0; "
     "ActivationID: $a.\n"
     "^Agent|Released network PDC reference for callId {$0}; ActivationID: $a\n"
     "=IdleTimer|Decremented PDC RefCount for Network to 0\n"
     "=IdleTimer|Deactivate PDC state for AllNetworks"},
    {M_ETW, 30,
     "DownloadManager|Lock the sandbox of update $1.1 (session data: (null))\n"
     "=DownloadManager|DO job {$0} completed successfully, updateId = $1.1\n"
     "Handler|Received completion event for update $1 with $k files\n"
     "DownloadManager|Unlock the sandbox of update $1.1 (session data: (null))"},
    {M_ETW, 40,
     "IdleTimer|WU operation (CSearchCall::Init ID $i) started; operation # $o; does not use "
     "network; is at background priority\n"
     "Agent|* START * Queueing Finding updates [CallerId = Microsoft.WindowsStore  Id = $i]\n"
     "Agent|Service 855E8A7C-ECB4-4CA3-B045-1DFA50104289 is not in sequential scan list\n"
     "=Agent|* END * Queueing Finding updates [CallerId = Microsoft.WindowsStore  Id = $i]\n"
     "Agent|* START * Finding updates CallerId = Microsoft.WindowsStore  Id = $i\n"
     "=Agent|Online = No; Interactive = No; AllowCachedResults = No; Ignore download priority = "
     "No\n"
     "=Agent|Criteria = IsInstalled=0 AND AppCategoryIDs contains '$4'\"\"\n"
     "=Agent|ServiceID = {855E8A7C-ECB4-4CA3-B045-1DFA50104289} Third party service\n"
     "=Agent|Search Scope = {Current User}\n"
     "=Agent|Caller SID for Applicability: S-1-5-21-$m$m-$m$m-$m$m-1001\n"
     "Agent|Added update $1.$n to search result\n"
     "^Agent|Found 1 updates and 1 categories in search; evaluated appl. rules of $n out of $n "
     "deployed entities\n"
     "Agent|* END * Finding updates CallerId = Microsoft.WindowsStore, Id = $i, Exit code = "
     "0x00000000\n"
     "IdleTimer|WU operation (CSearchCall::Init ID $i, operation # $p) stopped; does not use "
     "network; is at background priority"},
    {M_ETW, 25,
     "Shared|UpdateNetworkState Ipv4, cNetworkInterfaces = $k.\n"
     "=Shared|UpdateNetworkState Ipv6, cNetworkInterfaces = $k.\n"
     "Agent|Effective power state: AC; IsOnAC: Yes."},
    {M_ETW, 20,
     "Agent|    Timer: $0, Expires $d, not idle-only, not network-only\n"
     "=Agent|    Timer: $1, Expires $d, not idle-only, network-only"},
    {M_ETW, 20,
     "Metadata|Enforcement Mode: Unknown => Enforce\n"
     "=Metadata|Raw Enforcement Mode: (null) => Enforce\n"
     "=Metadata|TimestampToken Validity: 0 => 90 (days)\n"
     "=Metadata|Using mode: Enforce, validity: 90\n"
     "ProtocolTalker|SyncUpdates - 0 bad out of $n metadata signatures checked using Enforce "
     "enforcement mode (raw mode: Enforce)."},
    {M_ETW, 20,
     "DownloadManager|DownloadManager CreateDownloadJob.\n"
     "=DownloadManager|DownloadManager CreateDownloadJob DownloadType 0.\n"
     "DownloadManager|Generating download request for update $1.200.\n"
     "DownloadManager|Calling into handler 0x$k to generate download request for update $1.200.\n"
     "DownloadManager|Handler (0) for update $1 selected volume id: \"\\\\?\\Volume{$6}\\\"\n"
     "DownloadManager|DO job initialized: JobId = {$0}"},
    {M_ETW, 15,
     "Misc|Token Requested with $k category IDs.\n"
     "Misc|Acquired new token from Server\n"
     "Misc|Got service 855E8A7C-ECB4-4CA3-B045-1DFA50104289 plugin Client/Server auth token of "
     "type 0x00000001"},
    {M_ETW, 10,
     "ComApi|Update $1.$n is not sticky.\n"
     "=ComApi|Update $2.$n is not sticky.\n"
     "=ComApi|Update $3.$n is not sticky."},
    {M_ETW, 8,
     "Agent|  Title = $G\n"
     "=Agent|  UpdateId = $1.$n\n"
     "=Agent|    Bundles 1 updates:\n"
     "=Agent|      $2.$n"},
    {M_ETW, 6,
     "ProtocolTalker|DeviceAttributes[URI]: "
     "E:BranchReadinessLevel=CB&CurrentBranch=vb_release&OEMModel=$I&FlightRing=Retail&AttrDataVer="
     "$n&InstallLanguage=en-US&OSUILocale=en-US&InstallationType=Client&FlightingBranchName=&"
     "OSSkuId=4&FlightContent=Mainline&App=WU_STORE&ProcessorManufacturer=GenuineIntel&OEMName_"
     "Uncleaned=$A&AppVer=$V&OSArchitecture=AMD64&IsFlightingEnabled=0&TelemetryLevel=1&"
     "DefaultUserRegion=244&WuClientVer=$V&OSVersion=10.0.19045.$n&DeviceFamily=Windows.Desktop "},
    {M_ETW, 4,
     "Agent|ScanQOS. ServerId = 855E8A7C-ECB4-4CA3-B045-1DFA50104289, SyncType = DeltaScan, "
     "ScanResult = 148, NumberOfLoop = 2, NumberOfNewUpdatesFromServiceSync = $n, "
     "NumberOfUpdatesEvaluated = $n, ScanDurationInSeconds = $k, EnqueueTimeInSeconds = 0, "
     "ServiceURL = https://fe3cr.delivery.mp.microsoft.com/ClientWebService/client.asmx, "
     "TotalNumMetadataSignatures = $n, TotalNumAudienceMetadataSignatures = 0, Props = 0X40, "
     "WebserviceRetryMethods = 0, RetryInformation = , NetworkLevel = InternetAccess"},
    {M_ETW, 3,
     "Agent|Criteria = IsInstalled=0 AND AppCategoryIDs contains '$l' OR IsInstalled=0 AND "
     "AppCategoryIDs contains '$l' OR IsInstalled=0 AND AppCategoryIDs contains '$l' OR "
     "IsInstalled=0 AND AppCategoryIDs contains '$l' OR IsInstalled=0 AND AppCategoryIDs contains "
     "'$l' OR IsInstalled=0 AND AppCategoryIDs contains '$l' OR IsInstalled=0 AND AppCategoryIDs "
     "contains '$l' OR IsInstalled=0 AND AppCategoryIDs contains '$l' OR IsInstalled=0 AND "
     "AppCategoryIDs contains '$l' OR IsInstalled=0 AND AppCategoryIDs contains '$l' OR "
     "IsInstalled=0 AND AppCategoryIDs contains '$l'\"\""},

    /* ---- classic (Windows 7 and 8.1 agents) ---- */
    {M_CL, 120, "Report|CWERReporter finishing event handling. (00000000)"},
    {M_CL, 40,
     "AU|Successfully wrote event for AU health state:0\n"
     "AU|Successfully wrote event for AU health state:0\n"
     "^Report|CWERReporter finishing event handling. (00000000)"},
    {M_CL, 8, "AU|AU setting next sqm report timeout to $d"},
    {M_CL, 25,
     "*Misc|===========  Logging initialized (build: $B, tz: $z)  ===========\n"
     "*Misc|  = Process: C:\\Program Files (x86)\\Windows Media Player\\setup_wm.exe\n"
     "=*Misc|  = Module: C:\\Windows\\SysWOW64\\wuapi.dll\n"
     "<*COMAPI|-------------\n"
     "=*COMAPI|-- START --  COMAPI: Search [ClientId = <NULL>]\n"
     "=*COMAPI|---------\n"
     "*COMAPI|<<-- SUBMITTED -- COMAPI: Search [ClientId = <NULL>]\n"
     "Agent|*************\n"
     "=Agent|** START **  Agent: Finding updates [CallerId = ]\n"
     "=Agent|*********\n"
     "=Agent|  * Online = No; Ignore download priority = No\n"
     "=Agent|  * Criteria = \"DeploymentAction='Installation' AND IsInstalled=0 AND CategoryIDs "
     "contains '$4'\"\n"
     "Agent|  * ServiceID = {00000000-0000-0000-0000-000000000000} Third party service\n"
     "=Agent|  * Search Scope = {Machine}\n"
     "^Agent|  * Found 0 updates and 0 categories in search; evaluated appl. rules of 0 out of 0 "
     "deployed entities\n"
     "Agent|*********\n"
     "=Agent|**  END  **  Agent: Finding updates [CallerId = ]\n"
     "=Agent|*************\n"
     "*COMAPI|>>--  RESUMED  -- COMAPI: Search [ClientId = <NULL>]\n"
     "=*COMAPI|  - Updates found = 0\n"
     "=*COMAPI|---------\n"
     "=*COMAPI|--  END  --  COMAPI: Search [ClientId = <NULL>]\n"
     "=*COMAPI|-------------"},
    {M_CL, 20,
     "DnldMgr|*********** DnldMgr: New download job [UpdateId = {$0}.$n] ***********\n"
     "=DnldMgr|  * BITS job initialized, JobId = {$1}\n"
     "=DnldMgr|  * Downloading from $W/Content/$k$k/$3.cab to "
     "C:\\Windows\\SoftwareDistribution\\Download\\$6 (full file).\n"
     "^DnldMgr|  * BITS job completed successfully, JobId = {$1}\n"
     "=DnldMgr|  * Download completed for update {$0}.$n"},
    {M_CL, 15,
     "Handler|:::::::::::::\n"
     "=Handler|:: START ::  Handler: CBS Install\n"
     "=Handler|:::::::::\n"
     "=Handler|Starting install of CBS update $0\n"
     "Handler|CBS package identity: Package_for_KB$m~31bf3856ad364e35~amd64~~6.1.1.$k\n"
     "Handler|Installing self-contained with "
     "source=C:\\Windows\\SoftwareDistribution\\Download\\$6\\Windows6.1-KB$m-x64.cab\n"
     "^Handler|Completed install of CBS update with type=0, requiresReboot=0, installerError=0, "
     "hr=0x0\n"
     "=Handler|:::::::::\n"
     "=Handler|::  END  ::  Handler: CBS Install\n"
     "=Handler|:::::::::::::"},
    {M_CL, 15,
     "Report|REPORT EVENT: "
     "{$0}\t$r\t1\t147\t101\t{00000000-0000-0000-0000-000000000000}"
     "\t0\t0\tAutomaticUpdates\tSuccess\tSoftware Synchronization\tWindows Update Client "
     "successfully detected $k updates.\n"
     "=Report|REPORT EVENT: "
     "{$1}\t$r\t1\t156\t101\t{00000000-0000-0000-0000-000000000000}"
     "\t0\t0\tAutomaticUpdates\tSuccess\tPre-Deployment Check\tReporting client status.\n"
     "^Report|CWERReporter finishing event handling. (00000000)"},
    {M_CL, 6,
     "Report|REPORT EVENT: {$0}\t$r\t1\t181\t101\t{$1}\t501\t0\twusa\tSuccess\tContent "
     "Install\tInstallation Started: Windows successfully started the following update: Security "
     "Update for Windows (KB$m)"},
    {M_CL, 10,
     "Setup|Checking for agent SelfUpdate\n"
     "=Setup|Client version: Core: $B  Aux: $B\n"
     "Setup|Skipping SelfUpdate check based on the /SKIPIFDISABLED option\n"
     "Setup|SelfUpdate check completed.  SelfUpdate is NOT required."},
    {M_CL, 6,
     "Agent|  * Update {$0}.$n is pruned out due to potential supersedence\n"
     "=Agent|  * Update {$1}.$n is pruned out due to potential supersedence\n"
     "=Agent|  * Update {$2}.$n is pruned out due to potential supersedence"},
    {M_CL, 3,
     "Agent|  * Criteria = \"IsInstalled=0 and DeploymentAction='Installation' or IsPresent=1 and "
     "DeploymentAction='Uninstallation' or IsInstalled=1 and DeploymentAction='Installation' and "
     "RebootRequired=1 or IsInstalled=0 and DeploymentAction='Uninstallation' and RebootRequired=1 "
     "or IsInstalled=0 and CategoryIDs contains '$4' or IsInstalled=0 and CategoryIDs contains "
     "'$5' or IsInstalled=0 and CategoryIDs contains '$6' or IsInstalled=0 and CategoryIDs "
     "contains '$7'\""},
    {M_CL, 10,
     "AU|Triggering AU detection through DetectNow API\n"
     "=AU|Triggering Online detection (non-interactive)\n"
     "AU|AU received policy change subscription event"},
    {M_W8, 30,
     "IdleTmr|WU operation (CSearchCall::Init ID $i) started; operation # $o; does use network; is "
     "not at background priority\n"
     "=IdleTmr|Incremented idle timer priority operation counter to 1\n"
     "^IdleTmr|Decremented idle timer priority operation counter to 0\n"
     "IdleTmr|WU operation (CSearchCall::Init ID $i, operation # $p) stopped; does use network; is "
     "not at background priority"},
    {M_W8, 10,
     "IdleTmr|Idle timer disabled in preparation for service shutdown\n"
     "IdleTmr|Service shutdown request rejected: service is busy"},

    /* ---- WSUS server (SoftwareDistribution.log) ---- */
    {M_SRV, 60,
     "Info|WsusService.$w|EventLogEventReporter.ReportEvent|EventId=12032,Type=Information,"
     "Category=Health,Message=The Server Synchronization Web Service is working correctly.\n"
     "=Info|WsusService.$w|EventLogEventReporter.ReportEvent|EventId=12022,Type=Information,"
     "Category=Health,Message=The Client Web Service is working correctly.\n"
     "=Info|WsusService.$w|EventLogEventReporter.ReportEvent|EventId=12042,Type=Information,"
     "Category=Health,Message=The SimpleAuth Web Service is working correctly.\n"
     "=Info|WsusService.$w|EventLogEventReporter.ReportEvent|EventId=12052,Type=Information,"
     "Category=Health,Message=The DSS Authentication Web Service is working correctly.\n"
     "=Info|WsusService.$w|EventLogEventReporter.ReportEvent|EventId=12002,Type=Information,"
     "Category=Health,Message=The Reporting Web Service is working correctly.\n"
     "=Info|WsusService.$w|EventLogEventReporter.ReportEvent|EventId=12012,Type=Information,"
     "Category=Health,Message=The API Remoting Web Service is working correctly."},
    {M_SRV, 50,
     "Info|WsusService.$w|ContentSyncAgent.WakeUpWorkerThreadProc|ContentSyncAgent woke up\n"
     "Info|WsusService.$w|ContentSyncAgent.ContentSyncSPProcess|Processing $k content download "
     "requests\n"
     "^Info|WsusService.$w|ContentSyncAgent.ContentSyncSPProcess|ContentSyncAgent going to sleep"},
    {M_SRV, 40,
     "Info|WsusService.$w|EmailNotificationAgent.WakeUpWorkerThreadProc|EmailNotificationAgent "
     "woke up\n"
     "=Info|WsusService.$w|EmailNotificationAgent.WakeUpWorkerThreadProc|Found no items to report"},
    {M_SRV, 40,
     "Info|w3wp.$w|WebService.GetAuthorizationCookie|Issued authorization cookie, target group All "
     "Computers, expires in $k hours\n"
     "Info|w3wp.$w|ClientImplementation.GetCookie|Issued cookie for protocol version 1.20, "
     "expiration $d"},
    {M_SRV, 30,
     "Info|WsusService.$w|StateMachineReporter.ReportRollupToUpstream|Rollup of $n computers to "
     "upstream server skipped: not a replica\n"
     "Info|WsusService.$w|SusEventDispatcher.DispatchManagerWorkerThreadProc|Dispatching $k "
     "pending events"},
    {M_SRV, 25,
     "Info|WsusService.$w|DBConnection.OnReceivedDBConnectionChangedEvent|Database connection pool "
     "refreshed, $k connections\n"
     "Verbose|WsusService.$w|DBConnection.ExecuteCommandNoResult|spGetComputersToRollup completed "
     "in $n ms"},
    {M_SRV, 20,
     "Info|WsusService.$w|ContentSyncAgent.ContentSyncSPProcess|Download complete for file $l.cab "
     "($m bytes)\n"
     "=Info|WsusService.$w|ContentSyncAgent.ContentSyncSPProcess|Download complete for file $l.cab "
     "($m bytes)"},
    {M_SRV, 15,
     "Change|w3wp.$w|AdminDataAccess.SetConfiguration|Configuration changed by CORP\\wsusadmin: "
     "AutoRefreshDeployments\n"
     "Info|WsusService.$w|ServiceNotify.OnConfigurationChanged|Configuration change notification "
     "processed"},
    {M_SRV, 12,
     "Change|w3wp.$w|AdminDataAccess.DeployUpdate|Update $4 approved for install to target group "
     "$5 by CORP\\wsusadmin"},
    {M_SRV, 10,
     "Info|WsusService.$w|CatalogSyncAgentCore.ImportUpdates|Imported update $4 revision $m\n"
     "=Info|WsusService.$w|CatalogSyncAgentCore.ImportUpdates|Imported update $5 revision $m\n"
     "=Info|WsusService.$w|CatalogSyncAgentCore.ImportUpdates|Imported update $6 revision $m"},
    {M_SRV, 6,
     "Warning|WsusService.$w|ContentSyncAgent.ContentSyncSPProcess|Content file download failed. "
     "Reason: The operation has timed out. Source File: "
     "/c/msdownload/update/software/secu/2026/02/windows10.0-kb50$m-x64_$l.cab Destination File: "
     "D:\\WSUS\\WsusContent\\$k$k\\$l.cab"},
};

/* Error lines: *FAILED*, WARNING:, FATAL:, server Error entries. */
static const src_burst errors[] = {
    {M_ETW, 40,
     "Agent|*FAILED* [8024000E] wuauengcore.dll, "
     "C:\\__w\\1\\s\\src\\Client\\lib\\EndpointProviders\\EndpointProviders.cpp @1874"},
    {M_ETW, 25,
     "Handler|*FAILED* [80070032] Method failed [AppxPackage::Initialize:235]\n"
     "=Handler|*FAILED* [80070032] Method failed [AppxApplicabilityData::Initialize:543]"},
    {M_ETW, 20,
     "EEHandler|*FAILED* [80070032] EvaluateManifestBasedRule failed for update $4.$n, idExpr=$k"},
    {M_ETW, 10,
     "Handler|*FAILED* [80240007] wuauengcore.dll, "
     "C:\\__w\\1\\s\\src\\Client\\Engine\\handler\\AppX\\appxdownload.cpp @355"},
    {M_ETW, 6, "Agent|*FAILED* [8024043D] GetIsInventoryRequired"},
    {M_ETW, 12,
     "Misc|*FAILED* [$h] Send request\n"
     "=WebServices|*FAILED* [$h] Web service call"},
    {M_ETW, 8, "SLS|*FAILED* [$h] GetResponse for service 855E8A7C-ECB4-4CA3-B045-1DFA50104289"},
    {M_ETW, 5,
     "DownloadManager|*FAILED* [80D03805] DO job {$0} hit a transient error, updateId = $1.1 "
     "<NULL>"},
    {M_ETW, 5,
     "Agent|*FAILED* [$h] Method failed "
     "[CAgentUpdateManager::DetectAndToggleServiceScheduling:$n]"},

    {M_CL, 20,
     "Agent|WARNING: Failed to evaluate Installed rule, updateId = {$0}.$n, hr = 80070057"},
    {M_CL, 8,
     "Handler|FATAL: UH: 0x80070057: EvaluateApplicability failed in CCbs::EvaluateApplicability"},
    {M_CL, 15,
     "Misc|WARNING: Send failed with hr = $e.\n"
     "=Misc|WARNING: SendRequest failed with hr = $e. Proxy List used: <(null)> Bypass List used : "
     "<(null)> Auth Schemes used : <>"},
    {M_CL, 12,
     "Misc|WARNING: WinHttp: SendRequestUsingProxy failed for <$W/selfupdate/wuident.cab>. error "
     "0x$e\n"
     "=Misc|WARNING: WinHttp: SendRequestUsingProxy failed. error 0x$e\n"
     "=Misc|WARNING: WinHttp: ShouldFileBeDownloaded failed with 0x$e"},
    {M_CL, 8,
     "DnldMgr|WARNING: BITS job {$0} failed, updateId = {$1}.$n, hr = 0x$e, "
     "BG_ERROR_CONTEXT_REMOTE_FILE"},
    {M_CL, 5, "Setup|FATAL: IsUpdateRequired failed with error 0x$e"},
    {M_CL, 4,
     "Handler|FATAL: CBS called Error with 0x800736b3, \n"
     "=Handler|FATAL: Completed install of CBS update with type=0, requiresReboot=0, "
     "installerError=1, hr=0x800736b3"},

    /* ---- every bullet and code spelling of docs/EVENTS.md ----
     * Classic: bullets '*', '#', '-', '+' and none at several depths; 0x, 0X,
     * bare hex with letters anywhere, bare decimal digits after a code key
     * (hr=, hr = , error = , result = , error code , Exit code = , (hr=…),
     * failed with , status: , hresult ), codes in the C… and D… ranges, and
     * rule-3 lines (an error word and a code, no level word). */
    {M_CL, 3,
     "AU|  # WARNING: Search callback failed, result = 0x$h\n"
     "=AU|  # WARNING: Failed to find updates with error code $h"},
    {M_CL, 3,
     "*COMAPI|  - WARNING: Exit code = 0x00000000, Result code = 0x$h\n"
     "=*COMAPI|FATAL: Unable to complete asynchronous search. (hr=$h)"},
    {M_CL, 2, "PT|  + WARNING: Cookie refresh failed, hr = $e"},
    {M_CL, 2, "Agent|      * WARNING: Exit code = 0X$h"},
    {M_CL, 2, "Handler|\t* WARNING: Failed to delete the sandbox, hr=80070002"},
    {M_CL, 2, "DnldMgr|  * WARNING: Failed to copy the file, error = 80070005"},
    {M_CL, 2, "Agent|    * WARNING: Failed to query the update, result = 80070490"},
    {M_CL, 2, "Setup|  - WARNING: Exit code = 80070002"},
    {M_CL, 2, "Misc|WARNING: Sandbox cleanup failed with 80070003"},
    {M_CL, 2, "*COMAPI|FATAL: Unable to complete asynchronous download. (hr=80070002)"},
    {M_CL, 2, "Handler|  # WARNING: Install of update {$0} failed, status: 80070020"},
    {M_CL, 2, "Handler|WARNING: Commit of the CBS session failed, hresult 80073712"},
    {M_CL, 2, "AU|  # WARNING: Download failed with error code C8000710"},
    {M_CL, 2, "Handler|  + FATAL: Driver install failed, status = 0xD0000022"},
    {M_CL, 2, "DnldMgr|WARNING: BITS job {$0} failed, updateId = {$1}.$n, hr = 0x80D02002"},
    {M_CL, 2,
     "Setup|WARNING: SelfUpdate check failed to download package information, error = 0x$h\n"
     "=Setup|FATAL: SelfUpdate check failed, err = 0x$h"},
    {M_CL, 3,
     "Report|REPORT EVENT: {$0}\t$r\t1\t148\t101\t{00000000-0000-0000-0000-000000000000}\t0\t$e"
     "\tAutomaticUpdates\tFailure\tSoftware Synchronization\tWindows Update Client failed to "
     "detect "
     "with error 0x$e."},
    {M_CL, 2, "DnldMgr|  - Download of update {$0} failed, hr = $e"},
    {M_CL, 2, "Agent|Failed to synchronize, error code C8000710"},
    /* not events: success codes with error words, a failure-looking
     * number without a code key, GUID groups, no code at all */
    {M_CL, 2, "*COMAPI|  - WARNING: Exit code = 0x00000000, Result code = 0x00240001"},
    {M_CL, 2, "DnldMgr|  * Downloaded $b bytes failed the hash check, retrying"},
    {M_CL, 2, "Agent|  * WARNING: Failed to find update {$0} with error S_OK"},
    {M_CL, 2, "Agent|WARNING: Failed to find update with  global id of $5.$n"},
    {M_CL, 2, "DnldMgr|WARNING: BITS job {$0} failed, hr = 0x00000000, BG_ERROR_CONTEXT = 5"},

    /* ETW: the same spellings, and the Windows 10 lines that state an
     * error with a code outside a *FAILED* line. */
    {M_ETW, 3, "ProtocolTalker|GetCookie failed, hr = 0x$h"},
    {M_ETW, 3,
     "DownloadManager|DO job {$0} failed, updateId = $1.1, hr = 0x80D05011. File URL = "
     "http://2.tlu.dl.delivery.mp.microsoft.com/filestreamingservice/files/$4?P1=$m&P2=$n"},
    {M_ETW, 2, "DownloadManager|DO job {$0} failed, updateId = $1.1, hr = 0x80190193"},
    {M_ETW, 3,
     "Handler|ResetPendingBlocks: Directory "
     "C:\\WINDOWS\\SoftwareDistribution\\Download\\$y failed, 0x80070002 "},
    {M_ETW, 2,
     "Deployment|{$0} deployment completed: Status: Error, HR: 0x80070643, Extended HR: "
     "0x800F0922"},
    {M_ETW, 3,
     "ComApi|ClientId = UpdateOrchestrator: Exit code = 0x00000000; Call error code = "
     "0x80240022"},
    {M_ETW, 2,
     "Agent|WU client calls back to download call {$0} with code Call complete and error "
     "0x80240061"},
    {M_ETW, 3, "WebServices|Web service call failed with hr = $e."},
    {M_ETW, 2, "Misc|WARNING: Failed to get the proxy configuration, hr=0X$h"},
    {M_ETW, 2, "Misc|  * WARNING: Exit code = 0x$h"},
    {M_ETW, 2, "ComApi|FATAL: Unable to complete asynchronous search. (hr=$h)"},
    {M_ETW, 2, "Handler|  # Install failed, error code 80070002"},
    {M_ETW, 2, "Handler|    - Commit failed, Exit code = 80070005"},
    {M_ETW, 2, "Misc|  + Proxy detection failed, result = 0x$h"},
    {M_ETW, 2, "Handler|*FAILED* [C8000710] Method failed [CCbsHandler::Install:412]"},
    {M_ETW, 2, "DownloadManager|*FAILED* [80D02002] DO job {$0} hit a transient error"},
    {M_ETW, 2, "Agent|Failed to start the search, status = D0000022"},
    /* not events */
    {M_ETW, 3,
     "DownloadManager|DO job {$0} 403'd, updateId = $1.1, hr = 0x80190193, BG_ERROR_CONTEXT = "
     "5"},
    {M_ETW, 2,
     "ComApi|ClientId = UpdateOrchestrator: Exit code = 0x00000000; Call error code = "
     "0x00000000"},
    {M_ETW, 2, "DownloadManager|Downloaded $b bytes failed the hash check, retrying"},
    {M_ETW, 2, "Agent|Failed to find update with  global id of $1.$n (sessiondata = (null))"},
    {M_ETW, 2, "DownloadManager|  Progress failure bytes total = $b, bytes transferred = $b"},
    {M_ETW, 2,
     "Agent|WU client calls back to download call {$0} with code Call progress and error 0"},
    {M_ETW, 2, "Agent|Search warning: reboot required."},

    {M_SRV, 30,
     "Error|w3wp.$w|WebService.ProcessWebServiceRequest|System.Data.SqlClient.SqlException "
     "(0x80131904): Timeout expired.  The timeout period elapsed prior to completion of the "
     "operation or the server is not responding.\n"
     ">   at System.Data.SqlClient.SqlConnection.OnError(SqlException exception, Boolean "
     "breakConnection, Action`1 wrapCloseInAction)\n"
     ">   at System.Data.SqlClient.TdsParser.TryRun(RunBehavior runBehavior, SqlCommand "
     "cmdHandler, SqlDataReader dataStream, BulkCopySimpleResultSet bulkCopyHandler, "
     "TdsParserStateObject stateObj, Boolean& dataReady)\n"
     ">   at "
     "Microsoft.UpdateServices.DatabaseAccess.DBConnection.DrainObsoleteConnections(SqlException "
     "e)\n"
     ">   at Microsoft.UpdateServices.DatabaseAccess.DBConnection.ExecuteReader()\n"
     ">   at Microsoft.UpdateServices.Internal.DataAccess.ExecuteSPSyncUpdatesForCategory(Int32 "
     "deploymentRevision)"},
    {M_SRV, 15,
     "Error|WsusService.$w|WsusHealthMonitoring.CheckContentDirectory|System.IO.IOException: There "
     "is not enough space on the disk.\n"
     ">   at System.IO.__Error.WinIOError(Int32 errorCode, String maybeFullPath)\n"
     ">   at Microsoft.UpdateServices.HealthMonitoring.ContentHealth.CheckFreeSpace(String "
     "contentDirectory)"},
    {M_SRV, 10,
     "Error|w3wp.$w|ClientImplementation.GetExtendedUpdateInfo|System.InvalidOperationException: "
     "Revision $m is not known to this server\n"
     ">   at Microsoft.UpdateServices.Internal.ClientImplementation.GetExtendedUpdateInfo(Cookie "
     "cookie, Int32[] revisionIDs, XmlUpdateFragmentType[] infoTypes, String[] locales)\n"
     ">   at Microsoft.UpdateServices.Internal.Client.GetExtendedUpdateInfo(Cookie cookie, Int32[] "
     "revisionIDs, XmlUpdateFragmentType[] infoTypes, String[] locales)"},
};

/* The failure loop of a client that cannot reach its server (--profile
 * failing): a detection cycle that fails on the network or the proxy, as
 * failing Windows 7 clients log it (WARNING:/FATAL: chains, the AU and
 * COMAPI bullets, the REPORT EVENT) and as Windows 10 logs it (*FAILED*
 * chains and the lines that state an error with a code). $h/$e is the
 * client's failure code (render.c). */
static const src_burst loops[] = {
    {M_CL, 10,
     "AU|Triggering AU detection through DetectNow API\n"
     "=AU|Triggering Online detection (non-interactive)\n"
     "AU|#############\n"
     "=AU|## START ##  AU: Search for updates\n"
     "=AU|#########\n"
     "=AU|<<## SUBMITTED ## AU: Search for updates [CallId = {$0}]\n"
     "Agent|*************\n"
     "=Agent|** START **  Agent: Finding updates [CallerId = AutomaticUpdates]\n"
     "=Agent|*********\n"
     "=Agent|  * Online = Yes; Ignore download priority = No\n"
     "=Agent|  * ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed\n"
     "=Agent|  * Search Scope = {Machine}\n"
     "Setup|Checking for agent SelfUpdate\n"
     "=Setup|Client version: Core: $B  Aux: $B\n"
     "^Misc|WARNING: WinHttp: SendRequestUsingProxy failed for <$W/selfupdate/wuident.cab>. "
     "error 0x$e\n"
     "=Misc|WARNING: WinHttp: SendRequestUsingProxy failed. error 0x$e\n"
     "=Misc|WARNING: WinHttp: ShouldFileBeDownloaded failed with 0x$e\n"
     "=Misc|WARNING: DownloadFileInternal failed for $W/selfupdate/wuident.cab: error 0x$e\n"
     "=Setup|WARNING: SelfUpdate check failed to download package information, error = 0x$h\n"
     "=Setup|FATAL: SelfUpdate check failed, err = 0x$h\n"
     "=Agent|  * WARNING: Skipping scan, self-update check returned 0x$h\n"
     "=Agent|  * WARNING: Exit code = 0x$h\n"
     "Agent|*********\n"
     "=Agent|**  END  **  Agent: Finding updates [CallerId = AutomaticUpdates]\n"
     "=Agent|*************\n"
     "=Agent|WARNING: WU client failed Searching for update with error 0x$e\n"
     "AU|>>##  RESUMED  ## AU: Search for updates [CallId = {$0}]\n"
     "=AU|  # WARNING: Search callback failed, result = 0x$h\n"
     "=AU|  # WARNING: Failed to find updates with error code $h\n"
     "=AU|#########\n"
     "=AU|##  END  ##  AU: Search for updates [CallId = {$0}]\n"
     "=AU|#############\n"
     "=AU|AU setting next detection timeout to $d\n"
     "^Report|REPORT EVENT: {$1}\t$r\t1\t148\t101\t{00000000-0000-0000-0000-000000000000}\t0\t$e"
     "\tAutomaticUpdates\tFailure\tSoftware Synchronization\tWindows Update Client failed to "
     "detect with error 0x$e."},
    {M_CL, 8,
     "*COMAPI|-------------\n"
     "=*COMAPI|-- START --  COMAPI: Search [ClientId = AutomaticUpdatesWuApp]\n"
     "=*COMAPI|---------\n"
     "=*COMAPI|<<-- SUBMITTED -- COMAPI: Search [ClientId = AutomaticUpdatesWuApp]\n"
     "PT|WARNING: Cached cookie has expired or new PID is available\n"
     "^Misc|WARNING: Send failed with hr = $e.\n"
     "=Misc|WARNING: SendRequest failed with hr = $e. Proxy List used: <proxy.corp.example:8080> "
     "Bypass List used : <(null)> Auth Schemes used : <>\n"
     "=PT|  + Last proxy used: <proxy.corp.example:8080>\n"
     "=PT|WARNING: PTError: 0x$h\n"
     "=PT|WARNING: GetCookie_WithRecovery failed : 0x$h\n"
     "=PT|WARNING: RefreshCookie failed: 0x$h\n"
     "=PT|WARNING: RefreshPTState failed: 0x$h\n"
     "=PT|WARNING: Sync of Updates: 0x$h\n"
     "=PT|WARNING: SyncServerUpdatesInternal failed: 0x$h\n"
     "=Agent|  * WARNING: Failed to synchronize, error = 0x$h\n"
     "=Agent|  * WARNING: Exit code = 0x$h\n"
     "*COMAPI|>>--  RESUMED  -- COMAPI: Search [ClientId = AutomaticUpdatesWuApp]\n"
     "=*COMAPI|  - Updates found = 0\n"
     "=*COMAPI|  - WARNING: Exit code = 0x00000000, Result code = 0x$h\n"
     "=*COMAPI|---------\n"
     "=*COMAPI|--  END  --  COMAPI: Search [ClientId = AutomaticUpdatesWuApp]\n"
     "=*COMAPI|-------------\n"
     "*COMAPI|FATAL: Unable to complete asynchronous search. (hr=$h)"},
    {M_ETW, 10,
     "IdleTimer|WU operation (SR.Windows Update Agent ID $i) started; operation # $o; does use "
     "network; is at background priority\n"
     "ProtocolTalker|OK to reuse existing configuration\n"
     "=ProtocolTalker|Existing cookie is valid, just use it\n"
     "^WebServices|WS error: There was an error communicating with the endpoint at "
     "'$W/ClientWebService/client.asmx'.\n"
     "=WebServices|WS error: There was an error sending the HTTP request.\n"
     "=WebServices|WS error: The operation timed out\n"
     "=WebServices|Web service call failed with hr = $e.\n"
     "=WebServices|Current service auth scheme=0.\n"
     "=WebServices|Current Proxy auth scheme=0.\n"
     "=WebServices|*FAILED* [$h] Web service call\n"
     "ProtocolTalker|*FAILED* [$h] SyncUpdates_WithRecovery failed\n"
     "ProtocolTalker|*FAILED* [$h] Sync of Updates\n"
     "ProtocolTalker|*FAILED* [$h] SyncServerUpdatesInternal failed\n"
     "Agent|*FAILED* [$h] Synchronize\n"
     "=Agent|*FAILED* [$h] Method failed [CAgentUpdateManager::DetectAndToggleServiceScheduling:"
     "$n]\n"
     "IdleTimer|WU operation (SR.Windows Update Agent ID $i, operation # $p) stopped; does use "
     "network; is at background priority\n"
     "ComApi|ClientId = UpdateOrchestrator: Exit code = 0x00000000; Call error code = 0x$h"},
    {M_ETW, 6,
     "SLS|Get response for service 855E8A7C-ECB4-4CA3-B045-1DFA50104289 - forceExpire[False] "
     "asyncRefreshOnExpiry[False]\n"
     "SLS|path used for cache lookup: "
     "/SLS/{855E8A7C-ECB4-4CA3-B045-1DFA50104289}/x64/10.0.19045.$n/0?CH=$n&L=en-US&P=&PT=0x30&"
     "WUA=$V&MK=$A&MD=$I\n"
     "^Misc|*FAILED* [$h] Send request\n"
     "=Misc|*FAILED* [$h] Download SLS\n"
     "=SLS|*FAILED* [$h] GetResponse for service 855E8A7C-ECB4-4CA3-B045-1DFA50104289\n"
     "=ProtocolTalker|GetCookie failed, hr = 0x$h"},
    {M_ETW, 4,
     "DownloadManager|DO job {$0} failed, updateId = $1.1, hr = 0x80D05011. File URL = "
     "http://2.tlu.dl.delivery.mp.microsoft.com/filestreamingservice/files/$4?P1=$m&P2=$n\n"
     "=DownloadManager|*FAILED* [80D05011] DO job {$0} hit a transient error, updateId = $1.1 "
     "<NULL>\n"
     "DownloadManager|DO job {$0} 403'd, updateId = $1.1, hr = 0x80190193, BG_ERROR_CONTEXT = 5"},
};

/* Network and proxy failures: timeouts, no proxy, 407, server unreachable. */
const uint32_t wl_gen_fail_hr[] = {0x80072EE2, 0x80072EFD, 0x8024402C, 0x80244022,
                                   0x8024401C, 0x80072EE7, 0x80072F8F, 0x80244019};
const unsigned wl_gen_fail_nhr = 8;

const uint32_t wl_gen_noise_hr[] = {0x8024402F, 0x80072EE2, 0x8024000E, 0x80070032,
                                    0x80240007, 0x8024401C, 0x80244022, 0x8024402C};
const unsigned wl_gen_noise_nhr = 8;

static wl_gen_noise tables[WL_GEN_FAM_N];
static wl_gen_noise etables[WL_GEN_FAM_N];
static wl_gen_noise ltables[WL_GEN_FAM_N];

static void build(wl_gen_noise *out, const src_burst *src, size_t n, unsigned fam)
{
	unsigned k = 0;
	for (size_t i = 0; i < n; i++)
		k += (src[i].mask >> fam) & 1;
	out->b = calloc(k ? k : 1, sizeof *out->b);
	if (!out->b) {
		fprintf(stderr, "wsuslog-gen: out of memory\n");
		exit(1);
	}
	uint32_t cum = 0;
	double bytes = 0;
	unsigned max_fields = fam == WL_GEN_FAM_SERVER ? 4 : 2;
	for (size_t i = 0; i < n; i++) {
		if (!((src[i].mask >> fam) & 1))
			continue;
		wl_gen_burst *b = &out->b[out->n++];
		b->tpl = wl_gen_tpl_compile(src[i].text, max_fields);
		cum += src[i].weight;
		b->cum = cum;
		bytes += (double)src[i].weight * b->tpl.approx_bytes;
	}
	out->total = cum;
	out->avg_bytes = cum ? bytes / cum : 100;
}

void wl_gen_noise_init(void)
{
	for (unsigned f = 0; f < WL_GEN_FAM_N; f++) {
		build(&tables[f], bursts, sizeof bursts / sizeof *bursts, f);
		build(&etables[f], errors, sizeof errors / sizeof *errors, f);
		build(&ltables[f], loops, sizeof loops / sizeof *loops, f);
	}
}

const wl_gen_noise *wl_gen_noise_get(wl_gen_family f)
{
	return &tables[f];
}

const wl_gen_noise *wl_gen_noise_errors(wl_gen_family f)
{
	return &etables[f];
}

const wl_gen_noise *wl_gen_noise_loops(wl_gen_family f)
{
	return &ltables[f];
}

const wl_gen_burst *wl_gen_noise_pick(const wl_gen_noise *n, wl_gen_rng *r)
{
	uint32_t x = wl_gen_below(r, n->total);
	unsigned lo = 0, hi = n->n - 1;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (n->b[mid].cum > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return &n->b[lo];
}
