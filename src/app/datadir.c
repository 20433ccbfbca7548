/* Search path for panels/ and themes/ files. */
#include "config.h"
#include "app/datadir.h"
#include "core/xalloc.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The directory of the running binary, or NULL. */
static char *exe_dir(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return xstrdup(buf);
}

static int exists(const char *dir, const char *file)
{
	char *p = xasprintf("%s/%s", dir, file);
	int r = access(p, R_OK) == 0;
	free(p);
	return r;
}

/* Where KIND files are looked for, in order: the user's, ICN_CONSOLE_DATADIR,
 * the source tree of an uninstalled build (build/icn-console beside configure.ac),
 * the install's, and a relocated install (bin/../share/icn-console). */
static size_t dirs_of(const char *kind, char **out, size_t cap)
{
	size_t n = 0;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg && n < cap)
		out[n++] = xasprintf("%s/icn-console/%s", xdg, kind);
	else if (home && *home && n < cap)
		out[n++] = xasprintf("%s/.config/icn-console/%s", home, kind);
	const char *dd = getenv("ICN_CONSOLE_DATADIR");
	if (dd && *dd && n < cap)
		out[n++] = xasprintf("%s/%s", dd, kind);
	char *ed = exe_dir();
	if (ed) {
		char *up = xasprintf("%s/..", ed);
		if (exists(up, "configure.ac") && n < cap)
			out[n++] = xasprintf("%s/%s", up, kind);
		else if (exists(ed, "configure.ac") && n < cap)
			out[n++] = xasprintf("%s/%s", ed, kind);
		free(up);
	}
	if (n < cap)
		out[n++] = xasprintf("%s/%s", PKGDATADIR, kind);
	if (ed && n < cap) {
		/* a relocated install; the same place as PKGDATADIR is not listed twice */
		char *rel = xasprintf("%s/../share/icn-console/%s", ed, kind);
		char *a = realpath(rel, NULL), *b = realpath(out[n - 1], NULL);
		if (a && b && strcmp(a, b) == 0)
			free(rel);
		else
			out[n++] = rel;
		free(a);
		free(b);
	}
	free(ed);
	return n;
}

char *datadir_find(const char *kind, const char *name, char **searched)
{
	if (searched)
		*searched = NULL;
	size_t l = strlen(name);
	if (strchr(name, '/') || (l > 5 && strcmp(name + l - 5, ".yaml") == 0)) {
		if (access(name, R_OK) == 0)
			return xstrdup(name);
		if (searched)
			*searched = xstrdup(name);
		return NULL;
	}
	char *dirs[6];
	size_t n = dirs_of(kind, dirs, 6);
	char *found = NULL;
	strbuf_t s;
	sb_init(&s);
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s.yaml", dirs[i], name);
		if (!found && access(p, R_OK) == 0)
			found = xstrdup(p);
		sb_printf(&s, "%s%s", s.len ? ", " : "", p);
		free(p);
		free(dirs[i]);
	}
	if (!found && searched)
		*searched = sb_steal(&s);
	sb_free(&s);
	return found;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *datadir_list(const char *kind)
{
	char *dirs[6];
	size_t n = dirs_of(kind, dirs, 6);
	char **names = NULL;
	size_t nn = 0, cap = 0;
	for (size_t i = 0; i < n; i++) {
		DIR *dp = opendir(dirs[i]);
		struct dirent *e;
		while (dp && (e = readdir(dp))) {
			size_t l = strlen(e->d_name);
			if (l <= 5 || strcmp(e->d_name + l - 5, ".yaml") != 0)
				continue;
			char *nm = xstrndup(e->d_name, l - 5);
			int dup = 0;
			for (size_t k = 0; k < nn && !dup; k++)
				dup = strcmp(names[k], nm) == 0;
			if (dup) {
				free(nm);
				continue;
			}
			names = xgrow(names, &cap, nn + 1, sizeof *names);
			names[nn++] = nm;
		}
		if (dp)
			closedir(dp);
		free(dirs[i]);
	}
	qsort(names, nn, sizeof *names, cmp_str);
	strbuf_t o;
	sb_init(&o);
	for (size_t k = 0; k < nn; k++) {
		sb_printf(&o, "%s%s", k ? ", " : "", names[k]);
		free(names[k]);
	}
	free(names);
	return sb_steal(&o);
}

char *datadir_runbook(const char *alertname)
{
	/* an alert name comes from outside: only a plain name may become a path */
	if (!alertname || !*alertname || strlen(alertname) > 200)
		return NULL;
	for (const char *p = alertname; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-' || *p == ':'))
			return NULL;
	/* installed under runbooks/; in a source tree they live in docs/runbooks/ */
	static const char *const kinds[] = { "runbooks", "docs/runbooks" };
	for (size_t k = 0; k < 2; k++) {
		char *dirs[6];
		size_t n = dirs_of(kinds[k], dirs, 6);
		char *found = NULL;
		for (size_t i = 0; i < n; i++) {
			char *p = xasprintf("%s/%s.md", dirs[i], alertname);
			if (!found && access(p, R_OK) == 0)
				found = p;
			else
				free(p);
			free(dirs[i]);
		}
		if (found)
			return found;
	}
	return NULL;
}
