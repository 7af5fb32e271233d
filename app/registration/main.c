/* ruqima-registration: the pool of the registration family (routes.c). */
#include "rq_server.h"
#include "routes.h"

int main(int argc, char **argv)
{
	return rq_server_main(&registration_app, argc, argv);
}
