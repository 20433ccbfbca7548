/* A debug log to a file (--log FILE), never to the screen. */
#ifndef ICN_LOG_H
#define ICN_LOG_H

/* Open the log; NULL path or failure leaves logging off. Returns 0 or -1. */
int log_open(const char *path);
void log_close(void);
int log_enabled(void);
/* A line "HH:MM:SS.mmm message". */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
