# External libraries, all from Debian packages (scripts/setup installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
if(WL_STATIC)
  set(_wl_static STATIC)
endif()
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET ${_wl_static} sqlite3)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET ${_wl_static} libzstd)
pkg_check_modules(ARCHIVE REQUIRED IMPORTED_TARGET ${_wl_static} libarchive)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET ${_wl_static} libxxhash)
# The ClickHouse store's HTTP client (libcurl4-openssl-dev) and its gzip
# request bodies (zlib1g-dev, which libcurl needs anyway).
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET ${_wl_static} libcurl)
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET ${_wl_static} zlib)
if(WL_BUILD_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()
