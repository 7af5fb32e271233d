/* ruqima-admin: the pool of the admin family (routes.c). */
#include "rq_server.h"
#include "routes.h"

int main(int argc, char **argv)
{
	return rq_server_main(&admin_app, argc, argv);
}
