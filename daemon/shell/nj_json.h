/*
 * nj_json.h - just enough JSON reading for the shell: top-level fields of one object.
 *
 * The shell reads back JSON it or the core wrote (result files, journal lines, replayed
 * events) to find a few fields.  Nested values are skipped correctly; strings are
 * unescaped (\uXXXX to UTF-8).  Input may be hostile: every read is bounded.
 */
#ifndef NJ_JSON_H
#define NJ_JSON_H

#include <stddef.h>
#include <stdint.h>

/* Finds top-level KEY of the object in JSON[0..LEN).  On success returns 0 and the raw
 * value's span in *VAL / *VAL_LEN; -1 when absent or when the text is not an object. */
int nj_json_find(const char *json, size_t len, const char *key, const char **val, size_t *val_len);

/* The string value of KEY, unescaped into OUT (NUL-terminated).  Returns 0, or -1 when
 * absent, not a string, or longer than SIZE - 1 bytes. */
int nj_json_get_str(const char *json, size_t len, const char *key, char *out, size_t size);

/* The unsigned integer value of KEY.  Returns 0 or -1. */
int nj_json_get_u64(const char *json, size_t len, const char *key, uint64_t *out);

/* Appends S as a JSON string literal (with quotes) to OUT; returns bytes needed
 * (like snprintf), never writing more than SIZE. */
size_t nj_json_quote(char *out, size_t size, const char *s);

#endif
