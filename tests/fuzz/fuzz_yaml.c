/* Fuzz target: the YAML loaders (config file + context resolution, dashboards, themes). */
#include "config.h"
#include "fuzz.h"
#include "core/conf.h"
#include "core/panels.h"
#include "core/theme.h"
#include <math.h>

/* A loader's answer on failure: "NAME:LINE:COL: message", never empty. */
static void check_err(const char *err, size_t errlen)
{
	FUZZ_CHECK(memchr(err, '\0', errlen) != NULL);
	FUZZ_CHECK(err[0] != '\0');
}

static int is_url(const char *s)
{
	return s && (!strncmp(s, "http://", 7) || !strncmp(s, "https://", 8));
}

/* A fixed environment, as a shell would hand the console. */
static const char *fake_env(const char *name)
{
	if (!strcmp(name, "ALERTMANAGER_URL"))
		return " http://am1:9093, ,http://am2:9093/ ";
	if (!strcmp(name, "LOKI_ORG_ID"))
		return "tenant";
	return NULL;
}

static const char *no_env(const char *name)
{
	(void)name;
	return NULL;
}

static void resolve(const conf_t *c)
{
	conf_context_t ctx;
	char err[256];
	conf_overrides_t ov;

	/* As loaded (current-context, or the only context) ... */
	err[0] = '\0';
	if (conf_resolve(c, NULL, fake_env, &ctx, err, sizeof err) == 0) {
		FUZZ_CHECK(ctx.name != NULL && ctx.n_alertmanager == 2);
		conf_context_free(&ctx);
	} else {
		check_err(err, sizeof err);
	}
	/* ... and each context picked by --context, with a flag on top. */
	for (size_t i = 0; i < c->n_contexts; i++) {
		memset(&ov, 0, sizeof ov);
		ov.context = c->contexts[i].name;
		ov.prometheus = "http://127.0.0.1:9090/";
		err[0] = '\0';
		FUZZ_CHECK(conf_resolve(c, &ov, no_env, &ctx, err, sizeof err) == 0);
		FUZZ_CHECK(!strcmp(ctx.prometheus, "http://127.0.0.1:9090"));
		conf_context_free(&ctx);
	}
}

static void config(const char *yaml, size_t len)
{
	conf_t c;
	char err[512];
	err[0] = '\0';
	if (conf_load_string("fuzz.yaml", yaml, len, &c, err, sizeof err) != 0) {
		check_err(err, sizeof err);
		FUZZ_CHECK(c.contexts == NULL && c.n_contexts == 0);
		conf_free(&c);
		return;
	}
	FUZZ_CHECK(c.refresh_ms >= 0 && c.timeout_ms >= 0);
	for (size_t i = 0; i < c.n_contexts; i++) {
		const conf_context_t *x = &c.contexts[i];
		FUZZ_CHECK(x->name && x->n_alertmanager <= CONF_MAX_AM);
		FUZZ_CHECK(!x->prometheus || is_url(x->prometheus));
		for (size_t j = 0; j < x->n_alertmanager; j++)
			FUZZ_CHECK(is_url(x->alertmanager[j]));
		FUZZ_CHECK(!x->color || theme_color_parse(x->color) != -2);
	}
	resolve(&c);
	conf_free(&c);
}

static void dashboard(const char *yaml, size_t len)
{
	dashboard_t d;
	char err[512];
	err[0] = '\0';
	if (dashboard_load_string("panels/fuzz.yaml", yaml, len, &d, err, sizeof err) != 0) {
		check_err(err, sizeof err);
		dashboard_free(&d);
		return;
	}
	FUZZ_CHECK(d.title && d.path);
	for (size_t i = 0; i < d.n_panels; i++) {
		const panel_def_t *p = &d.panels[i];
		char buf[64];
		double v[3] = { p->warn.value, p->crit.value, NAN };
		FUZZ_CHECK(p->title && *p->title && p->query && *p->query);
		FUZZ_CHECK((unsigned)p->type < PANEL__COUNT && (p->width == 1 || p->width == 2));
		FUZZ_CHECK(isfinite(p->max) && p->max >= 0);
		FUZZ_CHECK(!p->warn.set || isfinite(p->warn.value));
		FUZZ_CHECK(!p->crit.set || isfinite(p->crit.value));
		/* What a panel then does with its definition. */
		(void)panel_eval(p, reduce_values(p->reduce, v, 3));
		unit_format(&p->unit, p->max, buf, sizeof buf);
		(void)unit_name(&p->unit);
	}
	dashboard_free(&d);
}

static void theme(const char *yaml, size_t len)
{
	theme_t t;
	char err[512];
	err[0] = '\0';
	if (theme_load_string("themes/fuzz.yaml", yaml, len, &t, err, sizeof err) != 0) {
		check_err(err, sizeof err);
		theme_free(&t);
		return;
	}
	FUZZ_CHECK(t.name != NULL);
	for (int e = 0; e < EL__COUNT; e++) {
		const theme_style_t *s = &t.el[e];
		FUZZ_CHECK(s->fg >= -1 && s->fg <= 255 && s->bg >= -1 && s->bg <= 255);
		FUZZ_CHECK(s->fg8 >= -1 && s->fg8 <= 7 && s->bg8 >= -1 && s->bg8 <= 7);
	}
	theme_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The loaders take (buffer, length) from a file read: not NUL-terminated. */
	char *yaml = malloc(size ? size : 1);
	if (!yaml)
		abort();
	if (size)
		memcpy(yaml, data, size);
	config(yaml, size);
	dashboard(yaml, size);
	theme(yaml, size);
	free(yaml);
	return 0;
}
