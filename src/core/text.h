/* Making outside text safe for a terminal. */
#ifndef ICN_TEXT_H
#define ICN_TEXT_H

/* A malloc'd copy of s that a terminal cannot be steered by: tab, CR and LF
 * become spaces; other C0 controls, DEL, C1 controls (raw bytes or U+0080..U+009F)
 * and invalid UTF-8 become '?'. Valid printable UTF-8 is kept. NULL -> "". */
char *text_sanitize(const char *s);

#endif
