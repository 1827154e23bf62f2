/* The --version text of both programs: one home, so wsuslog-index and
 * wsuslog-query report the same way. */
#ifndef WSUSLOG_VERSION_H
#define WSUSLOG_VERSION_H

#include <stdio.h>

/* Writes "PROGRAM VERSION" (VERSION from project() in CMakeLists.txt), then
 * one line naming the SQLite, zstd and libarchive versions loaded at run
 * time (which may differ from the headers built against: a bug report needs
 * the ones actually in use). Returns 0, or -1 if writing to out failed. */
int wl_version_print(FILE *out, const char *program);

#endif
