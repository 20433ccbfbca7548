/* Search path for panels/ and themes/ files. */
#include "config.h"
#include "app/datadir.h"
#include "core/xalloc.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	if (n < cap)
		out[n++] = xasprintf("%s/%s", PKGDATADIR, kind);
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
	char *dirs[4];
	size_t n = dirs_of(kind, dirs, 4);
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

char *datadir_list(const char *kind)
{
	char *dirs[4];
	size_t n = dirs_of(kind, dirs, 4);
	strbuf_t s;
	sb_init(&s);
	for (size_t i = 0; i < n; i++) {
		DIR *dp = opendir(dirs[i]);
		struct dirent *e;
		while (dp && (e = readdir(dp))) {
			size_t l = strlen(e->d_name);
			if (l <= 5 || strcmp(e->d_name + l - 5, ".yaml") != 0)
				continue;
			char *nm = xstrndup(e->d_name, l - 5);
			/* the first directory that has a name wins; list it once */
			char *pat = xasprintf(",%s,", nm);
			char *have = xasprintf(",%s,", s.s ? s.s : "");
			if (!strstr(have, pat))
				sb_printf(&s, "%s%s", s.len ? "," : "", nm);
			free(pat);
			free(have);
			free(nm);
		}
		if (dp)
			closedir(dp);
		free(dirs[i]);
	}
	/* present with spaces after commas */
	strbuf_t o;
	sb_init(&o);
	for (size_t i = 0; i < s.len; i++) {
		sb_add(&o, &s.s[i], 1);
		if (s.s[i] == ',')
			sb_add(&o, " ", 1);
	}
	sb_free(&s);
	return sb_steal(&o);
}
