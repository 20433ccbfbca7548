/* Making outside text safe for a terminal. */
#ifndef ICN_TEXT_H
#define ICN_TEXT_H
#include <stddef.h>

/* A malloc'd copy of s that a terminal cannot be steered by: tab, CR and LF
 * become spaces; other C0 controls, DEL, C1 controls (raw bytes or U+0080..U+009F)
 * invalid UTF-8, bidi controls and invisible format characters become '?'.
 * Valid printable UTF-8 is kept. NULL -> "". */
char *text_sanitize(const char *s);

/* Bidi controls (U+202A..U+202E, U+2066..U+2069, U+200E/F, U+061C), the line
 * and paragraph separators (U+2028, U+2029) and invisible format characters
 * (zero-width spaces and joiners, U+FEFF, ...):
 * shown as '?' wherever outside text is drawn. */
int text_is_format_control(unsigned codepoint);

/*
 * A log line (n bytes, NULs allowed) made visible and harmless for display,
 * every byte accounted for:
 *   C0 controls and DEL in caret notation (ESC "^[", BEL "^G", LF "^J", NUL "^@",
 *   DEL "^?"), so an escape sequence shows as "^[[31m" and does nothing;
 *   tabs expanded with spaces to the next multiple of 8 code points;
 *   C1 controls (U+0080..U+009F) and format controls (bidi overrides and
 *   isolates, zero-width characters, see text_is_format_control) as "<U+202E>";
 *   bytes that are not valid UTF-8 as "\xNN".
 * The result is valid UTF-8 and NUL-terminated, its length in *out_len (may
 * be NULL). When it would pass `max` bytes (0: no cap; less than 64 counts as
 * 64) it is cut on a character boundary and ends with " [+N bytes]", N the
 * bytes of the line not shown, the whole within `max` bytes.
 */
char *text_render_line(const char *s, size_t n, size_t max, size_t *out_len);
#define TEXT_RENDER_MARKER_MAX 32 /* the longest " [+N bytes]" marker, and then some */

/* At most `max` bytes of s (NULL: ""), cut on a UTF-8 character boundary and
 * ended with "..." when cut (malloc'd). The text is not sanitised. */
char *text_excerpt(const char *s, size_t max);

/* n bytes of outside text (NULs allowed) as one printable line (malloc'd):
 * sanitised as text_sanitize, runs of blanks folded to one space, trimmed, cut
 * at `max` bytes with text_excerpt's "...". "" when nothing is left. */
char *text_one_line(const char *s, size_t n, size_t max);
/* Standard base64 (RFC 4648, with padding) of n bytes, NUL-terminated (malloc'd). */
char *text_base64(const void *data, size_t n);
/* The OSC 52 sequence that puts n bytes into the terminal's clipboard:
 * "ESC ] 52 ; c ; BASE64 BEL" (malloc'd). Any bytes are safe to pass: only
 * their base64 reaches the terminal. */
char *text_osc52(const void *data, size_t n);

#endif
