/*
 * nj_writer.h - atomic result files beside a report.
 *
 * For a report NAME the writer produces NAME.nianjian.txt (UTF-8 with BOM, CRLF line
 * ends, for Windows Notepad) and NAME.nianjian.json, each through a hidden temporary
 * name in the same folder (".NAME.nianjian.tmp.PID.RANDOM", created with
 * O_CREAT|O_EXCL|O_NOFOLLOW), fsync, rename, and finally an fsync of the folder.  The
 * JSON file is renamed last: its presence marks the report as checked.  Nothing is ever
 * written through a symlink, and a reader never sees a partial file.
 */
#ifndef NJ_WRITER_H
#define NJ_WRITER_H

#include <stddef.h>

#include "nj_config.h"
#include "nj_core.h"

/* Writes the result files for REPORT_PATH.  Returns 0, or a negative errno with a
 * message in ERR. */
int nj_writer_write(const char *report_path, const struct nj_result *res, unsigned formats,
                    char *err, size_t err_size);

/* The same relative to the open folder DIRFD, for the report named BASE in it. */
int nj_writer_write_at(int dirfd, const char *base, const struct nj_result *res, unsigned formats,
                       char *err, size_t err_size);

/* Writes LEN bytes of DATA as DIRFD/NAME atomically (temp, fsync, rename; no dir fsync).
 * Used for the writer's files and the daemon's state files. */
int nj_writer_atomic_at(int dirfd, const char *name, const void *data, size_t len, char *err,
                        size_t err_size);

#endif
