/* The debug log: one file, line-buffered, time-stamped. */
#include "config.h"
#include "core/log.h"
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static FILE *log_fp;

void log_close(void);

int log_open(const char *path)
{
	if (!path)
		return 0;
	log_close();
	log_fp = fopen(path, "a");
	if (!log_fp)
		return -1;
	setvbuf(log_fp, NULL, _IOLBF, 0);
	return 0;
}

void log_close(void)
{
	if (log_fp)
		fclose(log_fp);
	log_fp = NULL;
}

int log_enabled(void)
{
	return log_fp != NULL;
}

void log_msg(const char *fmt, ...)
{
	if (!log_fp)
		return;
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	char ts[16];
	strftime(ts, sizeof ts, "%H:%M:%S", &tm);
	fprintf(log_fp, "%s.%03ld ", ts, (long)(tv.tv_usec / 1000));
	va_list ap;
	va_start(ap, fmt);
	vfprintf(log_fp, fmt, ap);
	va_end(ap);
	fputc('\n', log_fp);
}
