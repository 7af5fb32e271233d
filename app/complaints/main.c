/* ruqima-complaints: the pool of the complaints family (routes.c). */
#include "rq_server.h"
#include "routes.h"

int main(int argc, char **argv)
{
	return rq_server_main(&complaints_app, argc, argv);
}
