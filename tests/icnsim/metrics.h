/* Renders the simulated cluster in the Prometheus text exposition format (0.0.4). */
#ifndef ICNSIM_METRICS_H
#define ICNSIM_METRICS_H
#include "core/xalloc.h"
#include "sim.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

void metrics_render(const sim_t *s, strbuf_t *out);

#endif
