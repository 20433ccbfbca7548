/* Handlers for /metrics, /-/healthy and /control/...: thin glue between the server and the model. */
#include "config.h"
#include "routes.h"
#include "metrics.h"
#include <stdlib.h>
#include <string.h>

static void metrics_get(const srv_request_t *req, srv_response_t *resp, void *user)
{
	strbuf_t b;

	sb_init(&b);
	metrics_render(user, &b);
	srv_respond(resp, 200, METRICS_CONTENT_TYPE, b.s ? b.s : "", b.len);
	sb_free(&b);
}

static void healthy_get(const srv_request_t *req, srv_response_t *resp, void *user)
{
	/* Worded as Prometheus and Alertmanager word theirs. */
	srv_respond_text(resp, 200, "icnsim is healthy.\n");
}

static void json_error(srv_response_t *resp, int status, const char *msg)
{
	srv_respond_json(resp, status, json_pack("{s:s}", "error", msg));
}

static json_t *faults_json(const sim_t *sim)
{
	json_t *list = json_array();

	for (int f = 0; f < SIM_FAULT_COUNT; f++)
		if (sim->faults[f].active)
			json_array_append_new(list, json_pack("{s:s, s:s}", "fault", sim_fault_name(f),
							      "node", sim->faults[f].target));
	return json_pack("{s:o}", "faults", list);
}

static void fault_change(const srv_request_t *req, srv_response_t *resp, void *user)
{
	sim_t *sim = user;
	int f = strchr(req->rest, '/') ? -1 : sim_fault_lookup(req->rest);

	if (f < 0) {
		char *msg = xasprintf("unknown fault '%s' (expected one of: %s)", req->rest, sim_fault_list());
		json_error(resp, 404, msg);
		free(msg);
		return;
	}
	if (req->method == SRV_POST) {
		char *err = NULL;
		if (sim_fault_set(sim, f, srv_request_arg(req, "node"), &err) < 0) {
			json_error(resp, 400, err);
			free(err);
			return;
		}
		srv_respond_json(resp, 200, json_pack("{s:s, s:b, s:s}", "fault", sim_fault_name(f), "active", 1,
						      "node", sim->faults[f].target));
		return;
	}
	/* DELETE: report which node it was on, null when it was not active. */
	json_t *node = sim->faults[f].active ? json_string(sim->faults[f].target) : json_null();
	sim_fault_clear(sim, f);
	srv_respond_json(resp, 200, json_pack("{s:s, s:b, s:o}", "fault", sim_fault_name(f), "active", 0, "node", node));
}

static void faults_get(const srv_request_t *req, srv_response_t *resp, void *user)
{
	srv_respond_json(resp, 200, faults_json(user));
}

static void reset_post(const srv_request_t *req, srv_response_t *resp, void *user)
{
	sim_fault_reset(user);
	srv_respond_json(resp, 200, faults_json(user));
}

void routes_register(srv_t *srv, sim_t *sim)
{
	srv_route(srv, SRV_GET, "/metrics", metrics_get, sim);
	srv_route(srv, SRV_GET, "/-/healthy", healthy_get, sim);
	srv_route(srv, SRV_POST | SRV_DELETE, "/control/fault/", fault_change, sim);
	srv_route(srv, SRV_GET, "/control/faults", faults_get, sim);
	srv_route(srv, SRV_POST, "/control/reset", reset_post, sim);
}
