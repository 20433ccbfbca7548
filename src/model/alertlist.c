/* The Alerts view's model: alerts grouped by severity then alertname, sorted, filtered. */
#include "config.h"
#include "model/alertlist.h"
