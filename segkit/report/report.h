#pragma once
// Umbrella header of the report room: the training run's self-contained report.html (torch-free).

#include "segkit/report/chart_axis.h"
#include "segkit/report/example_panel.h"
#include "segkit/report/html.h"
#include "segkit/report/line_chart.h"
#include "segkit/report/overlay.h"
#include "segkit/report/report_charts.h"
#include "segkit/report/run_log.h"
#include "segkit/report/run_report.h"
