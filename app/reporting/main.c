/* ruqima-reporting: the pool of the reporting family (routes.c). */
#include "rq_server.h"
#include "routes.h"

int main(int argc, char **argv)
{
	return rq_server_main_stats(&reporting_app, argc, argv);
}
