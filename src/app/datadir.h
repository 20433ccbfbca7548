/* Where dashboards and themes are found: the user's config dir first, then the install. */
#ifndef ICN_DATADIR_H
#define ICN_DATADIR_H

/*
 * Find `name` of `kind` ("panels" or "themes"). A name with a '/' or ending in
 * ".yaml" is a path taken as it is. Otherwise NAME.yaml is looked for in
 * $XDG_CONFIG_HOME/icn-console/KIND (or ~/.config/icn-console/KIND),
 * $ICN_CONSOLE_DATADIR/KIND, the source tree of an uninstalled build (the binary
 * in the tree or in a build dir inside it), PKGDATADIR/KIND, then
 * BINDIR/../share/icn-console/KIND (a relocated install). Returns a malloc'd path that
 * exists, or NULL with *searched (malloc'd) listing the places tried.
 */
char *datadir_find(const char *kind, const char *name, char **searched);
/* Names (without .yaml) available of a kind, sorted, comma-separated, malloc'd. */
char *datadir_list(const char *kind);

/* The runbook of an alert: NAME.md under runbooks/ in the same places (and
 * docs/runbooks/ of a source tree). NULL when there is none or the name is not
 * a plain alert name (letters, digits, _ - :). Malloc'd path. */
char *datadir_runbook(const char *alertname);

#endif
