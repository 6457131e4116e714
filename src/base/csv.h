/* csv — a streaming RFC 4180 reader with constant memory and line numbers.
 *
 * Records are read one at a time from a file (in 1 MiB chunks) or from memory. Fields
 * point into the reader's buffer and stay valid until the next csv_next() call. Quoted
 * fields may hold commas, doubled quotes and line breaks; LF and CRLF line ends are both
 * accepted; a UTF-8 byte-order mark at the start is skipped. A record longer than
 * CSV_MAX_RECORD bytes or with more than CSV_MAX_FIELDS fields is an error (the memory
 * bound holds whatever the input). A carriage return outside quotes that does not end a
 * CRLF line is an error too: a file with CR-only line ends (old Mac text) would otherwise
 * read as one long header line and lose every row silently.
 */
#ifndef TRUCE_CSV_H
#define TRUCE_CSV_H

#include <stddef.h>
#include <stdio.h>
#include "truce.h"

#define CSV_MAX_RECORD (16u << 20)
#define CSV_MAX_FIELDS 10000u

typedef struct csv_field {
    const char *ptr;  /* not NUL-terminated; may contain NUL bytes (see has_nul) */
    size_t len;
    int quoted;
} csv_field;

typedef struct csv_record {
    csv_field *fields;
    size_t n;          /* number of fields */
    long line;         /* line number where the record starts (1-based) */
    int has_nul;       /* a NUL byte occurs somewhere in the record */
    int malformed;     /* text after a closing quote, e.g. "abc"x */
    int bad_utf8;      /* the record is not valid UTF-8 (see csv_utf8_valid) */
} csv_record;

typedef struct csv_reader csv_reader;

/* fopen(path, "rb") for a regular file only: a FIFO, a pipe, a socket, a device or a
 * folder is refused without blocking (opening a FIFO for reading waits for a writer).
 * On failure returns NULL and sets *why to the reason (strerror text, or "not a regular
 * file (a FIFO or pipe)" and the like). */
FILE *csv_fopen_regular(const char *path, const char **why);

/* Open a file; on failure returns NULL and fills err (exit-code class 2, naming the file). */
csv_reader *csv_open_file(const char *path, truce_error *err);
/* Read from memory (not copied; must outlive the reader). `name` is used in messages. */
csv_reader *csv_open_memory(const char *name, const char *data, size_t len);
void csv_close(csv_reader *r);
const char *csv_name(const csv_reader *r);

/* Next record: 1 when one was read, 0 at end of input, -1 on error (err filled: an
 * unterminated quote, a record over CSV_MAX_RECORD or CSV_MAX_FIELDS, a bare CR line end,
 * a read error). A blank line is a
 * record with one empty field. */
int csv_next(csv_reader *r, csv_record *rec, truce_error *err);

/* Bytes consumed so far (for progress). */
size_t csv_offset(const csv_reader *r);

/* 1 if [p, p+n) is valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
int csv_utf8_valid(const char *p, size_t n);

/* Field helpers: exact comparison with a C string, and copy into a NUL-terminated buffer
 * (truncating to cap-1 bytes; returns the field length). */
int csv_field_is(const csv_field *f, const char *s);
/* Index of the first header field whose non-empty name an earlier field already has, or
 * -1 when every name is distinct (a duplicated column would be read from either copy). */
long csv_header_duplicate(const csv_record *h);
/* A decimal number as docs/scenario.md defines it: [+-]digits[.digits][e[+-]digits]
 * (also ".5", "5."): no spaces, hexadecimal, nan, inf or underscores. Returns 0 and *out,
 * -1 when not such a number (or longer than 511 bytes), -2 when it overflows. */
int csv_parse_decimal(const char *p, size_t n, double *out);
size_t csv_field_copy(const csv_field *f, char *out, size_t cap);

#endif
