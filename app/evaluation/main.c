/* ruqima-evaluation: the pool of the evaluation family (routes.c). */
#include "rq_server.h"
#include "routes.h"

int main(int argc, char **argv)
{
	return rq_server_main(&evaluation_app, argc, argv);
}
