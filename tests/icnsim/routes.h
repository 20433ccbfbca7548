/* icnsim's HTTP API for the metrics side: /metrics, /-/healthy and the fault-control endpoints. */
#ifndef ICNSIM_ROUTES_H
#define ICNSIM_ROUTES_H
#include "sim.h"
#include "srv.h"

void routes_register(srv_t *srv, sim_t *sim);

#endif
