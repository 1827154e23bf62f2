# What `cmake --install` puts where (GNUInstallDirs: CMAKE_INSTALL_PREFIX and
# DESTDIR apply) and the Debian package `cpack -G DEB` makes of it: the two
# programs, their man pages (section 1), their bash completion, and
# wsuslog.so, which lets the sqlite3 shell read `events` (docs/SCHEMA.md).
# Nothing else (headers, static libraries, wsuslog-gen, tests) is installed.
include(GNUInstallDirs)

install(TARGETS wsuslog-index wsuslog-query RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# A loadable SQLite extension, not a library programs link: in a folder of
# its own under libdir, as Debian keeps plugins (sqlite3: .load
# /usr/lib/wsuslog/wsuslog).
if(TARGET wsuslog-sqlite)
  install(TARGETS wsuslog-sqlite LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/wsuslog)
endif()

# Man pages: docs/man/*.1.in with the version filled in, then gzip -9n, as
# Debian ships them (-n: no name or time in the header, so two builds give
# the same bytes). man reads the .gz wherever it is installed.
set(WL_MAN_PAGES wsuslog-index wsuslog-query)
set(_wl_man_gz)
foreach(page ${WL_MAN_PAGES})
  set(src ${PROJECT_SOURCE_DIR}/docs/man/${page}.1.in)
  set(man ${PROJECT_BINARY_DIR}/man/${page}.1)
  configure_file(${src} ${man} @ONLY)
  add_custom_command(OUTPUT ${man}.gz
    COMMAND gzip -9nkf ${man}
    DEPENDS ${man} ${src}
    COMMENT "gzip man page ${page}.1" VERBATIM)
  list(APPEND _wl_man_gz ${man}.gz)
endforeach()
add_custom_target(wl_man_pages ALL DEPENDS ${_wl_man_gz})
install(FILES ${_wl_man_gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# bash completion: one script, under each program's name, where
# bash-completion looks for a command's completion when it is first used
# (/usr/share/... for the package; it also searches /usr/local/share/...).
foreach(prog wsuslog-index wsuslog-query)
  install(FILES ${PROJECT_SOURCE_DIR}/completion/wsuslog.bash
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ${prog})
endforeach()

# The Debian package: wsuslog_<version>_<arch>.deb, its version from
# project(), its Depends computed by dpkg-shlibdeps from the binaries
# (dpkg-dev; scripts/setup installs it), never typed in here.
set(WL_DEB_MAINTAINER "wsuslog maintainers <maintainers@wsuslog.invalid>" CACHE STRING
    "Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wsuslog)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${WL_DEB_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "offline indexer for WSUS server and client logs")
# (lines kept under 80 columns, as dpkg shows them)
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "wsuslog-index reads Windows Server Update Services logs (client"
  "WindowsUpdate.log, server SoftwareDistribution.log, ClientWebService"
  "web.config), plain, zstd-compressed or in archives, and writes an SQLite"
  "index of error events by server, client and GUID. wsuslog-query reports"
  "from it: which servers hit maxInstalledPrerequisites or maxCachedUpdates,"
  "error codes with their WU_E_* names, every record of one fault GUID.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3, bash-completion")
set(CPACK_STRIP_FILES ON)
include(CPack)
